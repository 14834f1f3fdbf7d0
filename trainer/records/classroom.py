"""集中培训 (classroom sessions): a trainer records the session; every attendee is credited once.

Attendees are picked from the unit's people or read from a sign-in sheet (Excel or CSV with a 工号,
用户名 or 姓名 column). A sheet is all or nothing: one unknown name and nothing is recorded, so the
trainer fixes the sheet instead of discovering later that someone was silently left out.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from trainer import audit
from trainer.auth import policy as access
from trainer.auth.models import User
from trainer.errors import Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.hours import check_entry
from trainer.org.models import Unit
from trainer.org.services import hours_policy
from trainer.records.activity import add_seconds
from trainer.records.models import ClassroomSession, HoursEntry
from trainer.records.services import credit
from trainer.tabular import iter_rows, template_workbook

# Sign-in sheet columns, in the order they identify a person best.
SHEET_COLUMNS = {"工号": "employee_no", "用户名": "username", "姓名": "display_name"}
MAX_SHEET_ROWS = 2000
MAX_ATTENDEES = 2000
MAX_NOTE = 2000  # characters; the form says the same


@dataclass
class SheetResult:
    matched: list[User] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # "第 3 行:张三(找不到此人)"


def read_sign_in_sheet(filename: str, data: bytes) -> list[tuple[int, str, str]]:
    """(row number, column kind, value) for every non-empty row; raises ValidationFailed for unreadable files."""
    # Sign-in sheets often have a title row or two above the header: up to 10 rows more than the names.
    rows = list(iter_rows(filename, data, what="签到表", max_rows=MAX_SHEET_ROWS + 10,
                          too_many=f"签到表最多 {MAX_SHEET_ROWS} 行。"))
    found = next(((n, name, header.index(name)) for n, (_number, header) in enumerate(rows[:10])
                  for name in SHEET_COLUMNS if name in header), None)
    if found is None:
        raise ValidationFailed("签到表中找不到“工号”“用户名”或“姓名”列。", "no identifying column in the first 10 rows")
    header_index, name, index = found
    body = rows[header_index + 1:]
    if len(body) > MAX_SHEET_ROWS:
        raise ValidationFailed(f"签到表最多 {MAX_SHEET_ROWS} 行。")
    return [(number, SHEET_COLUMNS[name], row[index]) for number, row in body if index < len(row) and row[index]]


SHEET_GUIDE = [
    ("工号", "用来对应人员,优先使用。有“工号”列时只按工号对应,其他列仅供阅读。"),
    ("用户名", "没有“工号”列时按登录用户名对应。"),
    ("姓名", "既没有“工号”也没有“用户名”列时按姓名对应;有重名的人员请改用工号。"),
    ("表头", "表头上方可以有标题行(最多 10 行);表头之后每行一人,空行会跳过。"),
    ("示例行", "第 3 行是示例,上传前请删除:它对应不到任何人员,会使整张签到表不被记录。"),
    ("范围", f"只对应您所管理单位中的在岗人员;最多 {MAX_SHEET_ROWS} 行。任何一行对应不上时本次不记录,页面会列出这些行。"),
    ("格式", "Excel(.xlsx)或 CSV(UTF-8)。培训日期、主题、类别和学时在网页上填写。"),
]


def sign_in_template() -> bytes:
    """The sign-in sheet template (.xlsx): a title row, the header 工号 / 姓名 / 单位 / 签名, one example row
    that matches nobody (so a template uploaded unchanged is refused, not credited), and a 说明 sheet."""
    return template_workbook("签到表", ["工号", "姓名", "单位", "签名"], [["(示例)E1001", "张三", "城东供电所营业班", ""]],
                             SHEET_GUIDE, title="集中培训签到表", widths=(16, 12, 24, 16))


def match_sign_in_sheet(actor: User, rows: list[tuple[int, str, str]]) -> SheetResult:
    """Match sheet rows to active people the actor may manage; names must be unambiguous."""
    people = [u for u in db.session.scalars(access.visible_users_query(actor).where(User.active.is_(True)))]
    index: dict[str, dict[str, list[User]]] = {kind: {} for kind in SHEET_COLUMNS.values()}
    for person in people:
        for kind in index:
            value = getattr(person, kind)
            if value:
                index[kind].setdefault(value, []).append(person)
    result, seen = SheetResult(), set()
    for number, kind, value in rows:
        found = index[kind].get(value, [])
        if len(found) == 1:
            if found[0].id not in seen:
                seen.add(found[0].id)
                result.matched.append(found[0])
        else:
            why = "找不到此人或不在您管理的单位" if not found else "有重名,请改用工号"
            result.unmatched.append(f"第 {number} 行:{value}({why})")
    return result


def record_session(actor: User, *, unit: Unit, held_on: date, topic: str, category: str, minutes: int,
                   attendees: list[User], now: datetime, note: str = "") -> ClassroomSession:
    """Create the session and credit each attendee once (a repeated attendee is ignored)."""
    if actor.role not in access.STAFF_ROLES or not access.can_see_unit(actor, unit):
        raise Forbidden("您无权为该单位记录集中培训。", f"user {actor.id} may not record for unit {unit.id}")
    topic = (topic or "").strip()
    if not topic or len(topic) > 200:
        raise ValidationFailed("请填写培训主题(不超过 200 字)。", "topic empty or too long")
    check_entry("classroom", category, minutes)
    rules = hours_policy()
    if held_on > rules.today(now):
        raise ValidationFailed("培训日期不能晚于今天。", f"held_on {held_on} is in the future")
    if held_on.year < rules.year_of(now) - 5:
        raise ValidationFailed("培训日期太早。", f"held_on {held_on} too old")
    unique = list({p.id: p for p in attendees}.values())
    if not unique:
        raise ValidationFailed("请至少选择一名参训人员。", "no attendees")
    if len(unique) > MAX_ATTENDEES:
        raise ValidationFailed(f"一次最多 {MAX_ATTENDEES} 名参训人员。")
    for person in unique:
        # Someone outside the actor's units is not named back: that would tell who exists where.
        if not access.can_see_user(actor, person):
            raise Forbidden("无权查看。", f"attendee {person.id} not visible to {actor.id}")
        if not person.active:
            raise ValidationFailed(f"{person.display_name} 的账号已停用。", f"attendee {person.id} inactive")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(f"备注最多 {MAX_NOTE} 字。", f"note of {len(note)} characters")
    session = ClassroomSession(unit_id=unit.id, held_on=held_on, topic=topic, category=category, minutes=minutes,
                               note=note, created_by_id=actor.id)
    db.session.add(session)
    db.session.flush()
    credited = sum(
        credit(person, source="classroom", source_key=str(session.id), source_id=session.id, category=category,
               minutes=minutes, title=topic, year=held_on.year, occurred_on=held_on, actor=actor)
        for person in unique
    )
    for person in unique:  # time on task as recorded by the trainer, on the day it was held
        add_seconds(person, "classroom", str(session.id), minutes * 60, at=now, category=category, day=held_on)
    audit.record(actor, "hours.classroom", f"classroom:{session.id}", unit=unit.id, held_on=held_on, topic=topic,
                 category=category, minutes=minutes, attendees=[p.id for p in unique], credited=credited)
    return session


def attendees(session: ClassroomSession) -> list[User]:
    return list(db.session.scalars(
        select(User).join(HoursEntry, HoursEntry.user_id == User.id)
        .where(HoursEntry.source == "classroom", HoursEntry.source_id == session.id).order_by(User.username)
    ))


def visible_sessions(actor: User, limit: int = 100) -> list[ClassroomSession]:
    query = select(ClassroomSession).order_by(ClassroomSession.held_on.desc(), ClassroomSession.id.desc()).limit(limit)
    ids = access.visible_unit_ids(actor)
    if ids is not None:
        query = query.where(ClassroomSession.unit_id.in_(ids))
    return list(db.session.scalars(query))
