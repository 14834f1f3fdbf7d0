"""Trainers' pages: the attempts of their people, one attempt with its evidence, the override form."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from trainer.auth import policy
from trainer.content.model import SETTINGS
from trainer.errors import Forbidden
from trainer.extensions import db
from trainer.ids import db_int
from trainer.org.models import Unit
from trainer.org.services import breakdown_units
from trainer.roleplay import services
from trainer.roleplay.forms import OverrideForm
from trainer.roleplay.models import Scenario
from trainer.roleplay.presentation import segments
from trainer.roleplay.services import missed, paths
from trainer.roleplay.services.branch_stats import branch_stats
from trainer.roleplay.views import bp
from trainer.scoring.dialogue import MOODS
from trainer.timeutil import utcnow
from trainer.web import flash_errors

PAGE_SIZE = 50


def _chosen_unit() -> Unit | None:
    """?unit=<id> of the review pages; 404 for a unit that does not exist."""
    unit_id = request.args.get("unit", type=db_int)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit_id and unit is None:
        abort(404)
    return unit


@bp.route("/roleplay/review")
@policy.roles_required(*policy.STAFF_ROLES)
def review():
    unit = _chosen_unit()
    unit_id = unit.id if unit else None
    scenario_id = request.args.get("scenario", type=db_int) or None
    status = request.args.get("status") or None
    page = max(1, request.args.get("page", 1, type=db_int))
    query = services.review_query(current_user, unit=unit, scenario_id=scenario_id, status=status)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    attempts = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    scenarios = db.session.scalars(select(Scenario).order_by(Scenario.setting, Scenario.key)).all()
    return render_template(
        "roleplay/review_list.html", attempts=attempts, total=total, page=page, page_size=PAGE_SIZE,
        units=policy.visible_units(current_user), scenarios=scenarios, statuses=services.STATUS_FILTER_LABELS,
        chosen={"unit": unit_id, "scenario": scenario_id, "status": status}, settings=SETTINGS,
    )


@bp.route("/roleplay/review/<int:attempt_id>")
@policy.roles_required(*policy.STAFF_ROLES)
def review_attempt(attempt_id: int):
    attempt = services.get_attempt(attempt_id)
    policy.require_user_visible(current_user, attempt.user)
    if attempt.status == "pending":
        services.retry_due(attempt.session, now=utcnow())
    form = OverrideForm()
    if attempt.overridden:
        form.score.data = attempt.override_score
        form.passed.data = "yes" if attempt.override_passed else "no"
    elif attempt.score is not None:
        form.score.data, form.passed.data = attempt.score, "yes" if attempt.passed else "no"
    others = [a for a in attempt.session.attempts if a.turn_id == attempt.turn_id and a.id != attempt.id]
    path = paths.walk(attempt.session, services.counting_attempts(attempt.session))
    return render_template(
        "roleplay/review_attempt.html", attempt=attempt, form=form, others=others, segments=segments, path=path,
        moods=MOODS,
        can_override=services.can_review(current_user, attempt.user) and attempt.status != "rejected",
    )


@bp.route("/roleplay/review/<int:attempt_id>/override", methods=["POST"])
@policy.roles_required(*policy.STAFF_ROLES)
def override(attempt_id: int):
    attempt = services.get_attempt(attempt_id)
    if not services.can_review(current_user, attempt.user):
        abort(403)
    form = OverrideForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("roleplay.review_attempt", attempt_id=attempt.id))
    with flash_errors("已保存改分,原始评分已保留。", raises=(Forbidden,)):
        services.override(current_user, attempt, score=form.score.data, passed=form.passed.data == "yes",
                          reason=form.reason.data, now=utcnow())
    return redirect(url_for("roleplay.review_attempt", attempt_id=attempt.id))


@bp.route("/roleplay/review/paths")
@policy.roles_required(*policy.STAFF_ROLES)
def review_paths():
    """Per scenario, which turns and endings the trainer's people reach (a chart and a table)."""
    scenarios = db.session.scalars(select(Scenario).where(Scenario.retired.is_(False)).order_by(Scenario.key)).all()
    branching = [s for s in scenarios if any(t.branches for t in s.active_turns)]
    chosen = request.args.get("scenario") or (branching[0].key if branching else None)
    scenario = services.get_scenario(chosen) if chosen else None
    stats = branch_stats(current_user, scenario) if scenario else None
    chart = None
    if stats:
        labels = [f"{t.turn_key}:{t.customer[:10]}" for t in scenario.active_turns]
        chart = {"labels": labels, "reached": [stats.turns.get(t.turn_key, 0) for t in scenario.active_turns],
                 "ended": [stats.endings.get(t.turn_key, 0) for t in scenario.active_turns]}
    return render_template("roleplay/review_paths.html", scenarios=branching, scenario=scenario, stats=stats,
                           chart=chart)


@bp.route("/roleplay/review/missed")
@policy.roles_required(*policy.STAFF_ROLES)
def review_missed():
    """Which standard phrases and points the trainer's people miss most, per scenario and per unit."""
    unit = _chosen_unit()
    if unit is not None:
        policy.require_unit_visible(current_user, unit)
    scenario_id = request.args.get("scenario", type=db_int) or None
    visible = policy.visible_units(current_user)
    scoped = [u for u in visible if unit is None or u.is_within(unit)]
    report = missed.missed_items(current_user, breakdown_units(scoped, unit), unit=unit, scenario_id=scenario_id)
    scenarios = db.session.scalars(select(Scenario).order_by(Scenario.setting, Scenario.key)).all()
    return render_template(
        "roleplay/review_missed.html", report=report, missed_chart=missed.missed_chart(report), units=visible,
        scenarios=scenarios, chosen={"unit": unit.id if unit else None, "scenario": scenario_id}, max_attempts=missed.MAX_ATTEMPTS,
    )
