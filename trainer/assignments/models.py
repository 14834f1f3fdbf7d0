"""Learning paths, assignments, per-person bookkeeping, completions heard from other features, notices.

Membership of an assignment is evaluated, not stored: a person's assignments are those that target them
directly, their unit or a unit above it, or their 岗位. ``AssignmentMember`` only remembers when the
platform first saw a person in scope (relative due dates count from there) and when they finished.
"""

import json
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.item_kinds import ITEM_LABELS
from trainer.timeutil import utcnow

ITEM_KINDS = ITEM_LABELS  # what can be assigned (trainer/item_kinds.py)


class LearningPath(db.Model):
    """An ordered set of steps. ``source`` is ``content`` (a file, re-imported) or ``ui`` (made by a trainer)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="content")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired: Mapped[bool] = mapped_column(default=False)

    steps: Mapped[list["PathStep"]] = relationship(back_populates="learning_path", order_by="PathStep.position")

    @property
    def active_steps(self) -> list["PathStep"]:
        return [s for s in self.steps if not s.retired]


class PathStep(db.Model):
    __table_args__ = (UniqueConstraint("path_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_path.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))  # module | scenario | exam
    ref: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    after_json: Mapped[str] = mapped_column(Text, default="[]")
    retired: Mapped[bool] = mapped_column(default=False)

    learning_path: Mapped[LearningPath] = relationship(back_populates="steps")

    @property
    def after(self) -> list[str]:
        return json.loads(self.after_json)


class Assignment(db.Model):
    """"This item, for these people, by this date". Exactly one of ``due_date`` (a date in Asia/Shanghai) and
    ``due_days`` (days after the person was first seen in scope) is set."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))  # a key of ITEM_KINDS
    item_key: Mapped[str] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    due_days: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | onboarding | api
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    targets: Mapped[list["AssignmentTarget"]] = relationship(back_populates="assignment", order_by="AssignmentTarget.id")
    created_by = relationship("User")

    @property
    def kind_label(self) -> str:
        return ITEM_KINDS.get(self.item_kind, self.item_kind)


class AssignmentTarget(db.Model):
    """Who an assignment is for: one person (``user_id``), or everyone in ``unit_id``'s subtree (NULL: every
    unit) whose 岗位 is ``position`` (NULL: any 岗位). Unit and position targets reach trainees only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    position: Mapped[str | None] = mapped_column(String(32))

    assignment: Mapped[Assignment] = relationship(back_populates="targets")
    user = relationship("User")
    unit = relationship("Unit")


class AssignmentMember(db.Model):
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class AssignmentCompletion(db.Model):
    """An item (module, scenario, exam) someone completed, as announced by the feature that owns it."""

    __table_args__ = (UniqueConstraint("user_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notice(db.Model):
    """An in-app message; reminders are sent at most once per (assignment, person, kind)."""

    __table_args__ = (UniqueConstraint("assignment_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # before-7, after-1, assigned, manual-2026-03-01…
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    email_state: Mapped[str] = mapped_column(String(10), default="none")  # none | pending | sent | failed
    email_error: Mapped[str] = mapped_column(String(300), default="")
    emailed_at: Mapped[datetime | None]


class NoticeEmail(db.Model):
    """Where a person wants reminder emails (the account table has no address)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    address: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
