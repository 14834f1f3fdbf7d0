import json

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db


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
    model_answer: Mapped[str] = mapped_column(Text, default="")
    max_seconds: Mapped[int] = mapped_column(default=15)
    tips: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)

    scenario: Mapped[Scenario] = relationship(back_populates="turns")

    @property
    def expect(self) -> list[str]:
        return json.loads(self.expect_json)

    @property
    def forbid(self) -> list[str]:
        return json.loads(self.forbid_json)
