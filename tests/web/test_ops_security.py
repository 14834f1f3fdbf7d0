"""Operations and security details: request ids, JSON logs, gunicorn with deploy/gunicorn.conf.py,
secure cookies, out-of-range ids, a database outage answered with 503."""

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import Auth
from trainer.ops import logs

ROOT = Path(__file__).resolve().parents[2]


def test_request_id_is_returned_and_taken_from_the_proxy(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    assert client.get("/healthz", headers={"X-Request-ID": "edge-42.a"}).headers["X-Request-ID"] == "edge-42.a"
    forged = client.get("/healthz", headers={"X-Request-ID": "bad id; <script>"}).headers["X-Request-ID"]
    assert forged != "bad id; <script>" and len(forged) == 32  # never echoed into logs or headers


def test_json_log_lines_carry_the_request_id(app):
    formatter = logs.JsonFormatter()
    with app.test_request_context("/roleplay", headers={"X-Request-ID": "req-1"}):
        app.preprocess_request()
        record = logging.LogRecord("trainer.x", logging.WARNING, __file__, 1, "空间不足 %s", ("x",), None)
        logs.RequestIdFilter().filter(record)
        line = json.loads(formatter.format(record))
    assert line["request_id"] == "req-1" and line["message"] == "空间不足 x" and line["level"] == "WARNING"
    assert line["path"] == "/roleplay" and line["ts"].endswith("Z")


def test_ids_past_the_integer_range_are_404_not_500(client, people):
    Auth(client).login("trainee_east")
    assert client.get("/api/v1/roleplay/attempts/99999999999999999999").status_code == 404
    assert client.get("/roleplay/attempts/10419472228797970432/audio").status_code == 404
    assert client.get("/api/v1/qualifications/status?unit=-5445627518").status_code == 404  # query strings too


def test_session_cookie_secure_when_configured(app, client, people):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = Auth(client).login("trainee_east")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_database_outage_is_a_clear_503(app, client, people, monkeypatch):
    from trainer.ops import views

    def down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setitem(views.CHECKS, "database", down)  # /healthz reports it
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["checks"]["database"] == "error"

    for path, kind in (("/api/v1/me", "application/json"), ("/roleplay", "text/html")):
        with app.test_request_context(path):
            error = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
            response = app.make_response(app.handle_user_exception(error))
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        text = response.get_json()["error"] if kind == "application/json" else response.get_data(as_text=True)
        assert response.mimetype == kind and "数据库暂时不可用" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_with_the_production_config(app, tmp_path):
    """The documented command serves the app; the access log is JSON with the app's request id."""
    port = _free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "TRAINER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "TRAINER_SECRET_KEY": "t",
           "TRAINER_AUDIO_DIR": str(tmp_path / "audio"), "TRAINER_LOG_JSON": "1", "GUNICORN_WORKERS": "2",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": str(log)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "trainer:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "gunicorn-1"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    assert response.status == 200 and json.loads(response.read())["status"] == "ok"
                    assert response.headers["X-Request-ID"] == "gunicorn-1"
                    assert response.headers["X-Content-Type-Options"] == "nosniff"
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        finally:
            server.stderr.close()
    entry = json.loads(log.read_text().strip().splitlines()[-1])
    assert entry["path"] == "/healthz" and entry["status"] == 200 and entry["request_id"] == "gunicorn-1"


@pytest.mark.parametrize("path", ["/api/v1/me", "/login"])
def test_security_headers_on_pages_and_api(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_data_the_database_cannot_hold_is_a_400_not_a_500(client, people, content):
    """PostgreSQL refuses NUL characters in text: 400 there, a plain 404 (no such scenario) on SQLite."""
    import io

    from tests.roleplay_support import make_wav
    from tests.web.test_api import token_for

    token = token_for(client, "trainee_east")
    response = client.post("/api/v1/roleplay/score", headers={"Authorization": f"Bearer {token}"},
                           data={"audio": (io.BytesIO(make_wav()), "a.wav"), "scenario": "\x00x", "turn": "1"},
                           content_type="multipart/form-data")
    assert response.status_code in (400, 404) and response.get_json()["error"]
