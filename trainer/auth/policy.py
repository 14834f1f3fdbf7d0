"""Authorization, in one place.

Rules: a trainee acts on themself; a trainer sees and acts on people in their own unit and the units
below it; an admin sees all. Views call these functions (or the decorators) and nothing else decides.

Question banks: shipped banks are read by all staff and changed only through their content files. A
trainer bank belongs to the trainer who imported it and to their unit: it is changed (re-imported) by
its owner, by trainers of that unit or a unit above it, and by admins; it is read (exported, drawn into
exams) by those, and by trainers of the units below it, as trainer-made exams are offered downwards.
"""

from functools import wraps
from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit

if TYPE_CHECKING:
    from trainer.quiz.models import QuestionBank

STAFF_ROLES = ("trainer", "admin")


def roles_required(*roles: str):
    """Logged in and holding one of ``roles``; otherwise 302 to login (anonymous) or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_unit_ids(actor: User) -> list[int] | None:
    """Units whose people ``actor`` may see; ``None`` means every unit (admin)."""
    if actor.role == "admin":
        return None
    if actor.role == "trainer" and actor.unit is not None:
        return actor.unit.subtree_ids()
    return []


def can_see_unit(actor: User, unit: Unit) -> bool:
    if actor.role == "admin":
        return True
    return actor.role == "trainer" and actor.unit is not None and unit.is_within(actor.unit)


def can_see_user(actor: User, person: User) -> bool:
    if actor.id == person.id or actor.role == "admin":
        return True
    return actor.role == "trainer" and person.unit is not None and can_see_unit(actor, person.unit)


def require_user_visible(actor: User, person: User) -> None:
    if not can_see_user(actor, person):
        abort(403)


def visible_person(actor: User, user_id: int) -> User:
    """The person with ``user_id`` if ``actor`` may see them: 404 when there is none, 403 when out of scope."""
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    require_user_visible(actor, person)
    return person


def require_unit_visible(actor: User, unit: Unit) -> None:
    if not can_see_unit(actor, unit):
        abort(403)


def visible_units(actor: User) -> list[Unit]:
    query = select(Unit).order_by(Unit.path)
    ids = visible_unit_ids(actor)
    if ids is not None:
        query = query.where(Unit.id.in_(ids))
    return list(db.session.scalars(query))


def visible_users_query(actor: User):
    query = select(User).order_by(User.username)
    ids = visible_unit_ids(actor)
    if ids is not None:
        query = query.where(User.unit_id.in_(ids))
    return query


def can_write_bank(actor: User, bank: "QuestionBank") -> bool:
    """Import into (and so edit or retire questions of) a trainer bank; see the module docstring."""
    if bank.origin != "trainer" or actor.role not in STAFF_ROLES:
        return False
    if actor.role == "admin" or (bank.created_by_id is not None and bank.created_by_id == actor.id):
        return True
    return bank.unit is not None and can_see_unit(actor, bank.unit)


def can_read_bank(actor: User, bank: "QuestionBank") -> bool:
    """Export a bank or draw from it in an exam: staff, for shipped banks, banks they may change, banks of
    no unit (an admin's), and banks of a unit above their own."""
    if actor.role not in STAFF_ROLES:
        return False
    if bank.origin != "trainer" or bank.unit is None or can_write_bank(actor, bank):
        return True
    return actor.unit is not None and actor.unit.is_within(bank.unit)


# --- annual self-assessment (trainer/assessment): 班组长 and the 供电所 they report to ---------------------

def leads_team(actor: User, unit: Unit) -> bool:
    """A 班组长: a trainer whose own unit is this 班组 (kind ``team``). The platform has no separate
    role for it; a 班组 may have more than one such trainer (the 班组长 and a deputy), and each may fill
    and submit the team's self-assessment."""
    return actor.role == "trainer" and unit.kind == "team" and actor.unit_id == unit.id


def reviews_team(actor: User, unit: Unit) -> bool:
    """The 供电所 a 班组 reports to: trainers of a unit above the 班组 (its 供电所, or the 公司 above it)
    return or accept its self-assessment; admins may too."""
    if unit.kind != "team":
        return False
    if actor.role == "admin":
        return True
    return (actor.role == "trainer" and actor.unit is not None and actor.unit_id != unit.id
            and unit.is_within(actor.unit))


def can_see_assessment(actor: User, unit: Unit) -> bool:
    return leads_team(actor, unit) or reviews_team(actor, unit)
