"""The one-machine default (no Redis): answers go through the process's recognition queue, in batches,
with the fake recognizer. The app is switched from the tests' eager mode to the queue."""

import threading
import time

import pytest

from tests.roleplay_support import make_wav, upload_answer
from tests.web.test_roleplay import upload
from trainer.batch_queue import BatchQueue
from trainer.extensions import db
from trainer.roleplay import inline, services
from trainer.roleplay.models import RoleplayAttempt
from trainer.roleplay.services import recognition
from trainer.timeutil import utcnow


@pytest.fixture
def session(app, people, content):
    s = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    return s


def _submit(people, session, seed):
    turn = services.get_turn(session.scenario, 1)
    attempt = upload_answer(people["trainee_east"], session, turn, make_wav(seed=seed))
    db.session.commit()
    return attempt


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def _drained(q, answers: int) -> None:
    _until(lambda: sum(q.batches) >= answers and not len(q), "the queue never finished")


def _recognising(q, key) -> bool:
    where = q.position(key)
    return where is not None and where["state"] == "recognising"


def _fresh(attempt_id) -> RoleplayAttempt:
    db.session.expire_all()
    return db.session.get(RoleplayAttempt, attempt_id)


def test_batch_queue_takes_what_is_waiting_in_batches_and_reports_positions():
    gate, seen = threading.Event(), []

    def work(keys):
        gate.wait(10)
        seen.append(list(keys))

    q = BatchQueue(work, batch_size=3, name="test")
    first = q.submit("a")
    _until(lambda: _recognising(q, "a"), "the thread never took the first key")  # now blocked in work()
    events = [q.submit(k) for k in "bcde"]
    assert q.submit("b") is events[0]  # a key already waiting is not queued twice
    assert [q.position(k)["ahead"] for k in "bcde"] == [1, 2, 3, 4]
    assert q.position("e")["state"] == "waiting" and len(q) == 5 and q.position("z") is None
    gate.set()
    assert first.wait(10) and all(e.wait(10) for e in events)
    assert seen == [["a"], ["b", "c", "d"], ["e"]] and q.batches == [1, 3, 1]
    assert q.position("a") is None and len(q) == 0


def test_several_workers_take_the_next_batches_while_one_is_busy():
    both, seen = threading.Barrier(2, timeout=10), []

    def work(keys):
        seen.append(list(keys))
        if keys[0] in ("a", "c"):
            both.wait()  # passes only if two batches run at the same time

    q = BatchQueue(work, batch_size=2, name="test", workers=2)
    assert q.capacity == 4
    with q._cond:  # five keys waiting before either worker looks
        events = [q.submit(k) for k in "abcde"]
    assert all(e.wait(15) for e in events)
    assert sorted(map(tuple, seen)) == [("a", "b"), ("c", "d"), ("e",)]
    assert sorted(q.batches) == [1, 2, 2] and len(q) == 0 and not both.broken


def test_positions_count_every_running_batch():
    gate = threading.Event()
    q = BatchQueue(lambda keys: gate.wait(10), batch_size=1, name="test", workers=2)
    q.submit("a"), q.submit("b")
    _until(lambda: _recognising(q, "a") and _recognising(q, "b"), "two workers never took a key each")
    q.submit("c")
    assert q.position("c") == {"ahead": 2, "state": "waiting", "waited_s": q.position("c")["waited_s"]}
    gate.set()
    _drained(q, 3)


def test_recognition_lanes_default_to_the_cores_without_redis(app, monkeypatch):
    monkeypatch.setattr("trainer.speech.recognizer.available_cores", lambda: 3)
    assert recognition.lanes({"ASR_PARALLEL": 0}) == 3  # the web process recognises for everyone
    assert recognition.lanes({"ASR_PARALLEL": 0, "REDIS_URL": "redis://x"}) == 1  # a worker per core does
    assert recognition.lanes({"ASR_PARALLEL": 2, "REDIS_URL": "redis://x"}) == 2  # an explicit setting wins
    app.config.update(RECOGNITION_INLINE="queue", ASR_PARALLEL=0)
    assert inline.get_queue(app).workers == 3


def test_an_upload_waiting_for_its_score_holds_no_database_connection(app, people, session, monkeypatch):
    """A class's uploads wait together; if each kept its pooled connection the recognising thread could
    not get one to store the scores, and waited for them (the pool's timeout) while they waited for it."""
    app.config.update(RECOGNITION_INLINE="queue", RECOGNITION_WAIT_SECONDS=30, ASR_PARALLEL=1,
                      ASR_FAKE_TRANSCRIPT="您好,请坐,请问您需要什么帮助,排队四")
    q, pool = inline.get_queue(app), db.engine.pool
    held, real = [], q.work

    def work(keys):  # runs while the upload below waits: count the connections checked out of the pool
        held.append(pool.checkedout())
        real(keys)

    q.work = work
    attempt = _submit(people, session, seed=51)
    turn = services.get_turn(session.scenario, 1)
    pending = services.receive_upload(people["trainee_east"], session, turn, make_wav(seed=52), now=utcnow())
    db.session.commit()
    services.dispatch(services.get_attempt(pending.id), now=utcnow())
    assert attempt.status == "scored" and _fresh(pending.id).status == "scored"
    assert held == [0, 0]


