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
    latest_attempts,
    next_turn,
    open_session_for,
    parse_delay,
    pending_attempts,
    receive_answer,
    require_owner,
    retry_due,
    retry_pending,
    score_attempt,
    score_attempts,
    start_session,
)
from trainer.roleplay.services.review import (  # noqa: F401
    STATUS_FILTER_LABELS,
    can_hear,
    can_review,
    override,
    review_query,
)


def queue_state(attempt) -> dict | None:
    """Where a pending attempt waits: ``{"ahead", "state", "waited_s"}`` (see :mod:`trainer.roleplay.inline`;
    with workers, from the RQ queue), or None when it is not queued here."""
    from trainer.roleplay import inline, queue

    if attempt.status != "pending":
        return None
    if queue.enabled():
        return queue.state(attempt.id)
    app = current_app._get_current_object()
    where = inline.position(app, attempt.id)
    if where is None and attempt.error_code is None and not inline.eager(app):
        # Pending, error-free and not in this process's queue (queued by a process that has stopped, or
        # another web process): queue it here, so a page that polls never waits on nothing.
        inline.get_queue(app).submit(attempt.id)
        where = inline.position(app, attempt.id)
    return where


def limits() -> dict:
    """Where recordings live and what an upload may be, from the app configuration."""
    config = current_app.config
    return {
        "audio_dir": config["AUDIO_DIR"],
        "max_bytes": int(config["AUDIO_MAX_BYTES"]),
        "max_seconds": float(config["AUDIO_MAX_SECONDS"]),
    }


def receive_upload(user, session, turn, data: bytes, *, now, response_delay=None):
    """Step 1 of an answer: check the upload rate, store the recording and its pending row (flush). The
    caller commits before step 2, :func:`dispatch`, so the answer is durable before the recognizer is tried
    (the upload view: ``trainer.unit_of_work.then``; a test or tool commits in between itself)."""
    lim = limits()
    check_upload_rate(user, now)
    return receive_answer(user, session, turn, data, response_delay=parse_delay(response_delay),
                          audio_dir=lim["audio_dir"], max_bytes=lim["max_bytes"], now=now)


def dispatch(attempt, *, now, lim=None):
    """Score a committed pending attempt: on a single machine through the process's recognition queue
    (:mod:`trainer.roleplay.inline`), waiting for it while it is next in line (:func:`inline.submit_and_wait`); with ``REDIS_URL``
    by queueing it for the workers (:mod:`trainer.roleplay.queue`). Returns the attempt, refreshed."""
    from trainer.extensions import db
    from trainer.roleplay import inline, queue

    if attempt.status != "pending":
        return attempt
    if not queue.enabled():
        app = current_app._get_current_object()
        if inline.eager(app):
            return score_attempt(attempt, now=now, **(lim or limits()))
        attempt_id = attempt.id  # read before the release: an expired attribute would take a connection again
        _release_connection()
        inline.submit_and_wait(app, attempt_id)
        # Scored (or still waiting) in the queue's own session: read what it committed.
        db.session.expire_all()
        return attempt
    if not queue.enqueue(attempt.id):
        attempt.error_code, attempt.message = "queue_unavailable", queue.BUSY_MESSAGE
        attempt.error = "recognition queue (Redis) unreachable at enqueue time"
    return attempt


MAX_WAIT_SECONDS = 20.0  # a status request is held at most this long (the page asks for 2 s)


def wait_for_score(attempt, seconds: float):
    """Hold a status request for a pending answer in this process's recognition queue until it is scored,
    for at most ``seconds`` (capped): the page sees the score the moment it is stored instead of at its next
    poll, and asks less often. With Redis, or for an answer not queued here, returns at once. Reads only."""
    from trainer.roleplay import inline

    seconds = min(max(0.0, float(seconds or 0)), MAX_WAIT_SECONDS)
    if attempt.status != "pending" or seconds <= 0:
        return attempt
    attempt_id, app = attempt.id, current_app._get_current_object()
    if inline.position(app, attempt_id) is None:
        return attempt
    _release_connection()
    inline.wait_for(app, attempt_id, seconds)
    return attempt  # expired by the release: reloads what the queue committed


def _release_connection() -> None:
    """End this unit's read-only transaction before waiting for the recognition queue, which gives its
    database connection back to the pool. A class's uploads waiting together otherwise held every pooled
    connection, and the recognising thread, which needs one to read and store the answers, waited for the
    uploads that were waiting for it (measured: 6 s per batch, benchmarks/upload_latency.py). The recording
    was committed before :func:`dispatch` (its contract), so nothing of this unit is lost; the objects are
    expired and reload after the wait, as they must to show the score the queue committed."""
    from trainer.extensions import db

    if db.session.new or db.session.dirty or db.session.deleted:
        return  # a caller that broke the contract: keep its work (and the connection)
    db.session.rollback()


def check_upload_rate(user, now) -> None:
    """ASVS 12.1: at most ``UPLOAD_LIMIT_PER_HOUR`` recordings per user per hour (0 = no limit)."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from trainer.errors import TooMany
    from trainer.extensions import db
    from trainer.roleplay.models import RoleplayAttempt

    cap = int(current_app.config.get("UPLOAD_LIMIT_PER_HOUR") or 0)
    if cap <= 0:
        return
    since = now - timedelta(hours=1)
    count = db.session.scalar(select(func.count(RoleplayAttempt.id)).where(
        RoleplayAttempt.user_id == user.id, RoleplayAttempt.created_at >= since))
    if count >= cap:
        raise TooMany(f"一小时内最多上传 {cap} 段录音,请稍后再试。",
                      f"user {user.id} reached UPLOAD_LIMIT_PER_HOUR={cap}")
