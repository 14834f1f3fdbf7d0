"""Role-play pages and /api/v1/roleplay: practice, upload, summary, history, audio, review, override."""

import io
import re

import pytest
from sqlalchemy import select

from tests.conftest import Auth, csrf_token_from
from tests.roleplay_support import GOOD_ANSWER, GOOD_BYE, answer, make_wav, silent_wav
from trainer.audit import AuditEvent
from trainer.extensions import db
from trainer.roleplay import services
from trainer.roleplay.models import RoleplayAttempt, RoleplaySession
from trainer.timeutil import utcnow


def csrf_headers(client) -> dict:
    """What the page's fetch() sends: the token from <meta name="csrf-token"> (API cookie callers need it
    even with WTF_CSRF_ENABLED off, since the API checks it itself)."""
    return {"X-CSRFToken": csrf_token_from(client.get("/roleplay").get_data(as_text=True))}


def upload(client, data=None, *, scenario="counter-greeting", turn=1, session=None, delay="0.8", headers=None):
    if headers is None:
        headers = csrf_headers(client)
    form = {"audio": (io.BytesIO(data if data is not None else make_wav()), "answer.wav"),
            "scenario": scenario, "turn": str(turn), "response_delay": delay}
    if session is not None:
        form["session"] = str(session)
    return client.post("/api/v1/roleplay/score", data=form, content_type="multipart/form-data", headers=headers)


@pytest.fixture
def east_session(app, people, content):
    s = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    return s


def test_scenario_page_starts_a_session(client, people, content):
    Auth(client).login("trainee_east")
    page = client.get("/roleplay/counter-greeting").get_data(as_text=True)
    assert "开始练习" in page and "一位客户走到柜台前" in page and "营业收费" in page
    response = client.post("/roleplay/counter-greeting/start")
    session = db.session.scalar(select(RoleplaySession))
    assert response.status_code == 302 and response.location.endswith(f"/roleplay/sessions/{session.id}")
    assert session.user.username == "trainee_east" and session.status == "active"
    assert "继续练习" in client.get("/roleplay/counter-greeting").get_data(as_text=True)
    assert client.get("/roleplay/no-such-scenario").status_code == 404


def test_practice_page_has_the_recorder_and_no_inline_script(app, client, people, east_session):
    Auth(client).login("trainee_east")
    html = client.get(f"/roleplay/sessions/{east_session.id}").get_data(as_text=True)
    assert "你好,我想办一下电费业务。" in html and "起身相迎" in html and "开始本轮" in html
    assert 'data-max-seconds="15"' in html and 'data-upload-url="/api/v1/roleplay/score"' in html
    assert "/roleplay/voice/" in html and "recorder.js" in html and "roleplay.js" in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # CSP: no inline scripts
    assert ' style="' not in html and "<style" not in html
    assert "您好,请坐" not in html.split('id="rp-result"')[0]  # the model answer waits for the result
    ahead = client.get(f"/roleplay/sessions/{east_session.id}?turn=2").get_data(as_text=True)
    assert "你好,我想办一下电费业务。" in ahead  # turn 2 is not reached before turn 1 is answered
    answer(app, people["trainee_east"], east_session, 1, GOOD_ANSWER)
    second = client.get(f"/roleplay/sessions/{east_session.id}?turn=2").get_data(as_text=True)
    assert "好了,办完了,谢谢。" in second and "第 2 / 2 轮" in second
    assert client.get(f"/roleplay/sessions/{east_session.id}?turn=7").status_code == 404


def test_practice_page_notes_missing_voice(app, client, people, east_session):
    app.config["TTS_ENABLED"] = False
    Auth(client).login("trainee_east")
    html = client.get(f"/roleplay/sessions/{east_session.id}").get_data(as_text=True)
    assert '<p class="notice" id="rp-voice-note">' in html  # shown, not hidden
    turn = services.get_turn(east_session.scenario, 1)
    assert client.get(f"/roleplay/voice/{turn.id}/customer").status_code == 404


