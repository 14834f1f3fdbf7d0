"""Listeners for other features' signals: completions become rows of ``assignment_completion``, a new
account in a new-hire 岗位 gets the onboarding path, and a sign-in or a completion records when the person
was first seen in each assignment's scope and when they completed it (pages only read these: a GET never
writes). Every listener is idempotent (signals may repeat)."""

import logging

from flask_login import user_logged_in

from trainer import signals
from trainer.assignments.models import AssignmentCompletion
from trainer.timeutil import utcnow

log = logging.getLogger(__name__)


def record_completion(user, kind: str, key: str, at=None) -> bool:
    """True when this is the first time we hear of it. Also records the person's assignment progress."""
    from trainer.assignments.services import record_sight
    from trainer.inserts import insert_ignore

    if user is None or getattr(user, "id", None) is None or not key:
        return False
    at = at or utcnow()
    first = insert_ignore(AssignmentCompletion, user_id=user.id, kind=kind, key=key, completed_at=at) is not None
    record_sight(user, at)
    return first


def _module_completed(sender, module=None, completed_at=None, **_extra):
    record_completion(sender, "module", getattr(module, "key", None), completed_at)


def _scenario_passed(sender, scenario=None, passed_at=None, **_extra):
    record_completion(sender, "scenario", getattr(scenario, "key", None), passed_at)


def _exam_passed(sender, exam_key=None, passed_at=None, **_extra):
    record_completion(sender, "exam", exam_key, passed_at)


def _user_created(sender, account=None, created_at=None, **_extra):
    from trainer.assignments.services import ensure_onboarding

    if account is not None:
        actor = getattr(sender, "_get_current_object", lambda: sender)()  # the admin form passes current_user
        actor = actor if getattr(actor, "id", None) is not None else None
        ensure_onboarding(account, actor, created_at or utcnow())


def _signed_in(_app, user=None, **_extra):
    """Flask-Login's ``user_logged_in``: sent by the sign-in POST (and a password change), never by a GET."""
    from trainer.assignments.services import record_sight

    if user is not None and getattr(user, "id", None) is not None:
        record_sight(user, utcnow())


def connect() -> None:
    """Idempotent: blinker keeps one connection per receiver. weak=False: the functions live as long as the
    module anyway; this keeps them connected under reloaders too."""
    signals.module_completed.connect(_module_completed, weak=False)
    signals.scenario_passed.connect(_scenario_passed, weak=False)
    signals.exam_passed.connect(_exam_passed, weak=False)
    signals.user_created.connect(_user_created, weak=False)
    user_logged_in.connect(_signed_in, weak=False)
