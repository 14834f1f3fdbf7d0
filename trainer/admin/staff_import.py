"""Staff lists (工号, 姓名, 岗位, 单位 and an optional 状态) from Excel, CSV or the API: one plan, one apply.

The same rules serve the page (/admin/import-staff) and the API (PUT /api/v1/people/<工号>, POST
/api/v1/people/import):

- **A diff first.** :func:`plan` reads the database and writes nothing. Per row it says what would happen:
  新建, 更新 with every changed field old → new (单位 changed = moved), 停用, 无变化, or 拒绝 with the reason.
- **All or nothing.** If any row is rejected, nothing is written: a half-imported list never leaves some
  people created and others missing. :func:`apply_plan` refuses a plan with rejected rows.
- **Nobody is disabled by omission.** An HR export is often partial (one 供电所, one new-hire batch), so
  a person missing from the file is left alone. People are disabled only when the file says so (状态 离职 /
  停用) or when the caller asks for a full sync (``disable_missing``); a full sync disables only active
  people with a 工号 in the units the file covers (and the units below them), never an admin or the caller.
- **Presence does not re-enable.** A disabled account in the file keeps its fields updated but stays
  disabled unless its 状态 says 在职: an admin may have disabled it on purpose.
"""

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer import audit, signals, tabular
from trainer.auth.models import User
from trainer.errors import ValidationFailed
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.tabular import read_rows

COLUMNS = {"工号": "employee_no", "姓名": "display_name", "岗位": "position", "单位": "unit"}
OPTIONAL_COLUMNS = {"状态": "status"}
STATUS = {"在职": True, "启用": True, "正常": True, "离职": False, "停用": False, "禁用": False}
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 5  # a title or an instructions row may sit above the header
ACTIONS = {"created": "新建", "updated": "更新", "disabled": "停用", "unchanged": "无变化", "rejected": "拒绝"}
FIELDS = {"display_name": "姓名", "position": "岗位", "unit": "单位", "active": "状态"}
# Columns that mark another kind of file uploaded here by mistake → what to tell the user.
LOOKS_LIKE = {
    ("学籍号", "学号", "家长姓名", "班级"): "文件中有学籍号、学号等列,看起来是学生名单,不能导入为员工。",
    ("题干", "题型", "正确答案"): "文件中有题干、题型等列,看起来是题库,请在“题库”页面导入。",
}


@dataclass
class Change:
    field: str  # a key of FIELDS
    old: str
    new: str

    @property
    def label(self) -> str:
        return FIELDS[self.field]


@dataclass
class RowResult:
    row: int  # the file's row number; 0 for a person not in the file (disabled by a full sync)
    employee_no: str
    name: str
    action: str  # a key of ACTIONS
    reason: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return any(c.field == "unit" for c in self.changes)

    @property
    def action_label(self) -> str:
        return ACTIONS[self.action]

    def as_json(self) -> dict:
        return {"row": self.row, "employee_no": self.employee_no, "name": self.name, "action": self.action,
                "reason": self.reason, "moved": self.moved,
                "changes": [{"field": c.field, "label": c.label, "old": c.old, "new": c.new} for c in self.changes]}


