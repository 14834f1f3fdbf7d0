"""Role-play recognition through a real Redis queue (RQ) and burst workers, with the fake recognizer.

Needs Redis on 127.0.0.1:6379 (skipped otherwise); each test uses database 15 and its own queue name.
Covers: enqueue → worker → scored; double enqueue and two concurrent scorers → scored once; a worker
killed with SIGKILL mid-job → the attempt stays pending and the retry scores it once; Redis down → the
attempt is kept pending with a clear message and ``retry-pending`` scores it later.
"""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.roleplay_support import GOOD_ANSWER, make_wav, upload_answer
from tests.web.test_roleplay import upload
from trainer import signals
from trainer.extensions import db
from trainer.roleplay import queue, services
from trainer.roleplay.commands import roleplay as roleplay_cli
from trainer.roleplay.commands import worker_command
from trainer.roleplay.models import RoleplayAttempt
from trainer.timeutil import utcnow

REDIS_URL = os.environ.get("TRAINER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture
def queued(app, people, content):
    """App configured for the queue (unique queue name); yields the RQ queue, deletes it afterwards."""
    if not _redis_up():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    app.config.update(REDIS_URL=REDIS_URL, RECOGNITION_QUEUE=f"test-recognition-{uuid.uuid4().hex[:8]}",
                      RECOGNITION_RETRY_INTERVALS=[0], ASR_FAKE_TRANSCRIPT=GOOD_ANSWER)
    q = queue.queue(app)
    yield q
    q.delete(delete_jobs=True)
    q.connection.close()


@pytest.fixture
def session(app, people, content):
    s = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    return s


def _upload(app, people, session, seed=1):
    turn = services.get_turn(session.scenario, 1)
    attempt = upload_answer(people["trainee_east"], session, turn, make_wav(seed=seed))
    db.session.commit()
    return attempt.id


def _burst(q):
    from rq import SimpleWorker

    SimpleWorker([q], connection=q.connection).work(burst=True, with_scheduler=False)


def _fresh(attempt_id) -> RoleplayAttempt:
    db.session.expire_all()
    return db.session.get(RoleplayAttempt, attempt_id)


def test_upload_is_queued_then_a_worker_scores_it(app, people, session, queued):
    attempt_id = _upload(app, people, session)
    attempt = _fresh(attempt_id)
    assert attempt.status == "pending" and attempt.tries == 0 and attempt.error_code is None
    assert queued.job_ids == [queue.job_id(attempt_id)]
    _burst(queued)
    attempt = _fresh(attempt_id)
    assert attempt.status == "scored" and attempt.passed and attempt.tries == 1
    job = queued.fetch_job(queue.job_id(attempt_id))
    assert job.get_status() == "finished" and job.return_value() == "scored"
    assert job.meta["started_at"] >= job.meta["enqueued_at"]


def test_page_polls_the_attempt_while_queued(app, people, session, queued, client, auth):
    auth.login("trainee_east")
    attempt_id = _upload(app, people, session)
    body = client.get(f"/api/v1/roleplay/attempts/{attempt_id}").get_json()
    assert body["status"] == "pending" and body["queued"] is True
    assert body["status_url"] == f"/api/v1/roleplay/attempts/{attempt_id}"
    _burst(queued)
    assert client.get(body["status_url"]).get_json()["status"] == "scored"


def test_double_enqueue_scores_once(app, people, session, queued):
    passes = []
    signals.scenario_passed.connect(lambda *a, **k: passes.append(k), weak=False)
    attempt_id = _upload(app, people, session)
    assert queue.enqueue(attempt_id) and queue.enqueue(attempt_id)
    assert queued.count == 1  # the same job id, still waiting: not queued again
    _burst(queued)
    assert queue.enqueue(attempt_id)  # finished job: a new run is queued, finds the attempt scored
    _burst(queued)
    attempt = _fresh(attempt_id)
    assert attempt.status == "scored" and attempt.tries == 1
    assert queued.fetch_job(queue.job_id(attempt_id)).return_value() == "scored"


def test_two_concurrent_scorers_score_once(app, people, session, queued):
    started = threading.Barrier(2)

    def slow(_audio, _prompt):
        time.sleep(0.5)
        return GOOD_ANSWER

    app.config["ASR_FAKE_TRANSCRIPT"] = slow
    attempt_id = _upload(app, people, session)
    results = []

    def run():
        with app.app_context():
            started.wait()
            results.append(queue.score_job(attempt_id))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    attempt = _fresh(attempt_id)
    assert sorted(results) == ["scored", "scored"]
    assert attempt.status == "scored" and attempt.tries == 1  # the second scorer found it already scored


def test_failed_recognition_is_retried_by_rq(app, people, session, queued):
    calls = []

    def flaky(_audio, _prompt):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("model busy")
        return GOOD_ANSWER

    app.config["ASR_FAKE_TRANSCRIPT"] = flaky
    attempt_id = _upload(app, people, session)
    _burst(queued)  # first run: recognizer fails, job raises, RQ re-queues it (interval 0)
    attempt = _fresh(attempt_id)
    if attempt.status == "pending":
        _burst(queued)
    attempt = _fresh(attempt_id)
    assert attempt.status == "scored" and attempt.tries == 2 and len(calls) == 2


WORKER_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from trainer import create_app
    from trainer.roleplay import queue
    from rq import SimpleWorker

    db_url, audio_dir, redis_url, qname, marker = sys.argv[1:6]

    def hang(_audio, _prompt):
        Path(marker).write_text("started")
        time.sleep(60)
        return "never"

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "t", "AUDIO_DIR": audio_dir,
                      "ASR_ENGINE": "fake", "ASR_FAKE_TRANSCRIPT": hang, "REDIS_URL": redis_url,
                      "RECOGNITION_QUEUE": qname, "TESTING": True})
    with app.app_context():
        q = queue.queue()
        SimpleWorker([q], connection=q.connection).work(burst=True, with_scheduler=False)
