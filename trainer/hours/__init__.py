"""Training hours, the pure core: ledger entries + policy → yearly summary.

No Flask, no database session; the clock is always passed in. ``trainer.records`` stores the ledger
and calls into here.
"""

from trainer.hours.active import (
    ACTIVITIES,
    ActiveTimePolicy,
    ActiveTotals,
    Evidence,
    beat_seconds,
    span_seconds,
)
from trainer.hours.policy import HoursPolicy, parse_deadline
from trainer.hours.sources import SOURCES, Source, check_entry, dedupe_key
from trainer.hours.summary import Entry, YearSummary, fold, summarize, summarize_entries

__all__ = [
    "ACTIVITIES", "SOURCES", "ActiveTimePolicy", "ActiveTotals", "Entry", "Evidence", "HoursPolicy", "Source",
    "YearSummary", "beat_seconds", "check_entry", "dedupe_key", "fold", "parse_deadline", "span_seconds", "summarize",
    "summarize_entries",
]
