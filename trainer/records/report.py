"""The annual hours report: every person in the caller's units, their minutes per category, compliance.

One grouped query over the ledger (year → user, category, SUM(minutes)), served from the covering
index ``ix_hours_entry_year_user``; people and unit names are two more flat queries; the join happens in
Python over at most one row per person and category. 10,000 staff × 50 entries: see ``trainer bench hours``.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from trainer.auth import policy as access
from trainer.auth.models import User
from trainer.errors import Forbidden
from trainer.extensions import db
from trainer.hours import ActiveTotals, HoursPolicy, YearSummary, summarize
from trainer.org.models import Unit
from trainer.org.services import hours_policy
from trainer.records.activity_report import active_totals
from trainer.records.models import HoursEntry

REPORTED_ROLES = ("trainee", "trainer")  # every employee; admin accounts are system accounts


@dataclass(frozen=True)
class ReportRow:
    user_id: int
    username: str
    display_name: str
    employee_no: str | None
    unit_id: int | None
    unit_name: str
    active: bool
    summary: YearSummary
    time: ActiveTotals = field(default_factory=ActiveTotals)  # time on task that year (activity_report)

    def as_json(self) -> dict:
        s = self.summary
        return {
            "user_id": self.user_id, "username": self.username, "display_name": self.display_name,
            "unit": self.unit_name, "active": self.active,
            "ethics_minutes": s.minutes("ethics"), "law_minutes": s.minutes("law"),
            "other_minutes": s.total_minutes - s.minutes("ethics") - s.minutes("law"),
            "counted_minutes": s.counted_minutes, "required_minutes": s.target_minutes,
            "missing_minutes": s.missing_minutes, "compliant": s.compliant,
            "active_minutes": self.time.minutes, "active_counted_minutes": self.time.counted_minutes,
        }


def unit_names() -> dict[int, str]:
    """id → "公司 / 供电所 / 班组", from the materialised paths, in one query."""
    units = {uid: (name, path) for uid, name, path in db.session.execute(select(Unit.id, Unit.name, Unit.path))}
    names = {}
    for uid, (_name, path) in units.items():
        chain = [int(part) for part in path.strip("/").split("/") if part]
        names[uid] = " / ".join(units[p][0] for p in chain if p in units) or units[uid][0]
    return names


def scope_unit_ids(actor: User, unit: Unit | None) -> list[int] | None:
    """Unit ids the report covers (None: all). A unit outside the caller's units is refused."""
    if actor.role not in access.STAFF_ROLES:
        raise Forbidden("只有培训师和管理员可以查看单位报表。", f"role {actor.role} asked for the hours report")
    if unit is not None:
        if not access.can_see_unit(actor, unit):
            raise Forbidden("您无权查看该单位。", f"user {actor.id} may not see unit {unit.id}")
        return unit.subtree_ids()
    return access.visible_unit_ids(actor)


def hours_report(actor: User, year: int, unit: Unit | None = None, rules: HoursPolicy | None = None) -> list[ReportRow]:
    """Rows for active people in scope, plus deactivated people who have entries that year (history stays)."""
    rules = rules or hours_policy()
    ids = scope_unit_ids(actor, unit)
    people = select(User.id, User.username, User.display_name, User.employee_no, User.unit_id, User.active).where(
        User.role.in_(REPORTED_ROLES))
    sums = (select(HoursEntry.user_id, HoursEntry.category, func.sum(HoursEntry.minutes))
            .where(HoursEntry.year == year).group_by(HoursEntry.user_id, HoursEntry.category))
    in_scope = None
    if ids is not None:
        people = people.where(User.unit_id.in_(ids))
        in_scope = select(User.id).where(User.unit_id.in_(ids))
        sums = sums.where(HoursEntry.user_id.in_(in_scope))
    minutes: dict[int, dict[str, int]] = {}
    for user_id, category, total in db.session.execute(sums):
        minutes.setdefault(user_id, {})[category] = int(total)
    time = active_totals(year, rules, user_ids=in_scope)
    names = unit_names()
    rows = []
    for user_id, username, display_name, employee_no, unit_id, active in db.session.execute(people):
        if not active and user_id not in minutes:
            continue
        rows.append(ReportRow(user_id, username, display_name, employee_no, unit_id, names.get(unit_id, ""), bool(active),
                              summarize(year, minutes.get(user_id, {}), rules), time.get(user_id, ActiveTotals())))
    rows.sort(key=lambda r: (r.unit_name, r.username))
    return rows


@dataclass
class UnitStat:
    unit: Unit
    people: int = 0
    compliant: int = 0
    missing_minutes: int = 0
    counted_minutes: int = 0  # credited minutes in the counted categories, summed over the unit's people
    active_counted_minutes: int = 0  # their active time in those categories

    @property
    def percent(self) -> int:
        return self.compliant * 100 // self.people if self.people else 0


def unit_compliance(rows: list[ReportRow], units: list[Unit]) -> list[UnitStat]:
    """Per unit, rolled up over its subtree: active people, how many are compliant, who is behind."""
    stats = {u.id: UnitStat(u) for u in units}
    paths = {u.id: u.path for u in db.session.scalars(select(Unit))}
    for row in rows:
        if not row.active or row.unit_id is None:
            continue
        for part in paths.get(row.unit_id, "").strip("/").split("/"):
            stat = stats.get(int(part)) if part else None
            if stat is None:
                continue
            stat.people += 1
            stat.counted_minutes += row.summary.counted_minutes
            stat.active_counted_minutes += row.time.counted_minutes
            if row.summary.compliant:
                stat.compliant += 1
            else:
                stat.missing_minutes += row.summary.missing_minutes
    return [s for s in stats.values()]


def behind(rows: list[ReportRow]) -> list[ReportRow]:
    """Active people short of the target, most missing first."""
    return sorted((r for r in rows if r.active and not r.summary.compliant),
                  key=lambda r: (-r.summary.missing_minutes, r.unit_name, r.username))
