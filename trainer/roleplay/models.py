import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.scoring import Rubric
from trainer.scoring.dialogue import Branch
from trainer.timeutil import utcnow

if TYPE_CHECKING:
    from trainer.auth.models import User


class Scenario(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    setting: Mapped[str] = mapped_column(String(20))
    situation: Mapped[str] = mapped_column(Text, default="")
    roles_json: Mapped[str] = mapped_column(Text, default="[]")
    sources_json: Mapped[str] = mapped_column(Text, default="[]")
    credit_category: Mapped[str] = mapped_column(String(20))
    credit_minutes: Mapped[int]
    retired: Mapped[bool] = mapped_column(default=False)
    initial_mood: Mapped[str] = mapped_column(String(10), default="平静")  # migration 0002c

    turns: Mapped[list["ScenarioTurn"]] = relationship(back_populates="scenario", order_by="ScenarioTurn.position")

    @property
    def sources(self) -> list[str]:
        return json.loads(self.sources_json)

    @property
    def roles(self) -> list[str]:
        return json.loads(self.roles_json)

    @property
    def active_turns(self) -> list["ScenarioTurn"]:
        return [t for t in self.turns if not t.retired]


class ScenarioTurn(db.Model):
    """A trainee turn. ``position`` is 1-based, as trainers and the CLI count turns."""

    __table_args__ = (UniqueConstraint("scenario_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenario.id"), index=True)
    position: Mapped[int]
    customer: Mapped[str] = mapped_column(Text)
    audio: Mapped[str | None] = mapped_column(String(200))
    expect_json: Mapped[str] = mapped_column(Text, default="[]")
    forbid_json: Mapped[str] = mapped_column(Text, default="[]")
    rubric_json: Mapped[str | None] = mapped_column(Text)  # Rubric.to_dict() as imported (migration 0002b)
    model_answer: Mapped[str] = mapped_column(Text, default="")
    max_seconds: Mapped[int] = mapped_column(default=15)
    tips: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)
    # Branching dialogues (migration 0002c): the turn's id in its scenario, its branches, the turn that
    # follows by default (None: it closes the conversation), other wordings of the customer's line.
    turn_key: Mapped[str | None] = mapped_column(String(40))
    branches_json: Mapped[str] = mapped_column(Text, default="[]")
    default_next: Mapped[str | None] = mapped_column(String(40))
    is_end: Mapped[bool] = mapped_column(default=False)
    variants_json: Mapped[str] = mapped_column(Text, default="[]")

    scenario: Mapped[Scenario] = relationship(back_populates="turns")

    @property
    def expect(self) -> list[str]:
        return json.loads(self.expect_json)

    @property
    def forbid(self) -> list[str]:
        return json.loads(self.forbid_json)

    @property
    def branches(self) -> list[Branch]:
        return [Branch.from_dict(b) for b in json.loads(self.branches_json or "[]")]

    @property
    def lines(self) -> list[dict]:
        """The customer's line and its variants: ``[{"customer", "audio"}]``, the main wording first."""
        return [{"customer": self.customer, "audio": self.audio}, *json.loads(self.variants_json or "[]")]

    @property
    def rubric(self) -> Rubric:
        """The rubric the turn is scored with; turns imported before intents existed have phrases only."""
        if self.rubric_json:
            return Rubric.from_dict(json.loads(self.rubric_json))
        return Rubric(phrases=self.expect, forbid=self.forbid)


# ---------------------------------------------------------------- practice records (migration 0002)
SESSION_STATUSES = {"active": "进行中", "finished": "已完成"}
ATTEMPT_STATUSES = {"pending": "待识别", "scored": "已评分", "rejected": "录音无效"}
CASE_OUTCOMES = {"accept": "已加为通过样例", "reject": "已加为不通过样例", "wording": "已加为新说法", "dismissed": "不采纳"}