def test_voice_route_serves_tts_wav(app, client, people, east_session):
    from trainer.roleplay import tts

    try:
        tts.voice_id()
    except tts.TtsUnavailable as exc:
        pytest.skip(f"no TTS here: {exc}")
    Auth(client).login("trainee_east")
    turn = services.get_turn(east_session.scenario, 1)
    response = client.get(f"/roleplay/voice/{turn.id}/customer")
    assert response.status_code == 200 and response.mimetype == "audio/wav" and response.data[:4] == b"RIFF"
    response.close()
    answer_voice = client.get(f"/roleplay/voice/{turn.id}/answer")
    assert answer_voice.status_code == 200 and answer_voice.data != response.data
    answer_voice.close()
    assert client.get(f"/roleplay/voice/{turn.id}/other").status_code == 404


def test_api_scores_and_records_an_attempt(app, client, people, east_session):
    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER
    Auth(client).login("trainee_east")
    response = upload(client, session=east_session.id)
    assert response.status_code == 200
    body = response.get_json()
    for key in ("file", "transcript", "items", "forbidden", "passed", "score", "audio_seconds", "asr_seconds",
                "chars_per_second", "attempt_id", "status"):
        assert key in body, key
    assert body["status"] == "scored" and body["passed"] is True and body["transcript"] == GOOD_ANSWER
    assert [item["hit"] for item in body["items"]] == [True, True, True] and body["forbidden"] == []
    assert body["response_delay_seconds"] == 0.8 and body["feedback"]
    assert any(seg["kind"] == "hit" for seg in body["segments"])
    assert body["session"]["next_url"] == f"/roleplay/sessions/{east_session.id}?turn=2"
    attempt = db.session.get(RoleplayAttempt, body["attempt_id"])
    assert attempt.session_id == east_session.id and attempt.audio_name == body["file"]


def test_api_with_a_token_and_no_session_opens_one(app, client, people, content):
    from tests.web.test_api import token_for

    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_BYE
    token = token_for(client, "trainee_west")
    response = upload(client, turn=2, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["passed"] is True
    again = upload(client, turn=2, headers={"Authorization": f"Bearer {token}"}).get_json()
    assert again["session"]["id"] == response.get_json()["session"]["id"]


def test_api_rejects_bad_audio_but_records_it(app, client, people, east_session):
    Auth(client).login("trainee_east")
    response = upload(client, silent_wav(), session=east_session.id)
    body = response.get_json()
    assert response.status_code == 422 and body["status"] == "rejected" and body["error_code"] == "silent"
    assert "没有录到声音" in body["error"] and body["attempt_id"]
    app.config["AUDIO_MAX_BYTES"] = 1000
    body = upload(client, session=east_session.id).get_json()
    assert body["error_code"] == "too_large" and "过大" in body["message"] and body["file"] is None


def test_api_pending_then_retry(app, client, people, east_session):
    def broken(audio, prompt):
        raise RuntimeError("asr down")

    app.config["ASR_FAKE_TRANSCRIPT"] = broken
    Auth(client).login("trainee_east")
    response = upload(client, session=east_session.id)
    body = response.get_json()
    assert response.status_code == 202 and body["status"] == "pending" and "录音已保存" in body["message"]
    assert body["retry_url"] == f"/api/v1/roleplay/attempts/{body['attempt_id']}/retry"
    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER
    retried = client.post(body["retry_url"], headers=csrf_headers(client))
    assert retried.status_code == 200 and retried.get_json()["status"] == "scored"
    read = client.get(f"/api/v1/roleplay/attempts/{body['attempt_id']}")
    assert read.status_code == 200 and read.get_json()["passed"] is True


def test_api_input_errors(app, client, people, east_session):
    Auth(client).login("trainee_east")
    assert client.post("/api/v1/roleplay/score", data={"scenario": "counter-greeting", "turn": "1"},
                       headers=csrf_headers(client)).status_code == 400
    assert upload(client, scenario="").status_code == 400
    assert upload(client, scenario="nope").status_code == 404
    assert upload(client, turn=5).status_code == 404
    assert upload(client, b"").status_code == 400
    Auth(client).logout()
    Auth(client).login("trainee_west")
    response = upload(client, session=east_session.id)  # someone else's session
    assert response.status_code == 403 and "自己的练习" in response.get_json()["error"]
    assert db.session.scalar(select(RoleplayAttempt)) is None


def test_api_attempt_is_private(app, client, people, east_session):
    attempt = answer(app, people["trainee_east"], east_session, 1, GOOD_ANSWER)
    for username, status in [("trainee_west", 403), ("trainer_west", 403), ("trainer_east", 200), ("admin", 200)]:
        Auth(client).login(username)
        assert client.get(f"/api/v1/roleplay/attempts/{attempt.id}").status_code == status, username
        retry = client.post(f"/api/v1/roleplay/attempts/{attempt.id}/retry", headers=csrf_headers(client))
        assert retry.status_code == status, username
        Auth(client).logout()


def test_page_upload_needs_the_csrf_header(_schema, tmp_path, people, content):
    """The page posts with its cookie: without the X-CSRFToken header from the page it must fail."""
    from trainer import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _schema, "SECRET_KEY": "t",
                      "AUDIO_DIR": str(tmp_path), "ASR_ENGINE": "fake", "ASR_FAKE_TRANSCRIPT": GOOD_ANSWER})
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "trainee_east", "password": "secret-pass-1",
                                "csrf_token": csrf_token_from(login_page)})
    page = client.get("/roleplay/counter-greeting").get_data(as_text=True)
    try:
        assert upload(client, headers={}).status_code == 400
        assert upload(client, headers={"X-CSRFToken": csrf_token_from(page)}).status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()  # this app's own pool: close it now, not when the GC gets to it


