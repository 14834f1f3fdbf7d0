"""Sessions and API tokens (issue 13, item 4): logout and password changes end sessions on the server,
tokens are revocable (own; admin for anyone) with the audit log saying who, and an account that must
change its first password gets no token and no API. Also the password rules (common list, username)."""

import json

import pytest
from flask import g
from sqlalchemy import select

from tests.conftest import PASSWORD, Auth
from trainer.audit import AuditEvent
from trainer.extensions import db

NEW = "Spring-river-42"


@pytest.fixture(autouse=True)
def _user_loaded_per_request(app):
    """The test app context outlives requests, and Flask-Login caches the user in ``g`` for it: forget
    that cache before each request, so every request loads its user from its own cookie as in production."""
    def forget():
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)


def token_for(client, username, password=PASSWORD):
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def copy_session(app, client):
    """A second client holding the same session cookie: what someone who copied the cookie would have."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_cookie_stops_working_after_logout(app, client, people):
    Auth(client).login("trainee_east")
    thief = copy_session(app, client)
    assert thief.get("/courses").status_code == 200
    Auth(client).logout()
    assert thief.get("/courses").status_code == 302  # sent to the login page


def test_password_change_ends_other_sessions_and_tokens_but_not_this_one(app, client, people):
    other_device = app.test_client()
    Auth(other_device).login("trainee_east")
    token = token_for(app.test_client(), "trainee_east")["token"]
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    Auth(client).login("trainee_east")
    response = client.post("/password", data={"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get("/courses").status_code == 200
    assert other_device.get("/courses").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 401
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.sessions_end"))
    assert json.loads(event.details)["tokens_revoked"] == 1 and event.actor_id == people["trainee_east"].id


@pytest.mark.parametrize(("password", "words"), [("12345678", "太常见"), ("password", "太常见"),
                                                  ("Password1", "太常见"), ("trainee_east1", "用户名"),
                                                  ("aaaaaaaaaaa", "太常见")])
def test_weak_passwords_are_refused(client, people, password, words):
    Auth(client).login("trainee_east")
    page = client.post("/password", data={"current": PASSWORD, "new": password, "confirm": password})
    assert page.status_code == 200 and words in page.get_data(as_text=True)
    db.session.refresh(people["trainee_east"])
    assert people["trainee_east"].check_password(PASSWORD)


def test_first_password_must_be_changed_before_the_api(app, client, people):
    user = people["trainee_east"]
    user.must_change_password = True
    db.session.commit()
    response = app.test_client().post("/api/v1/tokens", json={"username": "trainee_east", "password": PASSWORD})
    assert response.status_code == 403 and "修改初始密码" in response.get_json()["error"]
    Auth(client).login("trainee_east")
    response = client.get("/api/v1/hours")  # the page session cannot use the API either
    assert response.status_code == 403 and "修改初始密码" in response.get_json()["error"]
    assert client.get("/api/v1/me").get_json()["must_change_password"] is True  # so a client can tell why
    client.post("/password", data={"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert client.get("/api/v1/hours").status_code == 200
    assert token_for(app.test_client(), "trainee_east", NEW)["token"]


def test_revoke_own_token_and_admin_revokes_anyones(app, people):
    api = app.test_client()
    mine = token_for(api, "trainee_east")
    other = token_for(api, "trainee_west")
    listed = api.get("/api/v1/tokens", headers=bearer(mine["token"])).get_json()["tokens"]
    assert [(t["id"], t["current"]) for t in listed] == [(mine["id"], True)]
    # Someone else's token: as if it did not exist.
    assert api.delete(f"/api/v1/tokens/{other['id']}", headers=bearer(mine["token"])).status_code == 404
    assert api.delete(f"/api/v1/users/{people['trainee_west'].id}/tokens", headers=bearer(mine["token"])).status_code == 404
    assert api.delete(f"/api/v1/tokens/{mine['id']}", headers=bearer(mine["token"])).status_code == 200
    assert api.get("/api/v1/me", headers=bearer(mine["token"])).status_code == 401
    admin = token_for(api, "admin")["token"]
    response = api.delete(f"/api/v1/users/{people['trainee_west'].id}/tokens", headers=bearer(admin))
    assert response.status_code == 200 and response.get_json() == {"revoked": 1}
    assert api.get("/api/v1/me", headers=bearer(other["token"])).status_code == 401
    events = {e.action: (e.actor_id, json.loads(e.details)) for e in db.session.scalars(select(AuditEvent))}
    assert events["token.revoke"][0] == people["trainee_east"].id and events["token.revoke"][1]["by"] == "trainee_east"
    assert events["token.revoke_all"][0] == people["admin"].id and events["token.revoke_all"][1]["owner"] == "trainee_west"


def test_token_page_and_admin_button(app, client, people):
    token = token_for(app.test_client(), "trainee_east")
    Auth(client).login("trainee_east")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert f"/account/tokens/{token['id']}/revoke" in page
    assert client.post(f"/account/tokens/{token['id']}/revoke").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=bearer(token["token"])).status_code == 401
    Auth(client).logout()
    west = token_for(app.test_client(), "trainee_west")
    Auth(client).login("trainer_west")
    assert client.post(f"/admin/users/{people['trainee_west'].id}/tokens/revoke").status_code == 403
    Auth(client).logout()
    Auth(client).login("admin")
    assert "撤销全部访问令牌" in client.get(f"/admin/users/{people['trainee_west'].id}").get_data(as_text=True)
    assert client.post(f"/admin/users/{people['trainee_west'].id}/tokens/revoke").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=bearer(west["token"])).status_code == 401


def test_admin_password_reset_ends_access_and_update_records_changed_fields(app, people, units):
    from trainer.admin import services as admin_services

    person = people["trainee_east"]
    token = token_for(app.test_client(), "trainee_east")["token"]
    victim_session = app.test_client()
    Auth(victim_session).login("trainee_east")
    admin_services.save_user(people["admin"], person, username=person.username, display_name="新名字",
                             employee_no=None, role="trainee", position="营业厅", unit=units["east_team"],
                             active=True, password="Reset-by-admin-7")
    db.session.commit()
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert victim_session.get("/courses").status_code == 302
    update = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    changed = json.loads(update.details)["changed"]
    assert changed["display_name"][1] == "新名字"
    assert changed["position"] == ["", "营业厅"] and changed["password"] == "reset" and "role" not in changed
