from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.timeutil import utcnow

UNIT_KINDS = {"company": "公司", "station": "供电所", "team": "班组"}


class Unit(db.Model):
    """A node of the unit tree 公司 → 供电所 → 班组.

    ``path`` is the materialised chain of ids (``/1/4/9/``) so that "this unit and everything below it"
    is one indexed prefix query rather than a recursive walk on every request.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.name")

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def full_name(self) -> str:
        names, unit = [], self
        while unit is not None:
            names.append(unit.name)
            unit = unit.parent
        return " / ".join(reversed(names))

    def subtree_ids(self) -> list[int]:
        return list(db.session.scalars(select(Unit.id).where(Unit.path.startswith(self.path))))

    def is_within(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)
