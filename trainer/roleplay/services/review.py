"""Trainers' side: which attempts a trainer may review, and the score override (kept beside the original)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from trainer import audit
from trainer.auth import policy
from trainer.auth.models import User
from trainer.errors import Conflict, Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.roleplay.models import RoleplayAttempt, ScenarioTurn
from trainer.roleplay.services.attempts import evaluate_session

MAX_REASON = 500
# Filters of the review list: status key → condition. "overridden" is a view across statuses.
STATUS_FILTERS = {
    "pending": lambda: RoleplayAttempt.status == "pending",
    "scored": lambda: RoleplayAttempt.status == "scored",
    "rejected": lambda: RoleplayAttempt.status == "rejected",
    "failed": lambda: (RoleplayAttempt.status == "scored") & RoleplayAttempt.passed.is_(False),
    "overridden": lambda: RoleplayAttempt.overridden_at.is_not(None),
}
STATUS_FILTER_LABELS = {"pending": "待识别", "scored": "已评分", "failed": "未通过", "rejected": "录音无效",
                        "overridden": "已改分"}


def can_review(actor: User, person: User) -> bool:
    """Trainers of the person's unit (or above it) and admins; nobody reviews their own answers."""
    return actor.role in policy.STAFF_ROLES and actor.id != person.id and policy.can_see_user(actor, person)


def can_hear(actor: User, attempt: RoleplayAttempt) -> bool:
    """The recording is for its owner, their trainers and admins (``policy.can_see_user``)."""
    return policy.can_see_user(actor, attempt.user)


def in_scope(query, actor: User, *, unit: Unit | None = None, scenario_id: int | None = None):
    """``query`` (attempts joined to their ``User``) narrowed to the people ``actor`` may see, optionally to
    ``unit``'s subtree (which must be visible to ``actor``) and to one scenario's turns."""
    ids = policy.visible_unit_ids(actor)
    if ids is not None:
        query = query.where(User.unit_id.in_(ids))
    if unit is not None:
        if not policy.can_see_unit(actor, unit):
            raise Forbidden("您无权查看该单位。", f"user {actor.id} cannot see unit {unit.id}")
        query = query.where(User.unit_id.in_(unit.subtree_ids()))
    if scenario_id is not None:
        query = query.join(ScenarioTurn, RoleplayAttempt.turn_id == ScenarioTurn.id).where(
            ScenarioTurn.scenario_id == scenario_id)
    return query


def review_query(actor: User, *, unit: Unit | None = None, scenario_id: int | None = None,
                 status: str | None = None):
    """Attempts of the people ``actor`` may see, newest first. ``unit`` must be visible to ``actor``."""
    query = in_scope(
        select(RoleplayAttempt).join(User, RoleplayAttempt.user_id == User.id)
        .order_by(RoleplayAttempt.created_at.desc(), RoleplayAttempt.id.desc()),
        actor, unit=unit, scenario_id=scenario_id)
    if status in STATUS_FILTERS:
        query = query.where(STATUS_FILTERS[status]())
    return query


def override(actor: User, attempt: RoleplayAttempt, *, score, passed, reason: str,
             now: datetime) -> RoleplayAttempt:
    """Set a trainer's result for ``attempt``; the automatic one stays in ``score``/``passed``.

    ``score`` 0–100 and ``reason`` are required; ``passed`` is the trainer's own judgement (not derived
    from the score, since a trainer may pass a clerk whose phrasing the matcher did not know).
    """
    if not can_review(actor, attempt.user):
        raise Forbidden("您无权修改该学员的成绩。", f"user {actor.id} may not override attempt {attempt.id}")
    if attempt.status == "rejected":
        raise Conflict("录音无效的作答不能改分。", f"attempt {attempt.id} is rejected ({attempt.error_code})")
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ValidationFailed("请填写 0–100 的分数。", f"score {score!r} is not an integer") from None
    if not 0 <= score <= 100:
        raise ValidationFailed("请填写 0–100 的分数。", f"score {score} out of range")
    if not isinstance(passed, bool):
        raise ValidationFailed("请选择是否通过。", f"passed {passed!r} is not a boolean")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写改分理由。", "override reason is empty")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"改分理由请不超过 {MAX_REASON} 字。", f"reason has {len(reason)} characters")
    before = {"override_score": attempt.override_score, "override_passed": attempt.override_passed}
    attempt.override_score, attempt.override_passed, attempt.override_reason = score, passed, reason
    attempt.overridden_by_id, attempt.overridden_at = actor.id, now
    audit.record(
        actor, "roleplay.override", f"roleplay_attempt:{attempt.id}",
        user_id=attempt.user_id, scenario=attempt.turn.scenario.key, turn=attempt.turn.position,
        automatic={"score": attempt.score, "passed": attempt.passed}, before=before,
        after={"score": score, "passed": passed}, reason=reason,
    )
    db.session.flush()
    evaluate_session(attempt.session, now=now)
    return attempt
