"""Qualification status, pure: requirements + evidence + grants + now → one of six states.

No Flask, no database; the clock is an argument. Times are naive UTC.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

STATUSES = {
    "not_started": "未开始", "in_progress": "学习中", "certified": "已取得",
    "expiring": "即将到期", "expired": "已过期", "revoked": "已撤销",
}
HELD = {"certified", "expiring"}


@dataclass(frozen=True)
class Requirements:
    modules: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    scenario_min_score: int = 80
    exam: str | None = None
    exam_pass_percent: int = 80


@dataclass(frozen=True)
class GrantFacts:
    granted_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Item:
    kind: str  # module | scenario | exam
    key: str
    needed: int | None  # minimum score, None for modules
    best: int | None
    met: bool


def requirement_items(req: Requirements, evidence: dict[tuple[str, str], int | None]) -> list[Item]:
    """Every requirement with its best evidence. ``evidence`` maps (kind, key) → best score (None = done, no score)."""
    items = [Item("module", k, None, None, ("module", k) in evidence) for k in req.modules]
    for key in req.scenarios:
        best = evidence.get(("scenario", key))
        items.append(Item("scenario", key, req.scenario_min_score, best, best is not None and best >= req.scenario_min_score))
    if req.exam:
        best = evidence.get(("exam", req.exam))
        items.append(Item("exam", req.exam, req.exam_pass_percent, best, best is not None and best >= req.exam_pass_percent))
    return items


def all_met(items: list[Item]) -> bool:
    return bool(items) and all(i.met for i in items)


def latest(grants: list[GrantFacts]) -> GrantFacts | None:
    return max(grants, key=lambda g: g.granted_at, default=None)


def status_of(grants: list[GrantFacts], items: list[Item], has_evidence: bool, now: datetime, expiring_days: int) -> str:
    """The newest grant decides once there is one; before that, any evidence means "in progress"."""
    grant = latest(grants)
    if grant is None:
        return "in_progress" if has_evidence or any(i.met for i in items) else "not_started"
    if grant.revoked_at is not None:
        return "revoked"
    if grant.expires_at <= now:
        return "expired"
    if grant.expires_at - now <= timedelta(days=expiring_days):
        return "expiring"
    return "certified"


def add_months(moment: datetime, months: int) -> datetime:
    """Same day-of-month ``months`` later, clamped to the month's end (31 Jan + 1 month → 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
