"""Trainee pages: catalogue, scenario, practice (record and score), summary, history; audio files.

The practice page uploads to ``POST /api/v1/roleplay/score`` (see ``trainer/roleplay/api.py``) with its
session cookie and the CSRF header: one endpoint, one JSON shape, for the page and for API clients.
"""

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from trainer.auth import policy
from trainer.content.model import CREDIT_CATEGORIES, SETTINGS
from trainer.extensions import db
from trainer.ids import db_int
from trainer.roleplay import services, tts
from trainer.roleplay.models import RoleplaySession, Scenario, ScenarioTurn
from trainer.roleplay.presentation import attempt_json, item_evidence, item_label, segments
from trainer.roleplay.services import paths, standing, storage
from trainer.scoring.dialogue import MOODS
from trainer.timeutil import to_local, utcnow

bp = Blueprint("roleplay", __name__)
VOICE_KINDS = {"customer": lambda turn: turn.customer, "answer": lambda turn: turn.model_answer}


@bp.app_template_filter("rp_time")
def rp_time(moment) -> str:
    """Naive-UTC timestamp → local time for people (Asia/Shanghai)."""
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.app_template_filter("rp_item_label")
def rp_item_label(item: dict) -> str:
    return item_label(item)


@bp.app_template_filter("rp_item_evidence")
def rp_item_evidence(item: dict) -> str:
    return item_evidence(item)


def _page_context(**extra) -> dict:
    return {"settings": SETTINGS, "categories": CREDIT_CATEGORIES, "segments": segments, "moods": MOODS, **extra}


@bp.route("/roleplay")
@login_required
def catalogue():
    scenarios = db.session.scalars(select(Scenario).where(Scenario.retired.is_(False)).order_by(Scenario.setting, Scenario.key))
    grouped: dict[str, list[Scenario]] = {}
    for scenario in scenarios:
        grouped.setdefault(scenario.setting, []).append(scenario)
    every = [s for group in grouped.values() for s in group]
    status = standing.standings(current_user, [s.id for s in every], {s.id: s.key for s in every})
    return render_template("roleplay/catalogue.html", grouped=grouped, settings=SETTINGS, status=status)


@bp.route("/roleplay/<key>")
@login_required
def scenario(key: str):
    scenario = services.get_scenario(key)
    sessions = db.session.scalars(
        select(RoleplaySession).where(RoleplaySession.user_id == current_user.id, RoleplaySession.scenario_id == scenario.id)
        .order_by(RoleplaySession.id.desc()).limit(10)
    ).all()
    return render_template("roleplay/scenario.html", **_page_context(scenario=scenario, sessions=sessions, form=FlaskForm()))


@bp.route("/roleplay/<key>/start", methods=["POST"])
@login_required
def start(key: str):
    session = services.start_session(current_user, services.get_scenario(key), now=utcnow())
    return redirect(url_for("roleplay.practice", session_id=session.id))


@bp.route("/roleplay/sessions/<int:session_id>")
@login_required
def practice(session_id: int):
    session = services.get_session(session_id)
    services.require_owner(current_user, session)
    services.retry_due(session, now=utcnow())  # queues stale pending answers for the workers; never recognises here
    position = request.args.get("turn", type=db_int)
    counting = services.counting_attempts(session)
    path = paths.walk(session, counting)
    steps = {step.turn.id: step for step in path.steps}
    turn = services.get_turn(session.scenario, position) if position else services.next_turn(session)
    if turn is not None and turn.id not in steps:  # a turn of another branch: go where the conversation is
        turn = services.next_turn(session)
    if turn is None:
        return redirect(url_for("roleplay.summary", session_id=session.id))
    latest = services.latest_attempts(session).get(turn.id)
    best = counting.get(turn.id)
    line_index, line = paths.customer_line(session.id, turn)
    return render_template(
        "roleplay/practice.html",
        **_page_context(session=session, scenario=session.scenario, turn=turn, path=path, step=steps[turn.id],
                        index=list(steps).index(turn.id) + 1, line=line,
                        # a linear scenario says how many turns there are; a branching one cannot know
                        total=None if any(t.branches for t in session.scenario.active_turns)
                        else len(session.scenario.active_turns),
                        customer_audio=_customer_audio_url(turn, line_index), tts_ok=_tts_ok(turn, line),
                        latest=attempt_json(latest) if latest else None,
                        best=best if best is not None and best is not latest and best.resolved else None,
                        max_bytes=current_app.config["AUDIO_MAX_BYTES"]),
    )


