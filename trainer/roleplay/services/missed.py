"""Which rubric items (standard phrases and points to get across) the trainer's people miss most, over their
scored role-play answers: overall, per scenario (filter) and per unit (the units a chart compares).

Read from each scored attempt's stored items (``items_json``: what scoring expected and whether it was
heard), the newest ``MAX_ATTEMPTS`` in scope, so the page stays bounded however many answers there are.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer import charts
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.roleplay.models import RoleplayAttempt
from trainer.roleplay.services.review import in_scope
from trainer.scoring.result import ITEM_KINDS, PHRASE

MAX_ATTEMPTS = 5000
TOP_SHOWN = 15  # items in the chart and the table
TOP_PER_UNIT = 3


@dataclass
class MissedItem:
    kind: str  # "phrase" or "intent" (trainer.scoring.result.ITEM_KINDS)
    expect: str  # the phrase as written or the intent's label
    asked: int = 0  # answers that were scored on it
    missed: int = 0  # of those, answers in which it was not heard

    @property
    def kind_label(self) -> str:
        return ITEM_KINDS.get(self.kind, self.kind)

    @property
    def percent(self) -> int:
        return round(100 * self.missed / self.asked) if self.asked else 0


@dataclass
class UnitMisses:
    unit: Unit
    answers: int = 0
    items: list[MissedItem] = field(default_factory=list)  # the most missed, at most TOP_PER_UNIT


@dataclass
class MissedReport:
    answers: int = 0
    capped: bool = False  # only the newest MAX_ATTEMPTS answers were read
    items: list[MissedItem] = field(default_factory=list)  # most missed first, at most TOP_SHOWN
    units: list[UnitMisses] = field(default_factory=list)


def _tally(counts: dict[tuple[str, str], MissedItem], stored: list[dict]) -> None:
    for item in stored:
        kind = item.get("kind") or PHRASE
        key = (kind, item.get("key") or item.get("expect") or "")
        entry = counts.setdefault(key, MissedItem(kind, item.get("expect") or key[1]))
        entry.asked += 1
        entry.missed += not item.get("hit")


def most_missed(counts: dict[tuple[str, str], MissedItem], limit: int) -> list[MissedItem]:
    """Items missed at least once, most misses first (then the higher share, then the text)."""
    missed = [m for m in counts.values() if m.missed]
    return sorted(missed, key=lambda m: (-m.missed, -m.percent, m.expect))[:limit]


def missed_items(actor: User, units: list[Unit], *, unit: Unit | None = None, scenario_id: int | None = None) -> MissedReport:
    """``units``: the units to break the figures down by (each rolled up over its sub-units); ``unit`` limits
    the answers to that unit's subtree and must be visible to ``actor``."""
    query = in_scope(select(RoleplayAttempt.items_json, User.unit_id)
                     .join(User, RoleplayAttempt.user_id == User.id)
                     .where(RoleplayAttempt.status == "scored"), actor, unit=unit, scenario_id=scenario_id)
    rows = db.session.execute(query.order_by(RoleplayAttempt.id.desc()).limit(MAX_ATTEMPTS + 1)).all()
    report = MissedReport(capped=len(rows) > MAX_ATTEMPTS)
    rows = rows[:MAX_ATTEMPTS]
    paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())
    overall: dict = {}
    per_unit: dict[int, dict] = {u.id: {} for u in units}
    answers: Counter = Counter()
    for items_json, unit_id in rows:
        stored = json.loads(items_json or "[]")
        report.answers += 1
        _tally(overall, stored)
        path = paths.get(unit_id, "")
        for breakdown in units:
            if path.startswith(breakdown.path):
                answers[breakdown.id] += 1
                _tally(per_unit[breakdown.id], stored)
    report.items = most_missed(overall, TOP_SHOWN)
    report.units = [UnitMisses(u, answers[u.id], most_missed(per_unit[u.id], TOP_PER_UNIT)) for u in units]
    return report


def missed_chart(report: MissedReport) -> dict:
    """Stacked bars per item: answers that missed it (red) and answers that had it (green)."""
    items = report.items
    return charts.bar_chart(
        "最常漏掉的标准用语和要点", [m.expect for m in items],
        [charts.series("漏掉", [m.missed for m in items], stack="answers", color=charts.RED),
         charts.series("说到", [m.asked - m.missed for m in items], stack="answers", color=charts.GREEN)],
        suffix=" 次",
    )
