"""Yearly summary: minutes per category → counted minutes, what is missing, compliance."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from trainer.hours.policy import HoursPolicy


@dataclass(frozen=True)
class Entry:
    """The part of a ledger row the summary needs (minutes may be negative for adjustments)."""

    category: str
    minutes: int
    source: str = ""


@dataclass(frozen=True)
class YearSummary:
    year: int
    by_category: dict[str, int] = field(default_factory=dict)
    target_minutes: int = 16 * 60
    categories: tuple[str, ...] = ("ethics", "law")

    @property
    def counted_minutes(self) -> int:
        """Minutes in the categories that count; never below zero (a correction cannot make a debt)."""
        return max(0, sum(self.by_category.get(c, 0) for c in self.categories))

    @property
    def other_minutes(self) -> int:
        return sum(m for c, m in self.by_category.items() if c not in self.categories)

    @property
    def total_minutes(self) -> int:
        return sum(self.by_category.values())

    @property
    def missing_minutes(self) -> int:
        return max(0, self.target_minutes - self.counted_minutes)

    @property
    def compliant(self) -> bool:
        return self.counted_minutes >= self.target_minutes

    @property
    def percent(self) -> int:
        """0–100, rounded down so that 99.9 % never shows as done."""
        if self.target_minutes <= 0:
            return 100
        return min(100, self.counted_minutes * 100 // self.target_minutes)

    def minutes(self, category: str) -> int:
        return self.by_category.get(category, 0)


def fold(entries: Iterable[Entry]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for entry in entries:
        totals[entry.category] = totals.get(entry.category, 0) + entry.minutes
    return totals


def summarize(year: int, by_category: Mapping[str, int], policy: HoursPolicy) -> YearSummary:
    return YearSummary(year, dict(by_category), policy.target_minutes, policy.categories)


def summarize_entries(year: int, entries: Iterable[Entry], policy: HoursPolicy) -> YearSummary:
    return summarize(year, fold(entries), policy)
