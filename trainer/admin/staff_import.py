"""Bulk import of staff lists (工号, 姓名, 岗位, 单位) from Excel or CSV.

All or nothing: every row is checked first, and if any row is rejected nothing is written, so a
half-imported list never leaves some people created and others missing. The report says, per row,
what was (or would have been) created or updated, or why the row was rejected.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from trainer import signals
from trainer.auth.models import User
from trainer.errors import ValidationFailed
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.tabular import read_rows

COLUMNS = {"工号": "employee_no", "姓名": "display_name", "岗位": "position", "单位": "unit"}
MAX_ROWS = 5000


@dataclass
class RowResult:
    row: int
    employee_no: str
    name: str
    action: str  # created | updated | unchanged | rejected
    reason: str = ""


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "rejected"]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.rejected

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def read_table(filename: str, data: bytes) -> list[dict]:
    """Rows as dicts keyed by the Chinese headers; raises ValidationFailed for unreadable files."""
    rows = read_rows(filename, data, max_rows=MAX_ROWS + 1, too_many=f"一次最多导入 {MAX_ROWS} 行。")  # + the header
    if not rows:
        raise ValidationFailed("文件是空的。")
    header = rows[0]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(f"缺少列:{'、'.join(missing)}。第一行应为:工号、姓名、岗位、单位。", f"missing columns {missing}")
    index = {name: header.index(name) for name in COLUMNS}
    return [
        {COLUMNS[name]: (row[i] if i < len(row) else "") for name, i in index.items()}
        for row in rows[1:]
    ]


def _unit_lookup() -> tuple[dict[str, Unit], dict[str, list[Unit]]]:
    units = list(db.session.scalars(select(Unit)))
    by_full = {u.full_name.replace(" ", ""): u for u in units}
    by_name: dict[str, list[Unit]] = {}
    for unit in units:
        by_name.setdefault(unit.name, []).append(unit)
    return by_full, by_name


def import_staff(records: list[dict], *, initial_password: str, apply: bool, actor: User | None = None) -> ImportResult:
    """Check every row; when ``apply`` and no row is rejected, create or update the users (flush only)."""
    by_full, by_name = _unit_lookup()
    existing = {u.employee_no: u for u in db.session.scalars(select(User).where(User.employee_no.is_not(None)))}
    usernames = set(db.session.scalars(select(User.username)))
    seen: set[str] = set()
    result, plans = ImportResult(), []
    for number, record in enumerate(records, start=2):  # row 1 is the header
        employee_no, name = record["employee_no"], record["display_name"]
        row = RowResult(number, employee_no, name, "rejected")
        result.rows.append(row)
        unit_name = record["unit"].replace(" ", "")
        candidates = [by_full[unit_name]] if unit_name in by_full else by_name.get(unit_name, [])
        if not employee_no or not name or not record["unit"]:
            row.reason = "工号、姓名、单位不能为空"
        elif len(employee_no) > 32 or len(name) > 64 or len(record["position"]) > 32:
            row.reason = "内容过长(工号≤32字、姓名≤64字、岗位≤32字)"
        elif employee_no in seen:
            row.reason = "工号在文件中重复"
        elif not candidates:
            row.reason = f"找不到单位“{record['unit']}”"
        elif len(candidates) > 1:
            row.reason = f"单位“{record['unit']}”重名,请写完整路径,如 {candidates[0].full_name.replace(' ', '')}"
        else:
            user = existing.get(employee_no)
            if user is None and employee_no in usernames:
                row.reason = "该工号已被其他账号用作用户名"
            else:
                row.action = "created" if user is None else "updated"
                plans.append((row, user, record, candidates[0]))
        seen.add(employee_no)
    if not apply or result.rejected:
        return result
    created = []
    for row, user, record, unit in plans:
        if user is None:
            user = User(username=row.employee_no, employee_no=row.employee_no, role="trainee", must_change_password=True)
            user.set_password(initial_password)
            db.session.add(user)
            created.append(user)
        elif (user.display_name, user.position, user.unit_id) == (record["display_name"], record["position"], unit.id):
            row.action = "unchanged"
        user.display_name, user.position, user.unit = record["display_name"], record["position"], unit
    db.session.flush()
    for user in created:
        signals.user_created.send(actor, account=user, created_at=user.created_at)
    return result
