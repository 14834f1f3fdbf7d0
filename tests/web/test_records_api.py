"""/api/v1 hours, the unit report, classroom sessions and qualification status, by bearer token."""

from sqlalchemy import func, select

from tests.services.test_certification import complete_everything, import_with_qualification
from tests.web.test_api import token_for
from trainer.courses.services import get_module
from trainer.extensions import db
from trainer.records import services
from trainer.records.models import HoursEntry
from trainer.timeutil import utcnow


def bearer(client, username):
    return {"Authorization": f"Bearer {token_for(client, username)}"}


def test_own_hours(client, people, content):
    services.credit_module(people["trainee_east"], get_module("counter-basics"), utcnow())
    db.session.commit()
    headers = bearer(client, "trainee_east")
    body = client.get("/api/v1/hours", headers=headers).get_json()
    assert (body["counted_minutes"], body["required_minutes"], body["missing_minutes"], body["compliant"]) == (90, 960, 870, False)
    assert body["entries"][0]["source"] == "module" and body["by_category"] == {"ethics": 90}
    assert body["counted_categories"] == ["ethics", "law"] and body["deadline"].endswith("-11-30")
    assert client.get("/api/v1/hours?year=1999", headers=headers).status_code == 400
    assert client.get(f"/api/v1/hours?year={body['year'] - 1}", headers=headers).get_json()["entries"] == []


def test_report_is_scoped_to_the_callers_units(client, people, content, units):
    headers = bearer(client, "trainer_east")
    rows = client.get("/api/v1/reports/hours", headers=headers).get_json()["rows"]
    assert {r["username"] for r in rows} == {"trainer_east", "trainee_east"}
    assert set(rows[0]) >= {"username", "unit", "ethics_minutes", "law_minutes", "other_minutes", "required_minutes", "compliant"}
    assert client.get(f"/api/v1/reports/hours?unit={units['west'].id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/reports/hours?unit={units['east_team'].id}", headers=headers).status_code == 200
    assert client.get("/api/v1/reports/hours?unit=99999", headers=headers).status_code == 404
    assert client.get("/api/v1/reports/hours", headers=bearer(client, "trainee_east")).status_code == 403
    admin_rows = client.get("/api/v1/reports/hours", headers=bearer(client, "admin")).get_json()["rows"]
    assert len(admin_rows) == 4


def test_create_classroom_session(client, people, content, units):
    headers = bearer(client, "trainer_east")
    today = services.hours_policy().today(utcnow()).isoformat()
    body = {"unit_id": units["east"].id, "held_on": today, "topic": "安全用电与法律责任", "category": "law", "minutes": 90,
            "attendees": ["trainee_east", "trainer_east"]}
    response = client.post("/api/v1/classroom-sessions", json=body, headers=headers)
    assert response.status_code == 201 and response.get_json()["credited"] == 2
    assert db.session.scalar(select(func.sum(HoursEntry.minutes))) == 180
    assert client.post("/api/v1/classroom-sessions", json={**body, "attendees": ["nobody"]}, headers=headers).status_code == 400
    assert client.post("/api/v1/classroom-sessions", json={**body, "held_on": "2026-13-01"}, headers=headers).status_code == 400
    assert client.post("/api/v1/classroom-sessions", json={**body, "minutes": "90"}, headers=headers).status_code == 400
    assert client.post("/api/v1/classroom-sessions", json={**body, "attendees": ["trainee_west"]}, headers=headers).status_code == 403
    assert client.post("/api/v1/classroom-sessions", json=body, headers=bearer(client, "trainee_east")).status_code == 403
    assert client.post("/api/v1/classroom-sessions", json={**body, "unit_id": 9999}, headers=headers).status_code == 404


def test_qualification_status(client, people, content, units, tmp_path):
    import_with_qualification(tmp_path)
    complete_everything(people["trainee_east"], utcnow())
    db.session.commit()
    rows = client.get("/api/v1/qualifications/status", headers=bearer(client, "trainer_east")).get_json()["rows"]
    by_user = {r["username"]: r["qualifications"][0] for r in rows}
    assert set(by_user) == {"trainer_east", "trainee_east"}
    assert by_user["trainee_east"]["status"] == "certified" and by_user["trainee_east"]["expires_at"].endswith("Z")
    assert by_user["trainer_east"]["status"] == "not_started" and by_user["trainer_east"]["requirements_total"] == 4
    own = client.get("/api/v1/qualifications/status", headers=bearer(client, "trainee_west")).get_json()["rows"]
    assert [r["username"] for r in own] == ["trainee_west"]
    headers = bearer(client, "trainer_east")
    assert client.get(f"/api/v1/qualifications/status?unit={units['west'].id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/qualifications/status?unit={units['east_team'].id}", headers=headers).status_code == 200
