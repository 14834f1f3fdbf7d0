"""Faults: disk full while saving audio, client disconnect mid-upload, upload limits, and (opt-in,
PostgreSQL only) a database restart while a client autosaves exam answers. Redis down is in
tests/services/test_recognition_queue.py. Each shows a clear error and no lost or half-written data."""

import errno
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.roleplay_support import GOOD_ANSWER, make_wav
from tests.web.test_roleplay import upload
from trainer.extensions import db
from trainer.roleplay import services
from trainer.roleplay.models import RoleplayAttempt
from trainer.roleplay.services import storage
from trainer.timeutil import utcnow


@pytest.fixture
def east_session(app, people, content):
    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER
    s = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    return s


def _audio_files(app) -> list[Path]:
    root = Path(app.config["AUDIO_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _attempt_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(RoleplayAttempt.id)))


def _login(client):
    from tests.conftest import Auth

    Auth(client).login("trainee_east")


def test_disk_full_while_saving_audio(app, client, east_session, monkeypatch):
    _login(client)
    kept = upload(client, make_wav(seed=1), session=east_session.id)
    assert kept.status_code == 200
    before = _audio_files(app)

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", full)
    response = upload(client, make_wav(seed=2), session=east_session.id)
    assert response.status_code == 507
    assert "存储空间不足" in response.get_json()["error"] and "No space left" in response.get_json()["detail"]
    assert _audio_files(app) == before  # no half-written or temporary file left behind
    assert _attempt_count() == 1  # no row pointing at a missing file …
    first = db.session.get(RoleplayAttempt, kept.get_json()["attempt_id"])
    assert first.status == "scored" and storage.path_for(app.config["AUDIO_DIR"], first.audio_name).read_bytes() == make_wav(seed=1)
    monkeypatch.undo()
    assert upload(client, make_wav(seed=2), session=east_session.id).status_code == 200  # … and space back: fine


def test_upload_limit_per_user_per_hour(app, client, east_session):
    app.config["UPLOAD_LIMIT_PER_HOUR"] = 2
    _login(client)
    assert upload(client, make_wav(seed=1), session=east_session.id).status_code == 200
    assert upload(client, make_wav(seed=2), session=east_session.id).status_code == 200
    refused = upload(client, make_wav(seed=3), session=east_session.id)
    assert refused.status_code == 429 and "一小时内最多上传 2 段录音" in refused.get_json()["error"]
    assert _attempt_count() == 2 and len(_audio_files(app)) == 2


def test_request_body_over_max_content_length_is_refused(app, client, east_session):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    _login(client)
    response = upload(client, make_wav(seconds=5.0), session=east_session.id)
    assert response.status_code == 413 and response.is_json
    assert _attempt_count() == 0 and _audio_files(app) == []


def test_audio_is_served_as_audio_never_as_a_page(app, client, east_session):
    _login(client)
    attempt_id = upload(client, make_wav(seed=1), session=east_session.id).get_json()["attempt_id"]
    response = client.get(f"/roleplay/attempts/{attempt_id}/audio")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == f'inline; filename="attempt-{attempt_id}.wav"'
    assert "text/html" not in response.content_type and response.data.startswith(b"RIFF")
    response.close()
    assert not str(_audio_files(app)[0]).startswith(app.static_folder)  # outside the web root
    assert "answer" not in _audio_files(app)[0].name  # generated name, not the upload's


class LiveServer:
    """The app served by werkzeug in a thread, on a free loopback port."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def live(app):
    server = LiveServer(app)
    yield server
    server.close()


def _token(client, username="trainee_east") -> str:
    response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    return response.get_json()["token"]


# Werkzeug's multipart parser drops (unclosed) the spooled temp file of a part cut off by the disconnect;
# the garbage collector closes it. Not ours to fix, and harmless.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_client_disconnect_mid_upload(app, client, east_session, live):
    import urllib.request

    token = _token(client)
    boundary = "xYzBoundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"scenario\"\r\n\r\ncounter-greeting\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"turn\"\r\n\r\n1\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n"
            f"Content-Type: audio/wav\r\n\r\n").encode() + make_wav(seconds=3.0) + f"\r\n--{boundary}--\r\n".encode()
    head = (f"POST /api/v1/roleplay/score HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    for cut in (len(body) // 2, len(body) - 10):
        with socket.create_connection(("127.0.0.1", live.port), timeout=5) as sock:
            sock.sendall(head + body[:cut])
            sock.shutdown(socket.SHUT_WR)  # the client goes away mid-upload
            sock.settimeout(10)
            reply = sock.recv(4096)
        assert reply == b"" or reply.split(b" ")[1] in {b"400", b"408"}, reply[:200]
    time.sleep(0.2)
    assert _attempt_count() == 0  # no attempt row for a recording that never fully arrived
    assert _audio_files(app) == []
    with urllib.request.urlopen(live.url("/healthz"), timeout=5) as health:  # the server keeps serving
        assert health.status == 200
    request = urllib.request.Request(live.url("/api/v1/roleplay/score"), data=body,
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=10) as complete:
        assert complete.status == 200
    assert _attempt_count() == 1 and len(_audio_files(app)) == 1


# ------------------------------------------------------------------ database restart (opt-in)
RESTART = os.environ.get("TRAINER_TEST_PG_RESTART") == "1"


@pytest.mark.postgres
@pytest.mark.skipif(not RESTART, reason="set TRAINER_TEST_PG_RESTART=1 (restarts the local PostgreSQL)")
def test_database_restart_during_autosave(app, client, people, content, live):
    """A client autosaves an exam answer every 20 ms through a live server while PostgreSQL restarts.
    Requests during the restart window fail (reported); every acknowledged answer is stored and the
    app recovers without a restart of its own (pool_pre_ping)."""
    import json
    import urllib.error
    import urllib.request

    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TRAINER_TEST_DATABASE_URL pointing at PostgreSQL")
    token = _token(client)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method, path, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(live.url(path), data=data, headers=auth, method=method)
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")

    status, state = call("POST", "/api/v1/exams/demo-exam/attempts")
    assert status == 201
    single = next(i for i in state["items"] if i["type"] == "single")
    acknowledged, errors, stop = {}, [], threading.Event()

    def autosave():
        n = 0
        while not stop.is_set():
            choice = n % 2
            try:
                status, _ = call("POST", f"/api/v1/attempts/{state['id']}/answers",
                                 {"question_id": single["question_id"], "response": [choice]})
                if status == 200:
                    acknowledged["last"] = choice
                    acknowledged["count"] = acknowledged.get("count", 0) + 1
            except (urllib.error.URLError, OSError) as exc:
                errors.append((time.monotonic(), getattr(exc, "code", None) or type(exc).__name__))
            n += 1
            time.sleep(0.02)

    worker = threading.Thread(target=autosave)
    worker.start()
    time.sleep(1.0)
    restart_started = time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"], check=True,
                   capture_output=True, timeout=60)
    restart_seconds = time.monotonic() - restart_started
    time.sleep(2.0)
    stop.set()
    worker.join(30)
    late_errors = [e for e in errors if e[0] > restart_started + restart_seconds + 1.0]
    print(f"\nrestart took {restart_seconds:.1f}s; {acknowledged.get('count', 0)} saves acknowledged; "
          f"{len(errors)} failed during the restart window: {sorted({str(e[1]) for e in errors})}")
    assert acknowledged.get("count", 0) > 50
    assert late_errors == []  # recovered within a second of PostgreSQL being back
    assert {str(e[1]) for e in errors} <= {"503"}  # a clear "try again", never a 500
    _, after = call("GET", f"/api/v1/attempts/{state['id']}")
    saved = next(i for i in after["items"] if i["question_id"] == single["question_id"])
    assert saved["response"] == [acknowledged["last"]]  # the last acknowledged answer is the stored one
