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
