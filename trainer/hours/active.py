"""Active learning time, the pure core: what a heartbeat may count, what a quiz span counts, and when a
module's hours may be credited.

Why a share of the nominal hours, and why 50 % by default (README "Active learning time"): a module's
nominal hours are the author's estimate of reading, its quiz and the tasks in the text, some of which
(reflection, talking a case over with colleagues) happen away from the screen, and people read at very
different speeds; so a careful reader should reach the requirement without padding, while marking every
section read in a few seconds never does. The share is a setting (``ACTIVE_TIME_SHARE``).

No Flask, no database; durations are whole seconds, times naive UTC and passed in.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

DEFAULT_SHARE = 0.5


@dataclass(frozen=True)
class Activity:
    key: str
    label: str  # Chinese, for pages and exports
    counts_for_module: bool  # time on this activity counts toward a module's credit (see module_seconds)


# The kinds of time on task that are recorded, as a registry: pages, exports and the API list them in this order.
ACTIVITIES = {
    "reading": Activity("reading", "课程阅读", counts_for_module=True),
    "quiz": Activity("quiz", "章节测验", counts_for_module=True),
    "exam": Activity("exam", "考试", counts_for_module=False),
    "roleplay": Activity("roleplay", "情景演练", counts_for_module=False),
    "classroom": Activity("classroom", "集中培训", counts_for_module=False),
}
MODULE_KINDS = tuple(k for k, a in ACTIVITIES.items() if a.counts_for_module)


@dataclass(frozen=True)
class ActiveTimePolicy:
    """The settings of active time (app config keys in brackets; README "Configuration").

    ``share``: fraction of a module's nominal minutes that must be active time [ACTIVE_TIME_SHARE].
    ``idle_seconds``: the reader's clock stops after this long without input [READING_IDLE_SECONDS].
    ``beat_seconds``: how often the reader reports its active seconds [READING_BEAT_SECONDS].
    ``max_beat_seconds``: the most one report may count, whatever the wall clock [READING_MAX_BEAT_SECONDS].
    ``practice_seconds_per_question``: cap of an untimed chapter quiz, per question [QUIZ_SECONDS_PER_QUESTION].
    ``roleplay_seconds_per_answer``: cap of a role-play session, per recorded answer [ROLEPLAY_SECONDS_PER_ANSWER].
    ``page_hours``: a reader page's clock token expires after this many hours [READING_PAGE_HOURS].
    """

    share: float = DEFAULT_SHARE
    idle_seconds: int = 90
    beat_seconds: int = 30
    max_beat_seconds: int = 300
    practice_seconds_per_question: int = 120
    roleplay_seconds_per_answer: int = 120
    page_hours: int = 12

    KEYS = {
        "share": ("ACTIVE_TIME_SHARE", float), "idle_seconds": ("READING_IDLE_SECONDS", int),
        "beat_seconds": ("READING_BEAT_SECONDS", int), "max_beat_seconds": ("READING_MAX_BEAT_SECONDS", int),
        "practice_seconds_per_question": ("QUIZ_SECONDS_PER_QUESTION", int),
        "roleplay_seconds_per_answer": ("ROLEPLAY_SECONDS_PER_ANSWER", int), "page_hours": ("READING_PAGE_HOURS", int),
    }

    @classmethod
    def from_config(cls, config: Mapping) -> "ActiveTimePolicy":
        """From an app-config-like mapping; absent keys keep the defaults. Environment values arrive as
        strings (``TRAINER_ACTIVE_TIME_SHARE=0.5``), hence the conversion."""
        values = {name: kind(config[key]) for name, (key, kind) in cls.KEYS.items() if config.get(key) is not None}
        policy = cls(**values)
        if not 0 <= policy.share <= 1:
            raise ValueError(f"ACTIVE_TIME_SHARE must be between 0 and 1, not {policy.share}")
        if min(policy.idle_seconds, policy.beat_seconds, policy.max_beat_seconds, policy.page_hours) < 1:
            raise ValueError("READING_* settings must be at least 1")
        return policy

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    def required_seconds(self, credit_minutes: int) -> int:
        """Active seconds a module of ``credit_minutes`` nominal minutes needs; rounded up, so 50 % of
        1.5 h is 2700 s and 0.5 % of 1 h is 18 s."""
        return math.ceil(max(0, credit_minutes) * 60 * self.share - 1e-9)

    def qualifies(self, credit_minutes: int, active_seconds: int) -> bool:
        return active_seconds >= self.required_seconds(credit_minutes)

    def practice_cap(self, questions: int) -> int:
        return max(1, questions) * self.practice_seconds_per_question


def beat_seconds(claimed, *, elapsed: float, max_seconds: int) -> int:
    """What one heartbeat counts: the seconds the page says were active, but never more than the wall-clock
    time since the previous counted beat (or since the page was served) nor ``max_seconds``. So a forged or
    replayed beat can at most claim the time that really passed; 0 for anything that is not a whole number."""
    if isinstance(claimed, bool) or not isinstance(claimed, int) or claimed <= 0:
        return 0
    return max(0, min(claimed, math.floor(elapsed), max_seconds))


def span_seconds(started_at: datetime, ended_at: datetime | None, cap: int) -> int:
    """Whole seconds between start and end, at most ``cap``; 0 when the end is missing or before the start."""
    if ended_at is None or ended_at <= started_at:
        return 0
    return min(int((ended_at - started_at).total_seconds()), max(0, cap))


@dataclass(frozen=True)
class Evidence:
    """Active time behind a credit: total seconds and the first and last local day it was recorded."""

    seconds: int = 0
    first_day: date | None = None
    last_day: date | None = None

    @property
    def minutes(self) -> int:
        """Whole minutes, rounded down: the ledger never shows more than was measured."""
        return self.seconds // 60


@dataclass(frozen=True)
class ActiveTotals:
    """One person's active seconds in a year: per activity kind, and the part in the counted categories."""

    by_kind: dict[str, int] = field(default_factory=dict)
    counted_seconds: int = 0

    @property
    def seconds(self) -> int:
        return sum(self.by_kind.values())

    @property
    def minutes(self) -> int:
        return self.seconds // 60

    @property
    def counted_minutes(self) -> int:
        return self.counted_seconds // 60

    def minutes_of(self, kind: str) -> int:
        return self.by_kind.get(kind, 0) // 60
