"""Content tables. Rows are keyed by the content files' ids (``key``) so re-import updates in place;
content that disappears from the files is marked ``retired``, never deleted, because learner history
points at it."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.timeutil import utcnow


class Course(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    audience_json: Mapped[list[str]] = mapped_column(JSON, default=list)  # JSON since migration 0001b
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    modules: Mapped[list["Module"]] = relationship(back_populates="course", order_by="Module.position")

    @property
    def audience(self) -> list[str]:
        return list(self.audience_json or [])

    @property
    def active_modules(self) -> list["Module"]:
        return [m for m in self.modules if not m.retired]


class Module(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    credit_category: Mapped[str] = mapped_column(String(20))
    credit_minutes: Mapped[int]
    sources_json: Mapped[list[str]] = mapped_column(JSON, default=list)  # JSON since migration 0001b
    quiz_bank_key: Mapped[str | None] = mapped_column(String(80))
    quiz_count: Mapped[int] = mapped_column(default=10)
    quiz_pass_percent: Mapped[int] = mapped_column(default=80)
    scenario_keys_json: Mapped[list[str]] = mapped_column(JSON, default=list)  # JSON since migration 0001b
    retired: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship(back_populates="modules")
    sections: Mapped[list["Section"]] = relationship(back_populates="module", order_by="Section.position")

    @property
    def sources(self) -> list[str]:
        return list(self.sources_json or [])

    @property
    def scenario_keys(self) -> list[str]:
        return list(self.scenario_keys_json or [])

    @property
    def active_sections(self) -> list["Section"]:
        return [s for s in self.sections if not s.retired]


class Section(db.Model):
    """One ``## `` heading of a module and the Markdown below it. ``key`` is the heading's slug."""

    __table_args__ = (UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)

    module: Mapped[Module] = relationship(back_populates="sections")


class SectionRead(db.Model):
    """A learner marked a section read. Kept even if the section is later retired."""

    __table_args__ = (UniqueConstraint("user_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