def test_a_failing_batch_does_not_stop_the_queue():
    calls = []

    def work(keys):
        calls.append(keys)
        if keys == ["bad"]:
            raise RuntimeError("engine down")

    q = BatchQueue(work, batch_size=1, name="test")
    assert q.submit("bad").wait(10) and q.submit("good").wait(10)
    assert calls == [["bad"], ["good"]]


def test_upload_is_scored_by_the_queue_once(app, people, session):
    app.config.update(RECOGNITION_INLINE="queue", RECOGNITION_WAIT_SECONDS=30,
                      ASR_FAKE_TRANSCRIPT="您好,请坐,请问您需要什么帮助,排队一")
    attempt = _submit(people, session, seed=21)
    assert attempt.status == "scored" and attempt.passed and attempt.tries == 1
    assert inline.get_queue(app).batches == [1]


def test_answers_waiting_together_are_recognised_as_one_batch(app, people, session):
    app.config.update(RECOGNITION_INLINE="queue", RECOGNITION_WAIT_SECONDS=0,
                      ASR_FAKE_TRANSCRIPT="您好,请坐,请问您需要什么帮助,排队二")
    q = inline.get_queue(app)
    with q._cond:  # hold the queue while three uploads arrive, as a class answering at once would
        ids = [_submit(people, session, seed=seed).id for seed in (31, 32, 33)]
    _drained(q, 3)
    assert q.batches == [3] and recognition.app_recognizer().batches == [3]
    assert all(_fresh(i).status == "scored" and _fresh(i).tries == 1 for i in ids)


def _held_queue(app, auth, tag: str):
    """The app's queue (one worker, nothing waited for in the upload) whose batches wait for the returned
    gate; the trainee is logged in."""
    app.config.update(RECOGNITION_INLINE="queue", RECOGNITION_WAIT_SECONDS=0, ASR_PARALLEL=1,
                      ASR_FAKE_TRANSCRIPT=f"您好,请坐,请问您需要什么帮助,{tag}")
    auth.login("trainee_east")
    q = inline.get_queue(app)
    gate, real = threading.Event(), q.work
    q.work = lambda keys: (gate.wait(10), real(keys))
    return q, gate


def test_waiting_answers_show_their_place_in_the_queue(app, people, session, client, auth):
    q, gate = _held_queue(app, auth, "排队三")
    try:
        bodies = []
        for seed in (41, 42, 43):
            response = upload(client, make_wav(seed=seed), session=session.id)
            assert response.status_code == 202
            bodies.append(response.get_json())
            if len(bodies) == 1:
                _until(lambda: _recognising(q, bodies[0]["attempt_id"]), "the first answer was never taken")
        assert all(b["status"] == "pending" and b["queued"] for b in bodies)
        polled = [client.get(b["status_url"]).get_json()["queue"] for b in bodies]
        assert [p["state"] for p in polled] == ["recognising", "waiting", "waiting"]
        assert [p["ahead"] for p in polled] == [0, 1, 2]
    finally:
        gate.set()
    _drained(q, 3)
    after = client.get(bodies[-1]["status_url"]).get_json()
    assert after["status"] == "scored" and after["queue"] is None


def test_an_upload_waits_only_while_its_answer_is_next_in_line(app):
    app.config.update(RECOGNITION_INLINE="queue", RECOGNITION_BATCH_SIZE=1, RECOGNITION_WAIT_SECONDS=30, ASR_PARALLEL=1)
    q = inline.get_queue(app)
    gate = threading.Event()
    q.work = lambda keys: gate.wait(10)
    q.submit(1)
    _until(lambda: _recognising(q, 1), "the first answer was never taken")
    started = time.monotonic()
    assert inline.submit_and_wait(app, 2) is False  # a full batch ahead of it: the page polls instead
    assert time.monotonic() - started < 5
    gate.set()
    assert inline.submit_and_wait(app, 3) is True  # next in line: the upload gets its score in one request


def test_a_status_request_may_wait_for_the_score(app, people, session, client, auth):
    """?wait=N holds the poll of a queued answer until it is scored (at most N s), without a connection."""
    q, gate = _held_queue(app, auth, "排队五")
    body = upload(client, make_wav(seed=61), session=session.id).get_json()
    assert body["status"] == "pending" and body["queued"]

    started = time.monotonic()
    still = client.get(body["status_url"], query_string={"wait": 0.3}).get_json()
    assert still["status"] == "pending" and 0.25 < time.monotonic() - started < 5  # held, then answered as it is

    threading.Timer(0.5, gate.set).start()
    started = time.monotonic()
    done = client.get(body["status_url"], query_string={"wait": 15}).get_json()
    assert done["status"] == "scored" and done["passed"] and time.monotonic() - started < 10
    started = time.monotonic()
    assert client.get(body["status_url"], query_string={"wait": 15}).get_json()["status"] == "scored"
    assert time.monotonic() - started < 1  # not pending: never held
