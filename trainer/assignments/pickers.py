"""What the assignment form offers to choose from: the people in the trainer's scope (grouped by unit) and
the 岗位 that exist there, plus turning the chosen ids back into people with the scope checked again."""

from __future__ import annotations

from sqlalchemy import select

from trainer import settings
from trainer.auth import policy
from trainer.auth.models import User
from trainer.errors import ValidationFailed
from trainer.extensions import db
from trainer.org.models import Unit

PICKER_LIMIT = 3000  # people listed on the form; a larger scope assigns by unit and 岗位 (or pastes 工号)
ASSIGNABLE_ROLES = ("trainee", "trainer")  # admin accounts are system accounts


def _scoped(actor: User):
    query = select(User).where(User.active.is_(True), User.role.in_(ASSIGNABLE_ROLES))
    ids = policy.visible_unit_ids(actor)
    return query.where(User.unit_id.in_(ids)) if ids is not None else query


def people_groups(actor: User) -> tuple[list[tuple[Unit, list[User]]], bool]:
    """Active people ``actor`` may assign to, grouped by unit in tree order, names sorted within a unit; and
    whether the list stopped at ``PICKER_LIMIT``."""
    query = (_scoped(actor).join(Unit, User.unit_id == Unit.id)
             .order_by(Unit.path, User.display_name, User.username).limit(PICKER_LIMIT + 1))
    people = list(db.session.scalars(query))
    units = {u.id: u for u in policy.visible_units(actor)}
    groups: dict[int, list[User]] = {}
    for person in people[:PICKER_LIMIT]:
        groups.setdefault(person.unit_id, []).append(person)
    return [(units[uid], members) for uid, members in groups.items() if uid in units], len(people) > PICKER_LIMIT


def positions(actor: User) -> list[str]:
    """The 岗位 held by someone in ``actor``'s scope, and the new-hire 岗位 (assignable before anyone holds them)."""
    held = set(db.session.scalars(_scoped(actor).with_only_columns(User.position).where(User.position != "").distinct()))
    return sorted(held | set(settings.current().onboarding.positions))


def chosen_people(actor: User, ids: list[int]) -> list[User]:
    """The people with these ids, each active and visible to ``actor``; anything else is refused (a stale or
    forged form), never silently dropped."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {u.id: u for u in db.session.scalars(_scoped(actor).where(User.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationFailed("所选人员已不可用(已停用或不在您管理的单位),请刷新页面后重新选择。",
                               f"user ids {missing[:20]} not assignable by user {actor.id}")
    return [found[i] for i in wanted]