def test_summary_and_history(app, client, people, east_session):
    trainee = people["trainee_east"]
    answer(app, trainee, east_session, 1, GOOD_ANSWER)
    Auth(client).login("trainee_east")
    # Unfinished: the practice page goes to turn 2, the summary says so.
    assert "第 2 / 2 轮" in client.get(f"/roleplay/sessions/{east_session.id}").get_data(as_text=True)
    assert "未完成" in client.get(f"/roleplay/sessions/{east_session.id}/summary").get_data(as_text=True)
    answer(app, trainee, east_session, 2, GOOD_BYE)
    response = client.get(f"/roleplay/sessions/{east_session.id}")
    assert response.status_code == 302 and response.location.endswith("/summary")
    summary = client.get(f"/roleplay/sessions/{east_session.id}/summary").get_data(as_text=True)
    assert f"总分 {east_session.score}" in summary and "通过" in summary
    assert "计入文明服务 0.5 学时" in summary and '<mark class="hit">' in summary
    history = client.get("/roleplay/history").get_data(as_text=True)
    assert "客户来到柜台" in history and "已完成" in history


def test_pages_never_recognise_a_pending_answer_the_retry_button_does(app, client, people, east_session):
    """A GET never writes: with no worker (eager mode) a page view leaves the answer pending; 重新识别 (a
    POST) or ``trainer roleplay retry-pending`` scores it."""
    def broken(audio, prompt):
        raise RuntimeError("down")

    app.config["ASR_FAKE_TRANSCRIPT"] = broken
    attempt = answer(app, people["trainee_east"], east_session, 1, None)
    attempt.tried_at = attempt.tried_at.replace(year=2000)  # long ago: a page view used to retry it
    db.session.commit()
    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER
    Auth(client).login("trainee_east")
    for url in (f"/roleplay/sessions/{east_session.id}/summary", f"/roleplay/sessions/{east_session.id}",
                f"/api/v1/roleplay/attempts/{attempt.id}"):
        assert client.get(url).status_code in (200, 302)
    db.session.expire_all()
    assert db.session.get(RoleplayAttempt, attempt.id).status == "pending"
    retried = client.post(f"/api/v1/roleplay/attempts/{attempt.id}/retry", headers=csrf_headers(client))
    assert retried.status_code == 200 and retried.get_json()["status"] == "scored"
    db.session.expire_all()
    assert db.session.get(RoleplayAttempt, attempt.id).status == "scored"


