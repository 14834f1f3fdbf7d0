"""Figures for the charts on /records: compliance per unit and the year's hours trend per unit.

Both are computed here (no Flask) and described with trainer/charts.py; the page shows the same figures
as tables under the charts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import extract, func, select

from trainer import charts
from trainer.auth.models import User
from trainer.extensions import db
from trainer.hours import HoursPolicy
from trainer.org.models import Unit
from trainer.records.models import HoursEntry
from trainer.records.report import REPORTED_ROLES, UnitStat

MAX_TREND_UNITS = 8  # more lines than this cannot be told apart; the largest units are shown
MONTHS = [f"{m} 月" for m in range(1, 13)]


def compliance_chart(stats: list[UnitStat], year: int) -> dict:
    """Stacked bars per unit with people: how many are compliant and how many are not (rolled up)."""
    rows = [s for s in stats if s.people]
    return charts.bar_chart(
        f"{year} 年各单位学时达标人数", [s.unit.name for s in rows],
        [charts.series("已达标", [s.compliant for s in rows], stack="people", color=charts.GREEN),
         charts.series("未达标", [s.people - s.compliant for s in rows], stack="people", color=charts.RED)],
        suffix=" 人",
    )


@dataclass(frozen=True)
class TrendRow:
    unit: Unit
    people: int
    hours: list[float | None]  # per month: cumulative credited hours per person (None: a month still to come)


def hours_trend(year: int, series_units: list[Unit], stats: list[UnitStat], rules: HoursPolicy,
                last_month: int = 12) -> list[TrendRow]:
    """Cumulative credited hours per active person at the end of each month of ``year``, per unit (rolled up
    over its sub-units), in the categories that count. Months after ``last_month`` are None (not yet happened).

    Entries are placed by their local date (``occurred_on``); one dated outside the training year (a late
    adjustment) counts in January or December. Sums are raw ledger minutes, so a person's negative correction
    lowers the unit's figure even where their own total would stop at zero.
    """
    people = {s.unit.id: s.people for s in stats}
    chosen = sorted(series_units, key=lambda u: -people.get(u.id, 0))[:MAX_TREND_UNITS]
    chosen = [u for u in series_units if u in chosen]
    paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())
    owner = {}  # unit id → the chosen unit whose subtree holds it
    for unit_id, path in paths.items():
        for unit in chosen:
            if path.startswith(unit.path):
                owner[unit_id] = unit.id
    month = extract("month", HoursEntry.occurred_on)
    entry_year = extract("year", HoursEntry.occurred_on)
    query = (select(User.unit_id, entry_year, month, func.sum(HoursEntry.minutes))
             .join(User, HoursEntry.user_id == User.id)
             .where(HoursEntry.year == year, HoursEntry.category.in_(rules.categories), User.active.is_(True),
                    User.role.in_(REPORTED_ROLES), User.unit_id.in_(list(owner)))
             .group_by(User.unit_id, entry_year, month))
    minutes = {u.id: [0] * 12 for u in chosen}
    for unit_id, on_year, on_month, total in db.session.execute(query):
        index = 0 if int(on_year) < year else 11 if int(on_year) > year else int(on_month) - 1
        minutes[owner[unit_id]][index] += int(total or 0)
    rows = []
    for unit in chosen:
        heads, running, hours = people.get(unit.id, 0), 0, []
        for index, value in enumerate(minutes[unit.id]):
            running += value
            hours.append(None if index >= last_month else (round(running / 60 / heads, 1) if heads else 0.0))
        rows.append(TrendRow(unit, heads, hours))
    return rows


def trend_chart(rows: list[TrendRow], year: int, rules: HoursPolicy) -> dict:
    palette = [charts.BLUE, charts.GREEN, charts.AMBER, charts.RED, "#6a1b9a", "#00838f", "#5d4037", charts.GREY]
    return charts.line_chart(
        f"{year} 年各单位人均累计学时(按月)", MONTHS,
        [charts.series(r.unit.name, r.hours, color=palette[i % len(palette)]) for i, r in enumerate(rows)],
        suffix=" 学时", mark=(rules.target_minutes / 60, f"年度要求 {rules.target_minutes / 60:g} 学时"),
    )
