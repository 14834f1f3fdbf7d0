"""Assessment tables: the standards (from content files), one report per 班组 and year, its item scores.

Reports are history: never deleted. A report keeps its own copy of the standard it was filled against
(``standard_json``), so editing or replacing the content file never changes a report already started;
at submission the platform figures are frozen into the scores (``measured_json``), so an accepted report
reads the same forever. Who did what and when is in the audit log (target ``team_assessment:<id>``).
"""

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.assessment.rules import Rate
from trainer.auth.models import User
from trainer.content.assessment import StandardDef
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.timeutil import utcnow

STATUSES = {"not_started": "未填写", "draft": "填写中", "submitted": "已报送,待审核", "returned": "已退回,待修改",
            "accepted": "已通过"}


class AssessmentStandard(db.Model):
    """``courses/assessment/<key>.yaml`` as imported; in force from ``year`` until a later one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    definition_json: Mapped[str] = mapped_column(Text)  # StandardDef.to_dict()
    retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def definition(self) -> StandardDef:
        return StandardDef.from_dict(json.loads(self.definition_json))


class TeamAssessment(db.Model):
    """One 班组's self-assessment for one year. ``status``: draft → submitted → returned → submitted → accepted;
    each change of status is a conditional UPDATE, so a double click moves it once."""

    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_team_assessment_unit_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    standard_key: Mapped[str] = mapped_column(String(80))
    standard_json: Mapped[str] = mapped_column(Text)  # the standard as it was when the report was started
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    total: Mapped[float | None]  # frozen at submission
    first_submitted_at: Mapped[datetime | None]  # decides "late"; a resubmission after a return keeps it
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    return_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    scores: Mapped[list["AssessmentScore"]] = relationship(back_populates="assessment", order_by="AssessmentScore.id")

    @property
    def standard(self) -> StandardDef:
        return StandardDef.from_dict(json.loads(self.standard_json))

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def target(self) -> str:
        return f"team_assessment:{self.id}"


class AssessmentScore(db.Model):
    """One item of a report: the 班组长's score and evidence (manual items), or the platform figure frozen at
    submission (platform items; ``measured_json`` is None while the report is being filled)."""

    __table_args__ = (UniqueConstraint("assessment_id", "item_key", name="uq_assessment_score_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("team_assessment.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(80))
    points: Mapped[float | None]
    evidence: Mapped[str] = mapped_column(Text, default="")
    measured_json: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    assessment: Mapped[TeamAssessment] = relationship(back_populates="scores")

    @property
    def measured(self) -> Rate | None:
        return None if self.measured_json is None else Rate.from_dict(json.loads(self.measured_json))