class RoleplaySession(db.Model):
    """A trainee's run through a scenario. Finished when every active turn's latest answer is scored;
    ``score`` is the mean of the turns' effective scores, ``passed`` that every turn passed.
    ``passed_at`` is set once, when the session first passes: that is when ``scenario_passed`` is sent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenario.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    score: Mapped[int | None]
    passed: Mapped[bool] = mapped_column(default=False)
    passed_at: Mapped[datetime | None]
    ending: Mapped[str | None] = mapped_column(String(40))  # key of the closing turn reached (0002c)
    recovered: Mapped[bool] = mapped_column(default=False)  # an upset customer was calmed on the way

    user: Mapped["User"] = relationship()
    scenario: Mapped[Scenario] = relationship()
    attempts: Mapped[list["RoleplayAttempt"]] = relationship(back_populates="session", order_by="RoleplayAttempt.id")

    @property
    def finished(self) -> bool:
        return self.status == "finished"

    @property
    def status_label(self) -> str:
        return SESSION_STATUSES.get(self.status, self.status)


class RoleplayAttempt(db.Model):
    """One recorded answer to one turn. The recording is saved before recognition, so a failure of the
    recognizer leaves a ``pending`` attempt to retry, never a lost answer. A trainer's override is kept
    beside the automatic result (``score``/``passed`` are never rewritten by an override)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("roleplay_session.id"), index=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("scenario_turn.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    audio_name: Mapped[str | None] = mapped_column(String(80))  # under AUDIO_DIR; None when not kept
    audio_bytes: Mapped[int] = mapped_column(default=0)
    audio_seconds: Mapped[float | None]
    response_delay_seconds: Mapped[float | None]
    transcript: Mapped[str] = mapped_column(Text, default="")
    items_json: Mapped[str] = mapped_column(Text, default="[]")
    forbidden_json: Mapped[str] = mapped_column(Text, default="[]")
    feedback_json: Mapped[str] = mapped_column(Text, default="[]")
    score: Mapped[int | None]
    passed: Mapped[bool | None]
    chars_per_second: Mapped[float | None]
    engine: Mapped[str] = mapped_column(String(40), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    asr_seconds: Mapped[float | None]
    error_code: Mapped[str | None] = mapped_column(String(40))  # too_large, silent, recognizer, …
    error: Mapped[str | None] = mapped_column(Text)  # English detail for logs and trainers
    message: Mapped[str | None] = mapped_column(String(200))  # what the trainee was told (Chinese)
    tries: Mapped[int] = mapped_column(default=0)  # recognition runs so far
    tried_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    scored_at: Mapped[datetime | None]
    override_score: Mapped[int | None]
    override_passed: Mapped[bool | None]
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    overridden_at: Mapped[datetime | None]
    # A trainer disagreed with the verdict (an override with the other outcome): what became of the case in
    # 评分分歧 (CASE_OUTCOMES), who closed it and when (migration 0002b).
    case_outcome: Mapped[str | None] = mapped_column(String(20))
    case_closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    case_closed_at: Mapped[datetime | None]

    session: Mapped[RoleplaySession] = relationship(back_populates="attempts")
    turn: Mapped[ScenarioTurn] = relationship()
    user: Mapped["User"] = relationship(foreign_keys=[user_id])
    overridden_by: Mapped["User | None"] = relationship(foreign_keys=[overridden_by_id])
    case_closed_by: Mapped["User | None"] = relationship(foreign_keys=[case_closed_by_id])

    @property
    def status_label(self) -> str:
        return ATTEMPT_STATUSES.get(self.status, self.status)

    @property
    def overridden(self) -> bool:
        return self.overridden_at is not None

    @property
    def resolved(self) -> bool:
        """Has a result that counts: scored automatically, or given one by a trainer."""
        return self.status == "scored" or self.overridden

    @property
    def effective_score(self) -> int | None:
        return self.override_score if self.overridden else self.score

    @property
    def effective_passed(self) -> bool:
        return bool(self.override_passed if self.overridden else self.passed)

    @property
    def items(self) -> list[dict]:
        return json.loads(self.items_json or "[]")

    @property
    def forbidden(self) -> list[dict]:
        return json.loads(self.forbidden_json or "[]")

    @property
    def feedback(self) -> list[str]:
        return json.loads(self.feedback_json or "[]")
