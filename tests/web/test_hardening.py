"""Issue 13, the low findings of the probe: malformed input is a 400, not a 500; 403s name nobody;
size limits on notes and 岗位 lists; same-origin redirects after a CSRF failure; 405 with Allow; the CSV
Content-Type; migrations leave the app's loggers on."""

import logging

import pytest

from tests.conftest import PASSWORD, Auth
from trainer.assignments import services as assignment_services
from trainer.errors import Forbidden
from trainer.extensions import db


def token(client, username):
    return {"Authorization": "Bearer " + client.post(
        "/api/v1/tokens", json={"username": username, "password": PASSWORD}).get_json()["token"]}


def classroom_body(units, **extra):
    return {"unit_id": units["east"].id, "held_on": "2026-03-02", "topic": "礼仪", "category": "ethics",
            "minutes": 60, "attendees": ["trainee_east"], **extra}


NESTED = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("raw", [
    NESTED,
    '{"username": "\\ud800", "password": "x"}',  # an unpaired surrogate
    '{"username": "admin", "password": "\\udfff"}',
])
def test_malformed_json_for_tokens_is_400(client, people, raw):
    response = client.post("/api/v1/tokens", data=raw, content_type="application/json")
    assert response.status_code == 400


def test_nested_json_huge_integers_and_surrogates_are_400_on_authenticated_routes(client, people, units, content):
    from tests.quiz_support import quiz_fixtures

    fixtures = quiz_fixtures(people)
    trainer = token(client, "trainer_east")
    trainee = token(client, "trainee_east")
    post = lambda url, raw, headers: client.post(url, data=raw, content_type="application/json", headers=headers)  # noqa: E731
    assert post("/api/v1/classroom-sessions", NESTED, trainer).status_code == 400
    huge = str(2**70)
    assert post("/api/v1/classroom-sessions", '{"unit_id": ' + huge + ', "held_on": "2026-03-02", "topic": "t",'
                ' "category": "ethics", "minutes": 60, "attendees": ["trainee_east"]}', trainer).status_code == 400
    answers = f"/api/v1/attempts/{fixtures['quiz_open_attempt']}/answers"
    assert post(answers, '{"question_id": ' + huge + ', "response": "A"}', trainee).status_code == 400
    assert post(answers, '{"question_id": 1, "response": "\\ud83d"}', trainee).status_code == 400
    assert client.get("/roleplay/review?page=" + "9" * 30, headers=trainer).status_code in (200, 302)


def test_403_messages_name_nobody_outside_the_actors_units(client, people, units, content):
    from datetime import datetime

    with pytest.raises(Forbidden) as info:
        assignment_services.create_assignment(
            people["trainer_east"], item_kind="path", item_key="new-hire-onboarding", due_days=30,
            people=[people["trainee_west"]], now=datetime(2026, 3, 1))
    assert info.value.message == "无权查看。"
    response = client.post("/api/v1/classroom-sessions", json=classroom_body(units, attendees=["trainee_west"]),
                           headers=token(client, "trainer_east"))
    assert response.status_code == 403 and response.get_json()["error"] == "无权查看。"
    assert people["trainee_west"].display_name not in response.get_data(as_text=True)


def test_notes_are_capped(client, people, units, content):
    headers = token(client, "trainer_east")
    response = client.post("/api/v1/classroom-sessions", json=classroom_body(units, note="注" * 100_000), headers=headers)
    assert response.status_code == 400 and "备注最多" in response.get_json()["error"]
    response = client.post(f"/api/v1/units/{units['east'].id}/assignments", headers=headers, json={
        "kind": "path", "key": "new-hire-onboarding", "due_days": 30, "note": "注" * 100_000})
    assert response.status_code == 400 and "说明最多" in response.get_json()["error"]
    assert client.post("/api/v1/classroom-sessions", json=classroom_body(units, note=["x"]), headers=headers).status_code == 400


def test_positions_must_exist_and_are_capped(client, people, units, content, make_user):
    make_user("trainee", units["east_team"], position="营业厅")
    headers = token(client, "trainer_east")
    url = f"/api/v1/units/{units['east'].id}/assignments"
    body = {"kind": "path", "key": "new-hire-onboarding", "due_days": 30}
    response = client.post(url, headers=headers, json={**body, "positions": [f"岗位{i}" for i in range(1000)]})
    assert response.status_code == 400 and "最多" in response.get_json()["error"]
    response = client.post(url, headers=headers, json={**body, "positions": ["营业厅", "不存在的岗位"]})
    assert response.status_code == 400 and "不存在的岗位" in response.get_json()["error"]
    assert client.post(url, headers=headers, json={**body, "positions": ["营业厅"]}).status_code == 201


def test_trace_gets_405_with_allow(client, people):
    response = client.open("/login", method="TRACE")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    response = client.open("/api/v1/me", method="TRACE")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_csv_report_content_type_says_charset_once(client, people):
    Auth(client).login("trainer_east")
    response = client.get("/records/report.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(("referrer", "location"), [
    ("https://evil.example/phish", "/"),
    ("//evil.example/phish", "/"),
    ("javascript:alert(1)", "/"),
    ("http://localhost/courses", "http://localhost/courses"),
    (None, "/"),
])
def test_failed_csrf_check_redirects_only_within_the_site(app, client, people, referrer, location):
    Auth(client).login("trainee_east")
    app.config["WTF_CSRF_ENABLED"] = True
    headers = {"Referer": referrer} if referrer else {}
    response = client.post("/logout", headers=headers)
    assert response.status_code == 302 and response.headers["Location"] == location


def test_migrations_leave_the_apps_loggers_enabled(tmp_path):
    from flask_migrate import upgrade

    from trainer import create_app

    ours = logging.getLogger("trainer.web")
    ours.disabled = False
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}",
                      "SECRET_KEY": "t", "AUDIO_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    assert not ours.disabled
