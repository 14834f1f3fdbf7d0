"""The recognition queue of the one-machine default (no Redis): a thread per core, answers in batches.

Without ``REDIS_URL`` the web process recognises answers itself. Recognising each upload in its own request
thread made a class's answers compete for the same two cores, one model call at a time, and the trainee saw
only “正在上传并评分” for as long as it took. Instead, an upload is handed to this queue: a background
thread per core (``ASR_PARALLEL``) takes up to ``RECOGNITION_BATCH_SIZE`` waiting answers at a time,
recognises them as one batch
(:func:`trainer.roleplay.services.attempts.score_attempts`, which claims each with the usual conditional
UPDATE: never scored twice) and commits. The upload waits for its answer while it is in the next batch, up to
``RECOGNITION_WAIT_SECONDS`` (a single trainee's answer comes back in that one request); an answer queued
behind a full batch answers 202 with ``queued`` at once, and the page polls the attempt, whose ``queue``
field says how many answers are ahead (:func:`position`).

A process that stops with answers still queued leaves them ``pending`` in the database: a page view of the
session, ``trainer roleplay retry-pending`` or the next start picks them up, as before.

``RECOGNITION_INLINE = "eager"`` (the default under ``TESTING``) recognises in the request thread instead,
which keeps tests deterministic.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from trainer.batch_queue import BatchQueue, per_app

log = logging.getLogger(__name__)
EXTENSION = "trainer.inline_recognition"


def eager(app) -> bool:
    mode = app.config.get("RECOGNITION_INLINE")
    return mode == "eager" or (mode is None and app.testing)


def get_queue(app) -> BatchQueue:
    """The app's queue, made on first use (one per process and app): a recognising thread per lane
    (``ASR_PARALLEL``, default every core), each taking up to ``RECOGNITION_BATCH_SIZE`` answers."""
    from trainer.roleplay.services.recognition import lanes

    size = int(app.config.get("RECOGNITION_BATCH_SIZE") or 8)
    return per_app(app, EXTENSION, lambda: BatchQueue(_scorer(app), size, name="recognition",
                                                      workers=lanes(app.config)))


def _scorer(app) -> Callable[[list[int]], None]:
    def score(attempt_ids: list[int]) -> None:
        with app.app_context():
            score_and_commit(attempt_ids)

    return score


def score_and_commit(attempt_ids: list[int]) -> None:
    """Score those of ``attempt_ids`` still pending, as one batch, and commit (the caller is a worker: it owns
    its transaction). A failure is logged and rolled back: the attempts stay pending for the next try."""
    from sqlalchemy import select

    from trainer.extensions import db
    from trainer.roleplay import services
    from trainer.roleplay.models import RoleplayAttempt
    from trainer.timeutil import utcnow

    started = time.perf_counter()
    try:
        attempts = list(db.session.scalars(select(RoleplayAttempt).where(
            RoleplayAttempt.id.in_(attempt_ids), RoleplayAttempt.status == "pending").order_by(RoleplayAttempt.id)))
        services.score_attempts(attempts, now=utcnow(), **services.limits())
        db.session.commit()
        log.info("recognised %d answers in %.2f s", len(attempts), time.perf_counter() - started)
    except Exception:
        db.session.rollback()
        log.exception("batch recognition of attempts %s failed; they stay pending", attempt_ids)
    finally:
        db.session.remove()


def submit_and_wait(app, attempt_id: int) -> bool:
    """Queue an answer and wait for it: until it is scored, for at most ``RECOGNITION_WAIT_SECONDS``, and
    only while it is in the next batch. An answer with a full batch or more ahead of it will wait its turn
    anyway; the upload then returns at once (202) and the page shows its place in the queue. True when done."""
    queue = get_queue(app)
    done = queue.submit(attempt_id)
    deadline = time.monotonic() + float(app.config.get("RECOGNITION_WAIT_SECONDS") or 0)
    while not done.wait(min(POLL_SECONDS, max(0.0, deadline - time.monotonic()))):
        where = queue.position(attempt_id)
        if time.monotonic() >= deadline or (where is not None and where["ahead"] >= queue.capacity):
            return False
    return True


POLL_SECONDS = 0.1


def wait_for(app, attempt_id: int, seconds: float) -> bool:
    """Wait until a queued answer is done, for at most ``seconds``; True when it is (or was never queued here)."""
    queue = app.extensions.get(EXTENSION)
    return queue.wait(attempt_id, seconds) if queue is not None else True


def position(app, attempt_id: int) -> dict | None:
    queue = app.extensions.get(EXTENSION)
    return queue.position(attempt_id) if queue is not None else None
