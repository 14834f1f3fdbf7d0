"""The hours ledger and classroom sessions.

The ledger is append-only: nothing in the code updates or deletes an entry (a guard below refuses it),
and a correction is a new ``adjustment`` entry. ``dedupe_key`` is ``"<source>:<source_key>"`` for sources
that credit once (module, scenario, classroom session) and NULL for adjustments; the unique constraint
on (user, year, dedupe_key) makes a double credit impossible even for two concurrent requests, since
NULLs never collide.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.timeutil import utcnow


class HoursEntry(db.Model):
    __table_args__ = (
        UniqueConstraint("user_id", "year", "dedupe_key", name="uq_hours_entry_user_year_dedupe"),
        # The annual report reads (year → user, category, minutes) from this index alone.
        Index("ix_hours_entry_year_user", "year", "user_id", "category", "minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    year: Mapped[int]
    category: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int]
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None]
    source_key: Mapped[str | None] = mapped_column(String(80))
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200), default="")  # what was credited, as it was named then
    occurred_on: Mapped[date] = mapped_column(Date)  # local date of the completion / session
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # Evidence of a module credit (migration 0004b): the active minutes and the local days they were recorded
    # on. NULL for other sources and for module credits written before active time was required.
    active_minutes: Mapped[int | None]
    active_from: Mapped[date | None] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class ClassroomSession(db.Model):
    """集中培训: recorded by a trainer; each attendee gets a ``classroom`` ledger entry keyed by the session id."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()


class ActivityDay(db.Model):
    """Time on task, summed per person, activity, subject and local day (trainer/records/activity.py).

    ``kind`` is a key of ``trainer.hours.ACTIVITIES``; ``subject_key`` the module key (reading, quiz), exam key
    or classroom session id; ``category`` the credit category of the subject where it has one. Rows only
    grow: a heartbeat or a submitted quiz adds seconds with one upsert.
    """

    __table_args__ = (
        UniqueConstraint("user_id", "kind", "subject_key", "day", name="uq_activity_day_user_kind_subject_day"),
        # The yearly report reads (year → user, kind, category, seconds) from this index alone, in user order, so
        # grouping by person needs no sort (a day-range index made SQLite sort every row: migration 0004c).
        Index("ix_activity_day_year_user", "year", "user_id", "kind", "category", "seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(20))
    subject_key: Mapped[str] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    year: Mapped[int]  # the training year: ``day.year``, since ``day`` is already local
    seconds: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActivityClock(db.Model):
    """When a person's last counted heartbeat of one kind arrived: the next one may count at most the wall-clock
    time since then. One clock per person and kind (not per page), so two open tabs share one clock."""

    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_activity_clock_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(20))
    beat_at: Mapped[datetime]


class LedgerIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_ledger_changes(session, _context, _instances):
    """Corrections are new entries; an edited or deleted entry is a bug, so fail loudly before SQL runs."""
    for obj in session.deleted:
        if isinstance(obj, HoursEntry):
            raise LedgerIsAppendOnly(f"hours_entry {obj.id} may not be deleted; add an adjustment instead")
    for obj in session.dirty:
        if isinstance(obj, HoursEntry) and session.is_modified(obj, include_collections=False):
            raise LedgerIsAppendOnly(f"hours_entry {obj.id} may not be changed; add an adjustment instead")