""")


def test_worker_killed_mid_job_is_retried_and_scored_once(app, people, session, queued, tmp_path):
    from rq.registry import StartedJobRegistry

    attempt_id = _upload(app, people, session)
    marker = tmp_path / "started"
    script = tmp_path / "worker.py"
    script.write_text(WORKER_SCRIPT)
    worker = subprocess.Popen(
        [sys.executable, str(script), app.config["SQLALCHEMY_DATABASE_URI"], app.config["AUDIO_DIR"],
         REDIS_URL, queued.name, str(marker)],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "worker never started the job"
            time.sleep(0.1)
        os.kill(worker.pid, signal.SIGKILL)  # mid-recognition, transaction open
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stderr.close()
    attempt = _fresh(attempt_id)
    assert attempt.status == "pending" and attempt.tries == 0  # the killed try was rolled back
    registry = StartedJobRegistry(queue=queued)
    assert queue.job_id(attempt_id) in registry.get_job_ids()
    registry.cleanup(timestamp=time.time() + 100000)  # what any worker's maintenance does once the job expires
    assert queued.job_ids == [queue.job_id(attempt_id)]  # abandoned, retries left: back in the queue
    _burst(queued)
    attempt = _fresh(attempt_id)
    assert attempt.status == "scored" and attempt.tries == 1


def test_redis_down_keeps_the_answer_pending_with_a_clear_message(app, people, session, client, auth):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", ASR_FAKE_TRANSCRIPT=GOOD_ANSWER)
    auth.login("trainee_east")
    response = upload(client, make_wav(seed=3), session=session.id)
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "pending" and body["queued"] is False
    assert body["message"] == queue.BUSY_MESSAGE and body["error_code"] == "queue_unavailable"
    attempt = _fresh(body["attempt_id"])
    assert storage_path(app, attempt).is_file()
    # Later, cron's retry-pending (no Redis needed) scores it.
    app.config["REDIS_URL"] = None
    result = app.test_cli_runner().invoke(roleplay_cli, ["retry-pending"])
    assert result.exit_code == 0, result.output
    attempt = _fresh(body["attempt_id"])
    assert attempt.status == "scored" and attempt.tries == 1


def storage_path(app, attempt):
    from trainer.roleplay.services import storage

    return storage.path_for(app.config["AUDIO_DIR"], attempt.audio_name)


def test_worker_command_needs_redis(app):
    app.config["REDIS_URL"] = None
    result = app.test_cli_runner().invoke(worker_command, ["--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def test_worker_command_runs_queued_jobs(app, people, session, queued):
    attempt_id = _upload(app, people, session)
    result = app.test_cli_runner().invoke(worker_command, ["--burst"])
    assert result.exit_code == 0, result.output
    assert _fresh(attempt_id).status == "scored", (result.output, queued.failed_job_registry.get_job_ids(), queued.job_ids)


def test_page_views_enqueue_instead_of_recognising(app, people, session, queued, client, auth):
    from datetime import timedelta

    from trainer.timeutil import utcnow

    calls = []
    app.config["ASR_FAKE_TRANSCRIPT"] = lambda _audio, _prompt: calls.append(1) or GOOD_ANSWER
    attempt_id = _upload(app, people, session)
    queued.empty()  # as if the job had been lost
    attempt = _fresh(attempt_id)
    attempt.tried_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    auth.login("trainee_east")
    assert client.get(f"/roleplay/sessions/{session.id}/summary").status_code == 200
    assert calls == [] and queued.job_ids == [queue.job_id(attempt_id)]  # queued again, not recognised here
    _burst(queued)
    assert _fresh(attempt_id).status == "scored" and calls == [1]


def test_worker_start_up_sweeps_answers_saved_while_redis_was_down(app, people, session, queued):
    from datetime import timedelta

    good = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    attempt_id = _upload(app, people, session)
    assert _fresh(attempt_id).error_code == "queue_unavailable"
    app.config["REDIS_URL"] = good
    assert queue.requeue_stale(older_than=timedelta(minutes=2)) == 0  # too recent: maybe still on its way
    assert queue.requeue_stale(older_than=timedelta(0)) == 1
    _burst(queued)
    attempt = _fresh(attempt_id)
    assert attempt.status == "scored" and attempt.error_code is None and attempt.tries == 1


def test_a_worker_drains_waiting_jobs_and_recognises_them_as_one_batch(app, people, session, queued):
    from trainer.roleplay.services import recognition

    app.config.update(RECOGNITION_BATCH_SIZE=8, ASR_FAKE_TRANSCRIPT="您好,请坐,请问您需要什么帮助,批量")
    ids = [_upload(app, people, session, seed=seed) for seed in (11, 12, 13)]
    worker_class = queue.batch_worker_class(app)
    worker_class([queued], connection=queued.connection).work(burst=True, with_scheduler=False)
    assert list(worker_class.batches) == [3]  # one dequeue took all three
    assert recognition.app_recognizer().batches == [3]  # … and recognised them together
    for attempt_id in ids:
        attempt = _fresh(attempt_id)
        assert attempt.status == "scored" and attempt.passed and attempt.tries == 1  # scored once each
        job = queued.fetch_job(queue.job_id(attempt_id))
        assert job.get_status() == "finished" and job.return_value() == "scored"  # RQ's bookkeeping as usual
    assert queued.count == 0
