"""Time on task, stored per person, activity, subject and local day: adding to it and reading it back.

What adds time: the module page's heartbeats (:mod:`trainer.records.reading_clock`), submitted quizzes and
exams (:mod:`trainer.records.receivers`, start to submit, capped) and classroom sessions (their recorded
minutes, :mod:`trainer.records.classroom`). Role-play practice is read from the role-play records instead
(:mod:`trainer.records.activity_report`). Services flush, never commit.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from trainer import settings
from trainer.auth.models import User
from trainer.courses.models import Module
from trainer.extensions import db
from trainer.hours import ACTIVITIES, ActiveTimePolicy, Evidence
from trainer.hours.active import MODULE_KINDS
from trainer.inserts import INSERTS
from trainer.org.services import hours_policy
from trainer.records.models import ActivityDay

# The later of two timestamps, per dialect (SQLite's max() with two arguments is the scalar one).
GREATEST = {"sqlite": func.max, "postgresql": func.greatest}


def active_policy() -> ActiveTimePolicy:
    return settings.current().active_time


def add_seconds(person: User, kind: str, subject_key: str, seconds: int, *, at: datetime, category: str | None = None,
                day: date | None = None) -> None:
    """Add ``seconds`` to the person's row for (kind, subject, ``day`` or the local day of ``at``), creating
    it if needed, in one statement, so two concurrent additions both count."""
    if kind not in ACTIVITIES:
        raise ValueError(f"unknown activity kind {kind!r}")
    if seconds <= 0:
        return
    day = day or hours_policy().today(at)
    dialect = db.session.get_bind().dialect.name
    table = ActivityDay.__table__
    statement = INSERTS[dialect](table).values(
        user_id=person.id, kind=kind, subject_key=str(subject_key)[:80], category=category, day=day, year=day.year,
        seconds=seconds, first_at=at, last_at=at,
    )
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "kind", "subject_key", "day"],
        set_={"seconds": table.c.seconds + statement.excluded.seconds,
              "last_at": GREATEST[dialect](table.c.last_at, statement.excluded.last_at)},
    ))


def module_evidence(person: User, module: Module, year: int) -> Evidence:
    """Active seconds on the module in the training year (its reading and its chapter quiz), first and last day."""
    seconds, first, last = db.session.execute(
        select(func.coalesce(func.sum(ActivityDay.seconds), 0), func.min(ActivityDay.day), func.max(ActivityDay.day))
        .where(ActivityDay.user_id == person.id, ActivityDay.subject_key == module.key,
               ActivityDay.kind.in_(MODULE_KINDS), ActivityDay.year == year)
    ).one()
    return Evidence(int(seconds), first, last)


@dataclass(frozen=True)
class SubjectTime:
    kind: str
    subject_key: str
    category: str | None
    seconds: int
    first_day: date
    last_day: date
    days: int  # on how many days time was recorded

    @property
    def minutes(self) -> int:
        return self.seconds // 60


def person_activity(person: User, year: int) -> list[SubjectTime]:
    """The year's recorded time of one person, one row per (kind, subject): kinds in registry order, most time first."""
    rows = db.session.execute(
        select(ActivityDay.kind, ActivityDay.subject_key, func.max(ActivityDay.category), func.sum(ActivityDay.seconds),
               func.min(ActivityDay.day), func.max(ActivityDay.day), func.count(ActivityDay.id))
        .where(ActivityDay.user_id == person.id, ActivityDay.year == year)
        .group_by(ActivityDay.kind, ActivityDay.subject_key)
    ).all()
    return in_activity_order(SubjectTime(kind, key, category, int(seconds), first, last, days)
                             for kind, key, category, seconds, first, last, days in rows)


def in_activity_order(rows) -> list[SubjectTime]:
    """Kinds in registry order, then most time first."""
    order = list(ACTIVITIES)
    return sorted(rows, key=lambda s: (order.index(s.kind) if s.kind in order else len(order), -s.seconds, s.subject_key))
