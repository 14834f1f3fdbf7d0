"""Group robots (企业微信 / 钉钉) per unit, and the messages waiting for them.

``RobotMessage`` is an outbox: a message is written in the same transaction as the notices it announces, so
a notice is never announced without being saved, nor saved without being announced; delivery (after the
request, or by the reminder run) claims it with a conditional UPDATE, so two senders never both post it.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.timeutil import utcnow

# pending → sending (claimed) → sent | pending again (a try failed, attempts < the limit) | failed
MESSAGE_STATES = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败"}


class UnitRobot(db.Model):
    """One webhook per unit; people of the unit and of every unit below it without a robot of its own are
    announced here. ``webhook_url`` carries the robot's key/token: it is shown masked."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # a key of trainer.robots.formats.KINDS
    webhook_url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200), default="")  # DingTalk 加签 secret (SEC…); empty: none
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_status: Mapped[str] = mapped_column(String(10), default="")  # "" (never sent) | sent | failed
    last_error: Mapped[str] = mapped_column(String(300), default="")
    last_sent_at: Mapped[datetime | None]  # the last try, whatever its outcome

    unit = relationship("Unit")


class RobotMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    robot_id: Mapped[int] = mapped_column(ForeignKey("unit_robot.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # Markdown, within the robot kind's size limit
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # a key of MESSAGE_STATES
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
