"""Recognition through a Redis queue (RQ), for installations with several web processes and workers.

Without ``REDIS_URL`` nothing here is used: the web process recognises the answer itself, as the
one-machine demo always did. With it, the upload commits the attempt as ``pending`` and enqueues
:func:`score_job`; ``trainer worker`` (an RQ worker on :data:`QUEUE_NAME`) loads the Whisper model once and
runs the jobs. The page polls ``GET /api/v1/roleplay/attempts/<id>`` until the attempt is scored.

Safety rules:

* The job id is derived from the attempt id, and :func:`enqueue` skips an attempt whose job is already
  waiting or running, so re-enqueueing (a page view, a second upload of the same id) is harmless.
* :func:`score_job` only scores an attempt that is still ``pending``; the claim inside
  :func:`trainer.roleplay.services.attempts.score_attempt` is a conditional UPDATE, so two workers (or a
  worker and ``retry-pending``) never both score one attempt.
* A worker killed mid-job rolls its transaction back (the attempt stays pending); RQ retries the job
  (``Retry``), a restarted worker re-enqueues stale pending attempts, and ``trainer roleplay retry-pending``
  (cron) is the last net.
* Redis down at upload time: the attempt stays pending with :data:`BUSY_MESSAGE` and is scored later by the
  cron ``retry-pending`` or a worker's start-up sweep. The web process does not fall back to recognising
  in-process, because production web processes are sized without the Whisper model.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from datetime import timedelta

from flask import current_app, has_app_context

log = logging.getLogger(__name__)

QUEUE_NAME = "recognition"
BUSY_MESSAGE = "识别服务繁忙,稍后自动评分。录音已保存,不会丢失。"
WAITING_STATES = {"queued", "started", "deferred", "scheduled"}


class JobStillPending(RuntimeError):
    """Raised by a job whose recognizer failed, so that RQ retries it (the attempt stays pending)."""


def enabled(app=None) -> bool:
    app = app or current_app
    return bool(app.config.get("REDIS_URL"))


def connection(app=None):
    import redis

    app = app or current_app
    return redis.Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)


def queue(app=None):
    from rq import Queue

    app = app or current_app
    return Queue(app.config.get("RECOGNITION_QUEUE") or QUEUE_NAME, connection=connection(app))


def job_id(attempt_id: int) -> str:
    return f"roleplay-attempt-{attempt_id}"


def enqueue(attempt_id: int) -> bool:
    """Queue recognition of one committed pending attempt. ``False`` (and a warning) when Redis is down."""
    from redis.exceptions import RedisError
    from rq import Retry
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    config = current_app.config
    try:
        q = queue()
        try:
            existing = Job.fetch(job_id(attempt_id), connection=q.connection)
            if existing.get_status(refresh=True) in WAITING_STATES:
                return True
        except NoSuchJobError:
            pass
        intervals = list(config.get("RECOGNITION_RETRY_INTERVALS") or [5, 15, 60])
        q.enqueue(
            score_job, attempt_id, job_id=job_id(attempt_id),
            retry=Retry(max=int(config.get("RECOGNITION_RETRIES", 3)), interval=intervals),
            job_timeout=int(config.get("RECOGNITION_JOB_TIMEOUT", 300)),
            result_ttl=3600, failure_ttl=7 * 86400,
            meta={"enqueued_at": time.time()},
        )
        return True
    except RedisError as exc:
        log.warning("recognition queue unavailable, attempt %s stays pending: %s", attempt_id, exc)
        return False


def state(attempt_id: int) -> dict | None:
    """Where an attempt's job is: ``{"ahead": jobs before it, "state": "waiting"|"recognising",
    "waited_s": seconds since it was queued}``; None when there is no waiting job or Redis is unreachable."""
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        q = queue()
        job = Job.fetch(job_id(attempt_id), connection=q.connection)
        status = job.get_status(refresh=True)
        enqueued = job.meta.get("enqueued_at")
        waited = round(time.time() - enqueued, 1) if enqueued else None
        if status == "started":
            return {"ahead": 0, "state": "recognising", "waited_s": waited}
        if status in WAITING_STATES:
            position = q.get_job_position(job.id)
            return {"ahead": int(position or 0), "state": "waiting", "waited_s": waited}
    except (NoSuchJobError, RedisError):
        return None
    return None


def score_job(attempt_id: int) -> str:
    """The RQ job: score one attempt if it is still pending. Returns its status; raises
    :class:`JobStillPending` when the recognizer failed, so RQ retries."""
    if has_app_context():
        return _score(attempt_id)
    from trainer import create_app

    with create_app().app_context():
        return _score(attempt_id)


def _score(attempt_id: int) -> str:
    from rq import get_current_job

    from trainer.extensions import db
    from trainer.roleplay import services
    from trainer.roleplay.models import RoleplayAttempt
    from trainer.timeutil import utcnow

    job = get_current_job()
    if job is not None and "enqueued_at" in job.meta:
        job.meta["started_at"] = time.time()
        job.save_meta()
    attempt = db.session.get(RoleplayAttempt, attempt_id)
    if attempt is None or attempt.status != "pending":
        return attempt.status if attempt else "missing"
    try:
        services.score_attempt(attempt, now=utcnow(), **services.limits())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if attempt.status == "pending":
        raise JobStillPending(f"attempt {attempt_id} still pending: {attempt.error}")
    return attempt.status


def requeue_stale(*, older_than: timedelta = timedelta(minutes=2), limit: int = 1000) -> int:
    """Enqueue pending attempts not tried recently (a killed worker's, or those saved while Redis was
    down). Used by ``trainer worker`` at start-up; safe to run any time."""
    from trainer.roleplay.services.attempts import pending_attempts
    from trainer.timeutil import utcnow

    count = 0
    for attempt in pending_attempts(tried_before=utcnow() - older_than, limit=limit):
        if attempt.created_at <= utcnow() - older_than or attempt.tried_at is not None:
            count += enqueue(attempt.id)
    return count


def run_worker(*, burst: bool = False, name: str | None = None, warm: bool = True) -> None:
    """Run a worker in this process (a ``SimpleWorker``: jobs run here, so the model loads once), taking
    waiting jobs in batches (:func:`batch_worker_class`)."""
    if warm:
        _warm_recognizer()
    requeued = requeue_stale()
    if requeued:
        log.info("re-enqueued %s stale pending attempt(s)", requeued)
    q = queue()
    worker = batch_worker_class(current_app._get_current_object())([q], connection=q.connection, name=name)
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def batch_worker_class(app):
    """An RQ ``SimpleWorker`` that drains up to ``RECOGNITION_BATCH_SIZE`` waiting jobs at a time.

    When it takes a job it also takes (RQ's own dequeue: atomic, so no two workers take one job) as many
    more as are waiting, up to the batch size; recognises all their attempts in one batch
    (:func:`trainer.roleplay.services.score_attempts`, which claims each with the conditional UPDATE) and
    commits; then runs every job through RQ as usual: each finds its attempt scored and returns at once,
    so RQ records results, retries and failures exactly as for single jobs. A job whose attempt the batch
    could not score (engine failure) simply scores it itself. A worker killed mid-batch leaves the jobs it
    took in RQ's intermediate queue, which RQ's maintenance puts back.
    """
    from rq import Queue, SimpleWorker

    size = int(app.config.get("RECOGNITION_BATCH_SIZE") or 1)

    class BatchWorker(SimpleWorker):
        batches: deque = deque(maxlen=1000)  # sizes of recent batches (tests, logs)

        # A fresh application context (so a fresh database session) per job: nothing one job loaded
        # or left half-done leaks into the next.
        def execute_job(self, job, queue):
            taken = [(job, queue)]
            while len(taken) < size:
                more = Queue.dequeue_any([queue], None, connection=self.connection, job_class=self.job_class,
                                         serializer=self.serializer)
                if more is None:
                    break
                taken.append(more)
            if len(taken) > 1:
                from trainer.roleplay.inline import score_and_commit

                with app.app_context():  # failures stay pending: each job then tries its own attempt
                    score_and_commit([i for j, _ in taken if (i := attempt_id_of(j)) is not None])
            type(self).batches.append(len(taken))
            for each, origin in taken:
                with app.app_context():
                    super().execute_job(each, origin)

    return BatchWorker


def attempt_id_of(job) -> int | None:
    prefix = job_id(0)[:-1]
    return int(job.id[len(prefix):]) if job.id.startswith(prefix) and job.id[len(prefix):].isdigit() else None


def _warm_recognizer() -> None:
    from trainer.roleplay.services.recognition import app_recognizer

    try:
        app_recognizer()
    except Exception as exc:  # the jobs will report it per attempt; the worker still starts
        log.warning("recognizer not loaded at start-up: %s", exc)