@bp.route("/roleplay/sessions/<int:session_id>/summary")
@login_required
def summary(session_id: int):
    session = services.get_session(session_id)
    policy.require_user_visible(current_user, session.user)
    services.retry_due(session, now=utcnow())
    best, latest = services.counting_attempts(session), services.latest_attempts(session)
    path = paths.walk(session, best)
    rows = [(step.turn, best.get(step.turn.id), latest.get(step.turn.id)) for step in path.steps]
    return render_template("roleplay/summary.html",
                           **_page_context(session=session, scenario=session.scenario, rows=rows, path=path,
                                           steps={step.turn.id: step for step in path.steps}, form=FlaskForm()))


@bp.route("/roleplay/history")
@login_required
def history():
    sessions = db.session.scalars(
        select(RoleplaySession).where(RoleplaySession.user_id == current_user.id)
        .order_by(RoleplaySession.started_at.desc(), RoleplaySession.id.desc()).limit(200)
    ).all()
    return render_template("roleplay/history.html", **_page_context(sessions=sessions))


@bp.route("/roleplay/attempts/<int:attempt_id>/audio")
@login_required
def attempt_audio(attempt_id: int):
    """The trainee's recording, for them, their trainers and admins; never rendered as a page."""
    attempt = services.get_attempt(attempt_id)
    if not services.can_hear(current_user, attempt):
        abort(403)
    if not attempt.audio_name:
        abort(404)
    path = storage.path_for(current_app.config["AUDIO_DIR"], attempt.audio_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="audio/wav", conditional=True, max_age=0,
                         download_name=f"attempt-{attempt.id}.wav")
    response.headers["Content-Disposition"] = f'inline; filename="attempt-{attempt.id}.wav"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/roleplay/voice/<int:turn_id>/<kind>")
@login_required
def voice(turn_id: int, kind: str):
    """The customer's line (``?line=k``: its k-th wording; a recorded file if the scenario ships one) or the
    model answer, as WAV."""
    turn = db.session.get(ScenarioTurn, turn_id)
    if turn is None or kind not in VOICE_KINDS:
        abort(404)
    text = VOICE_KINDS[kind](turn)
    if kind == "customer":
        lines = turn.lines
        index = request.args.get("line", 0, type=db_int) or 0
        if not 0 <= index < len(lines):
            abort(404)
        if recorded := tts.recorded_file(current_app.static_folder, lines[index].get("audio")):
            return redirect(url_for("static", filename=recorded))
        text = lines[index]["customer"]
    if not current_app.config.get("TTS_ENABLED", True):
        abort(404)
    try:
        path = tts.render(text, _tts_dir(), current_app.config.get("TTS_VOICE"))
    except tts.TtsUnavailable as exc:
        current_app.logger.warning("TTS unavailable: %s", exc)
        abort(404)
    return send_file(path, mimetype="audio/wav", conditional=True, max_age=86400)


def _tts_dir() -> Path:
    return Path(current_app.instance_path) / "tts"


def _customer_audio_url(turn, line: int = 0) -> str:
    return url_for("roleplay.voice", turn_id=turn.id, kind="customer", **({"line": line} if line else {}))


def _tts_ok(turn, line: dict | None = None) -> bool:
    """Whether the page can expect a customer voice: a recorded file, or TTS with a Chinese voice."""
    if tts.recorded_file(current_app.static_folder, (line or {"audio": turn.audio}).get("audio")):
        return True
    if not current_app.config.get("TTS_ENABLED", True):
        return False
    try:
        tts.voice_id(current_app.config.get("TTS_VOICE"))
    except tts.TtsUnavailable:
        return False
    return True


from trainer.roleplay import case_views, review_views  # noqa: E402,F401  (register the trainers' pages on bp)