@dataclass
class _Plan:
    row: RowResult
    user: User | None
    record: dict
    unit: Unit | None
    active: bool | None


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    _plans: list[_Plan] = field(default_factory=list, repr=False)

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "rejected"]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.rejected

    @property
    def needs_password(self) -> bool:
        return any(r.action == "created" for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTIONS} | {"moved": sum(r.moved for r in self.rows)}

    def fingerprint(self) -> str:
        """A digest of the diff: a confirmation applies only if the plan made now is the one that was shown."""
        text = json.dumps([r.as_json() for r in self.rows], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


# --- reading a file ----------------------------------------------------------------------------------

def read_table(filename: str, data: bytes) -> list[dict]:
    """Rows as records (``employee_no``, ``display_name``, ``position``, ``unit``, ``status``); raises
    ValidationFailed with a Chinese message for an unreadable file or one that is not a staff list."""
    rows = read_rows(filename, data, max_rows=MAX_ROWS + HEADER_SEARCH_ROWS,
                     too_many=f"一次最多导入 {MAX_ROWS} 行。")
    if not rows:
        raise ValidationFailed("文件是空的。")
    at = next((i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if set(row) & set(COLUMNS)), 0)
    header = rows[at]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(_not_a_staff_list(header, missing, at + 1), f"missing columns {missing}")
    if len(rows) - at - 1 > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行。", f"more than {MAX_ROWS} rows")
    wanted = {**COLUMNS, **OPTIONAL_COLUMNS}
    index = {name: header.index(name) for name in wanted if name in header}
    return [
        {key: (row[index[name]] if name in index and index[name] < len(row) else "") for name, key in wanted.items()}
        for row in rows[at + 1:]
    ]


def _not_a_staff_list(header: list[str], missing: list[str], row_number: int) -> str:
    shown = [h[:20] for h in header if h][:8]
    found = "、".join(shown) + ("…" if len([h for h in header if h]) > len(shown) else "")
    message = f"缺少列:{'、'.join(missing)},这不是人员名单。"
    message += next((hint for names, hint in LOOKS_LIKE.items() if any(name in header for name in names)), "")
    if found:
        message += f"第 {row_number} 行的列为:{found}。"
    return message + "请下载人员导入模板,按 工号、姓名、岗位、单位 填写后上传。"


# --- planning (no writes) ----------------------------------------------------------------------------

def _unit_lookup() -> tuple[dict[str, Unit], dict[str, list[Unit]]]:
    units = list(db.session.scalars(select(Unit)))
    by_full = {u.full_name.replace(" ", ""): u for u in units}
    by_name: dict[str, list[Unit]] = {}
    for unit in units:
        by_name.setdefault(unit.name, []).append(unit)
    return by_full, by_name


def _unit_label(unit: Unit | None) -> str:
    return unit.full_name.replace(" ", "") if unit is not None else ""


def _status_label(active: bool) -> str:
    return "在职" if active else "停用"


def plan(records: list[dict], *, disable_missing: bool = False, actor: User | None = None,
         first_row: int = 2) -> ImportResult:
    """What importing ``records`` would do, row by row; writes nothing. ``first_row``: the number the
    first record gets in the report (2 for a file with its header in row 1, 1 for an API list)."""
    by_full, by_name = _unit_lookup()
    existing = {u.employee_no: u for u in db.session.scalars(select(User).where(User.employee_no.is_not(None)))}
    usernames = set(db.session.scalars(select(User.username)))
    seen: set[str] = set()
    result = ImportResult()
    for number, record in enumerate(records, start=first_row):
        employee_no, name = record["employee_no"], record["display_name"]
        row = RowResult(number, employee_no, name, "rejected")
        result.rows.append(row)
        row.reason, unit, active = _check(record, seen, by_full, by_name)
        seen.add(employee_no)
        user = existing.get(employee_no)
        if not row.reason and user is None and employee_no in usernames:
            row.reason = "该工号已被其他账号用作用户名"
        if row.reason:
            continue
        row.action, row.reason, row.changes = _diff(user, record, unit, active)
        result._plans.append(_Plan(row, user, record, unit, active))
    if disable_missing:
        _plan_disabling(result, existing, seen, actor)
    return result


def _check(record: dict, seen: set[str], by_full, by_name) -> tuple[str, Unit | None, bool | None]:
    """(reason the row is rejected or "", its unit, its 状态 as active True/False or None when not given)."""
    employee_no, name, unit_text = record["employee_no"], record["display_name"], record["unit"]
    status = (record.get("status") or "").strip()
    key = unit_text.replace(" ", "")
    candidates = [by_full[key]] if key in by_full else by_name.get(key, [])
    if not employee_no or not name or not unit_text:
        return "工号、姓名、单位不能为空", None, None
    if len(employee_no) > 32 or len(name) > 64 or len(record["position"]) > 32:
        return "内容过长(工号≤32字、姓名≤64字、岗位≤32字)", None, None
    if employee_no in seen:
        return "工号在文件中重复", None, None
    if status and status not in STATUS:
        return f"状态“{status}”无效,应为 在职 或 离职(也可留空)", None, None
    if not candidates:
        return f"找不到单位“{unit_text}”", None, None
    if len(candidates) > 1:
        return f"单位“{unit_text}”重名,请写完整路径,如 {_unit_label(candidates[0])}", None, None
    return "", candidates[0], STATUS.get(status)


def _diff(user: User | None, record: dict, unit: Unit, active: bool | None) -> tuple[str, str, list[Change]]:
    """(action, note, changes) for one valid row."""
    if user is None:
        if active is False:
            return "unchanged", "名单中为离职,未建账号", []
        return "created", "", [Change("display_name", "", record["display_name"]), Change("position", "", record["position"]),
                               Change("unit", "", _unit_label(unit))]
    changes = [Change(key, old, new) for key, old, new in (
        ("display_name", user.display_name, record["display_name"]), ("position", user.position or "", record["position"]),
        ("unit", _unit_label(user.unit), _unit_label(unit))) if old != new]
    note = ""
    if active is not None and active != user.active:
        changes.append(Change("active", _status_label(user.active), _status_label(active)))
    elif active is None and not user.active:
        note = "账号已停用,未重新启用(状态填 在职 可启用)"
    if active is False and user.active:
        return "disabled", note, changes
    return ("updated" if changes else "unchanged"), note, changes


def _plan_disabling(result: ImportResult, existing: dict[str, User], seen: set[str], actor: User | None) -> None:
    """A full sync: active people with a 工号 in the file's units (and below) who are not in the file."""
    covered = {p.unit.path for p in result._plans if p.unit is not None}
    missing = sorted((u for no, u in existing.items() if no not in seen), key=lambda u: u.employee_no)
    for user in missing:
        if (not user.active or user.role == "admin" or (actor is not None and user.id == actor.id) or user.unit is None
                or not any(user.unit.path.startswith(path) for path in covered)):
            continue
        row = RowResult(0, user.employee_no, user.display_name, "disabled", "不在名单中",
                        [Change("active", _status_label(True), _status_label(False))])
        result.rows.append(row)
        result._plans.append(_Plan(row, user, {}, user.unit, False))


# --- applying ----------------------------------------------------------------------------------------

def apply_plan(result: ImportResult, *, initial_password: str | None, actor: User | None, source: str = "") -> None:
    """Write a plan made by :func:`plan` in this request (flush only; the unit of work commits)."""
    if not result.ok:
        raise ValidationFailed(f"有 {len(result.rejected)} 行无法导入,本次未导入任何人员。", "plan has rejected rows")
    if result.needs_password and not initial_password:
        raise ValidationFailed("名单中有新人员,请设置新账号的初始密码。", "initial password missing")
    created = []
    for item in result._plans:
        row, user, record = item.row, item.user, item.record
        if row.action == "unchanged" and user is None:
            continue  # 离职 in the file and never had an account
        if user is None:
            user = User(username=row.employee_no, employee_no=row.employee_no, role="trainee", must_change_password=True)
            user.set_password(initial_password)
            db.session.add(user)
            created.append(user)
        if record:
            user.display_name, user.position, user.unit = record["display_name"], record["position"], item.unit
        if item.active is not None:
            user.active = item.active
    db.session.flush()
    audit.record(actor, "user.import", source, **result.counts(),
                 changed={r.employee_no: {c.field: [c.old, c.new] for c in r.changes}
                          for r in result.rows if r.action in ("updated", "disabled")})
    for user in created:
        signals.user_created.send(actor, account=user, created_at=user.created_at)


def import_staff(records: list[dict], *, initial_password: str | None, apply: bool, actor: User | None = None,
                 disable_missing: bool = False, source: str = "") -> ImportResult:
    """Plan, and when ``apply`` and no row is rejected, write (flush only)."""
    result = plan(records, disable_missing=disable_missing, actor=actor)
    if apply and result.ok:
        apply_plan(result, initial_password=initial_password, actor=actor, source=source)
    return result


# --- the template ------------------------------------------------------------------------------------

GUIDE = [
    ("工号", "必填。员工工号,同时作为登录用户名;已有此工号的人员按本行更新,没有的新建账号(学员)。"),
    ("姓名", "必填,不超过 64 字。"),
    ("岗位", "可空,如 营业厅、抄表、新员工(新员工会自动分配入职学习路径);不超过 32 字。"),
    ("单位", "必填。单位名称;有重名单位时写完整路径,如 南城供电公司/城东供电所/营业班。"),
    ("状态", "可空。在职 或 离职(也可写 启用 / 停用)。离职的人员账号被停用;留空则不改变账号状态。"),
    ("导入规则", "上传后先显示差异(新建、更新的字段 旧值 → 新值、调动单位、停用),确认后才写入;任何一行有错时不导入任何人员。"
                 "名单中没有的人员不会被停用,除非勾选“停用名单中没有的人员”。"),
]


def template_workbook() -> bytes:
    """The staff-list template: a 人员名单 sheet with the header row (no example row: it would be imported) and a 说明 sheet."""
    return tabular.template_workbook("人员名单", [*COLUMNS, *OPTIONAL_COLUMNS], [], GUIDE, widths=(14, 12, 14, 36, 10))
