"""Authorization, in one place.

Rules: a trainee acts on themself; a trainer sees and acts on people in their own unit and the units
below it; an admin sees all. Views call these functions (or the decorators) and nothing else decides.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit

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
