"""The hours ledger: credits (idempotent), adjustments (audited), one person's year.

Services flush, never commit. Credits from signals run inside the sender's transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from trainer import audit
from trainer.auth import policy as access
from trainer.auth.models import User
from trainer.courses.models import Course, Module
from trainer.errors import Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.hours import Entry, Evidence, YearSummary, check_entry, dedupe_key, summarize
from trainer.inserts import insert_ignore
from trainer.org.services import hours_policy
from trainer.records.models import HoursEntry
from trainer.roleplay.models import Scenario
from trainer.timeutil import utcnow

ADJUSTABLE_YEARS = 5  # corrections reach back this many years


def credit(person: User, *, source: str, source_key: str, source_id: int | None, category: str, minutes: int,
           title: str, year: int, occurred_on: date, actor: User | None = None, evidence: Evidence | None = None) -> bool:
    """Write a once-only entry. Returns False (and writes nothing) if this person already has it this year.
    ``evidence``: the active time behind a module credit, kept on the entry."""
    check_entry(source, category, minutes)
    db.session.flush()
    # INSERT … ON CONFLICT DO NOTHING: the database, not a read-then-write, decides "already credited".
    return insert_ignore(
        HoursEntry, conflict=["user_id", "year", "dedupe_key"], user_id=person.id, year=year, category=category, minutes=minutes, source=source, source_id=source_id,
        source_key=source_key, dedupe_key=dedupe_key(source, source_key), title=title[:200], occurred_on=occurred_on,
        created_at=utcnow(), created_by_id=actor.id if actor else None, reason="",
        active_minutes=evidence.minutes if evidence else None, active_from=evidence.first_day if evidence else None,
        active_to=evidence.last_day if evidence else None,
    ) is not None


def _credit_content(person: User, item, source: str, moment: datetime, evidence: Evidence | None = None) -> bool:
    if not item.credit_category or not item.credit_minutes or item.credit_minutes <= 0:
        return False
    rules = hours_policy()
    return credit(person, source=source, source_key=item.key, source_id=item.id, category=item.credit_category,
                  minutes=item.credit_minutes, title=item.title, year=rules.year_of(moment), occurred_on=rules.today(moment),
                  evidence=evidence)


def credit_module(person: User, module: Module, completed_at: datetime, evidence: Evidence | None = None) -> bool:
    """Write a module's credit, once per person per training year (Asia/Shanghai). Whether it is due (completed
    and enough active time) is decided by :func:`trainer.records.crediting.grant_module_credit`."""
    return _credit_content(person, module, "module", completed_at, evidence)


def credit_scenario(person: User, scenario: Scenario, passed_at: datetime) -> bool:
    return _credit_content(person, scenario, "scenario", passed_at)


def require_manager_of(actor: User, person: User) -> None:
    if actor.role not in access.STAFF_ROLES or not access.can_see_user(actor, person):
        raise Forbidden("您无权管理此人的培训记录。", f"user {actor.id} may not manage user {person.id}")


def adjust(actor: User, person: User, *, year: int, category: str, minutes: int, reason: str, now: datetime) -> HoursEntry:
    """A manual correction (may be negative); the reason is required and the change is audited."""
    require_manager_of(actor, person)
    if actor.id == person.id and actor.role != "admin":
        raise Forbidden("不能调整自己的学时,请联系上级培训师或管理员。", f"user {actor.id} adjusting own hours")
    rules = hours_policy()
    current = rules.year_of(now)
    if not current - ADJUSTABLE_YEARS <= year <= current:
        raise ValidationFailed(f"只能调整 {current - ADJUSTABLE_YEARS}–{current} 年的学时。", f"year {year} out of range")
    reason = (reason or "").strip()
    check_entry("adjustment", category, minutes, reason)
    entry = HoursEntry(
        user_id=person.id, year=year, category=category, minutes=minutes, source="adjustment", title="人工调整",
        occurred_on=rules.today(now) if year == current else date(year, 12, 31),
        created_by_id=actor.id, reason=reason[:2000],
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "hours.adjust", f"user:{person.id}", entry=entry.id, year=year, category=category,
                 minutes=minutes, reason=reason)
    return entry


def year_summary(person: User, year: int) -> YearSummary:
    rows = db.session.execute(
        select(HoursEntry.category, func.sum(HoursEntry.minutes))
        .where(HoursEntry.user_id == person.id, HoursEntry.year == year)
        .group_by(HoursEntry.category)
    ).all()
    return summarize(year, {category: int(total) for category, total in rows}, hours_policy())


def entries(person: User, year: int) -> list[HoursEntry]:
    return list(db.session.scalars(
        select(HoursEntry).where(HoursEntry.user_id == person.id, HoursEntry.year == year)
        .order_by(HoursEntry.occurred_on, HoursEntry.id)
    ))


def yearly_totals(person: User) -> dict[int, YearSummary]:
    """Every year this person has entries in, newest first."""
    rows = db.session.execute(
        select(HoursEntry.year, HoursEntry.category, func.sum(HoursEntry.minutes))
        .where(HoursEntry.user_id == person.id).group_by(HoursEntry.year, HoursEntry.category)
    ).all()
    per_year: dict[int, dict[str, int]] = {}
    for year, category, total in rows:
        per_year.setdefault(year, {})[category] = int(total)
    rules = hours_policy()
    return {year: summarize(year, per_year[year], rules) for year in sorted(per_year, reverse=True)}


def as_entries(rows: list[HoursEntry]) -> list[Entry]:
    return [Entry(r.category, r.minutes, r.source) for r in rows]


@dataclass(frozen=True)
class Suggestion:
    kind: str  # module | scenario
    key: str
    title: str
    category: str
    minutes: int


def next_to_take(person: User, year: int, limit: int = 5) -> list[Suggestion]:
    """Modules (then scenarios) in the counted categories that have not credited this person this year."""
    rules = hours_policy()
    done = {(source, key) for source, key in db.session.execute(
        select(HoursEntry.source, HoursEntry.source_key)
        .where(HoursEntry.user_id == person.id, HoursEntry.year == year, HoursEntry.source.in_(("module", "scenario")))
    )}
    modules = db.session.scalars(
        select(Module).join(Course)
        .where(Module.retired.is_(False), Course.retired.is_(False), Module.credit_category.in_(rules.categories))
        .order_by(Course.position, Module.position)
    )
    scenarios = db.session.scalars(
        select(Scenario).where(Scenario.retired.is_(False), Scenario.credit_category.in_(rules.categories)).order_by(Scenario.key)
    )
    found = []
    for kind, items in (("module", modules), ("scenario", scenarios)):
        for item in items:
            if (kind, item.key) not in done and item.credit_minutes > 0:
                found.append(Suggestion(kind, item.key, item.title, item.credit_category, item.credit_minutes))
                if len(found) >= limit:
                    return found
    return found