def test_recording_is_served_only_to_its_people(app, client, people, east_session):
    attempt = answer(app, people["trainee_east"], east_session, 1, GOOD_ANSWER)
    url = f"/roleplay/attempts/{attempt.id}/audio"
    for username, status in [("trainee_east", 200), ("trainer_east", 200), ("admin", 200),
                             ("trainee_west", 403), ("trainer_west", 403)]:
        Auth(client).login(username)
        response = client.get(url)
        assert response.status_code == status, username
        if status == 200:
            assert response.mimetype == "audio/wav" and response.data == make_wav(seed=1)
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Disposition"].startswith("inline")
        response.close()
        Auth(client).logout()
    assert client.get(url).status_code == 302


def test_trainer_review_list_and_detail(app, client, people, units, content):
    east = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    west = services.start_session(people["trainee_west"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    mine = answer(app, people["trainee_east"], east, 1, "您好,我不知道。")
    theirs = answer(app, people["trainee_west"], west, 1, GOOD_ANSWER)
    Auth(client).login("trainer_east")
    listing = client.get("/roleplay/review").get_data(as_text=True)
    assert f"/roleplay/review/{mine.id}" in listing and f"/roleplay/review/{theirs.id}" not in listing
    assert f"/roleplay/review/{mine.id}" in client.get("/roleplay/review?status=failed").get_data(as_text=True)
    assert f"/roleplay/review/{mine.id}" not in client.get("/roleplay/review?status=pending").get_data(as_text=True)
    assert client.get(f"/roleplay/review?unit={units['west_team'].id}").status_code == 403
    detail = client.get(f"/roleplay/review/{mine.id}").get_data(as_text=True)
    assert f"/roleplay/attempts/{mine.id}/audio" in detail and '<mark class="forbidden">不知道</mark>' in detail
    assert "未说到" in detail and "保存改分" in detail
    assert client.get(f"/roleplay/review/{theirs.id}").status_code == 403
    assert client.post(f"/roleplay/review/{theirs.id}/override",
                       data={"score": "90", "passed": "yes", "reason": "x"}).status_code == 403


def test_override_through_the_page(app, client, people, east_session):
    attempt = answer(app, people["trainee_east"], east_session, 1, "您好,请问您需要什么帮助?")
    Auth(client).login("trainer_east")
    url = f"/roleplay/review/{attempt.id}/override"
    missing = client.post(url, data={"score": "90", "passed": "yes", "reason": ""}, follow_redirects=True)
    assert "请填写改分理由" in missing.get_data(as_text=True)
    assert db.session.get(RoleplayAttempt, attempt.id).override_score is None
    done = client.post(url, data={"score": "88", "passed": "yes", "reason": "示座动作到位,识别漏字。"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "已保存改分" in page and "培训师改分:88 分" in page and "自动评分:" in page
    db.session.expire_all()
    stored = db.session.get(RoleplayAttempt, attempt.id)
    assert stored.override_score == 88 and stored.score < 60
    assert db.session.scalar(select(AuditEvent.action)) == "roleplay.override"


def test_trainee_cannot_open_review_pages(app, client, people, east_session):
    attempt = answer(app, people["trainee_east"], east_session, 1, GOOD_ANSWER)
    Auth(client).login("trainee_east")
    assert client.get("/roleplay/review").status_code == 403
    assert client.get(f"/roleplay/review/{attempt.id}").status_code == 403


def test_openapi_documents_the_roleplay_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    score = paths["/api/v1/roleplay/score"]["post"]
    assert "multipart/form-data" in score["requestBody"]["content"]
    assert {"200", "202", "422"} <= set(score["responses"])
    assert "/api/v1/roleplay/attempts/{attempt_id}/retry" in paths
