"""Qualifications (from content files), grants (kept forever), and the evidence that requirements are met.

A grant is never edited except to mark it revoked; renewal writes a new grant. Evidence is the best
score per (person, module / scenario / exam), gathered from the cross-feature signals, so the
qualification rules do not depend on how the quiz and role-play features store their attempts.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.auth.models import User
from trainer.extensions import db
from trainer.timeutil import utcnow


class Qualification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # JSON lists (sa.JSON since migration 0004d; the column names are the original ones)
    positions_json: Mapped[list[str]] = mapped_column(JSON, default=list)
    module_keys_json: Mapped[list[str]] = mapped_column(JSON, default=list)
    exam_key: Mapped[str | None] = mapped_column(String(80))
    exam_pass_percent: Mapped[int] = mapped_column(default=80)
    scenario_keys_json: Mapped[list[str]] = mapped_column(JSON, default=list)
    scenario_min_score: Mapped[int] = mapped_column(default=80)
    validity_months: Mapped[int] = mapped_column(default=12)
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    @property
    def module_keys(self) -> list[str]:
        return list(self.module_keys_json or [])

    @property
    def scenario_keys(self) -> list[str]:
        return list(self.scenario_keys_json or [])

    @property
    def positions(self) -> list[str]:
        return list(self.positions_json or [])


class QualificationGrant(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualification.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # auto | renewal | manual
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(16), unique=True)  # verification code printed on the certificate
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    qualification: Mapped[Qualification] = relationship()
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])


class QualificationEvidence(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "kind", "key", name="uq_qualification_evidence_user_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(16))  # module | scenario | exam
    key: Mapped[str] = mapped_column(String(80))
    best_score: Mapped[int | None]  # None for modules (complete or not)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
