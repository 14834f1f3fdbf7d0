"""Role-play services, split by concern: ``storage`` (recordings on disk), ``recognition`` (engine and
rubric from configuration), ``attempts`` (sessions, answers, scoring, retry), ``review`` (trainers and
overrides). Views and commands import from here."""

from flask import current_app

from trainer.roleplay.services.attempts import (  # noqa: F401
    PENDING_MESSAGE,
    counting_attempts,
    evaluate_session,
    get_attempt,
    get_scenario,
    get_session,
    get_turn,
    next_turn,
    open_session_for,
    parse_delay,
    pending_attempts,
    receive_answer,
    require_owner,
    retry_due,
    retry_pending,
    score_attempt,
    start_session,
)
from trainer.roleplay.services.review import (  # noqa: F401
    STATUS_FILTER_LABELS,
    can_hear,
    can_review,
    override,
    review_query,
)


def limits() -> dict:
    """Where recordings live and what an upload may be, from the app configuration."""
    config = current_app.config
    return {
        "audio_dir": config["AUDIO_DIR"],
        "max_bytes": int(config["AUDIO_MAX_BYTES"]),
        "max_seconds": float(config["AUDIO_MAX_SECONDS"]),
    }


def submit_answer(user, session, turn, data: bytes, *, response_delay=None, commit=None):
    """Receive then score one answer. ``commit`` (the view's ``db.session.commit``) runs between the two
    steps, so the recording and its pending row are durable before the recognizer is tried."""
    lim = limits()
    attempt = receive_answer(user, session, turn, data, response_delay=parse_delay(response_delay),
                       audio_dir=lim["audio_dir"], max_bytes=lim["max_bytes"])
    if commit is not None:
        commit()
    return score_attempt(attempt, **lim)
