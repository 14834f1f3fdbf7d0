"""Every route × every role → the expected status. A new route fails this test until it is listed here,
so nobody adds a page without deciding who may see it."""

import pytest

from tests.conftest import Auth

ROLES = ["anonymous", "trainee", "trainer", "admin"]
LOGIN = 302  # anonymous users are sent to the login page
A = {"anonymous": 200, "trainee": 200, "trainer": 200, "admin": 200}   # everyone
L = {"anonymous": LOGIN, "trainee": 200, "trainer": 200, "admin": 200}  # any logged-in user
S = {"anonymous": LOGIN, "trainee": 403, "trainer": 200, "admin": 200}  # trainers and admins
ADM = {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 200}
API_L = {"anonymous": 401, "trainee": 200, "trainer": 200, "admin": 200}

# endpoint → (URL builder taking the fixtures, expected status per role, method)
MATRIX = {
    "home.index": (lambda f: "/", {"anonymous": 302, "trainee": 200, "trainer": 200, "admin": 200}),
    "auth.login": (lambda f: "/login", {"anonymous": 200, "trainee": 302, "trainer": 302, "admin": 302}),
    "auth.logout": (lambda f: "/logout", {r: 302 for r in ROLES}, "POST"),
    "auth.change_password": (lambda f: "/password", L),
    "courses.catalogue": (lambda f: "/courses", L),
    "courses.course": (lambda f: "/courses/demo-course", L),
    "courses.module": (lambda f: "/modules/counter-basics", L),
    "courses.mark_read": (lambda f: f"/modules/counter-basics/sections/{f['section']}/read",
                          {"anonymous": LOGIN, "trainee": 302, "trainer": 302, "admin": 302}, "POST"),
    "roleplay.catalogue": (lambda f: "/roleplay", L),
    "roleplay.scenario": (lambda f: "/roleplay/counter-greeting", L),
    "admin.units": (lambda f: "/admin/units", ADM),
    "admin.users": (lambda f: "/admin/users", S),
    "admin.person": (lambda f: f"/admin/users/{f['trainee_east']}", S),
    "admin.edit_user": (lambda f: "/admin/users/new", ADM),
    "admin.import_staff": (lambda f: "/admin/import-staff", ADM),
    "api.create_token": (lambda f: "/api/v1/tokens", {r: 400 for r in ROLES}, "POST"),
    "api.me": (lambda f: "/api/v1/me", API_L),
    "api.openapi_document": (lambda f: "/api/v1/openapi.json", A),
    "static": (lambda f: "/static/css/app.css", A),
    "ops.health": (lambda f: "/healthz", A),
}
# Pages about one person: a trainer of another 供电所 must get 403.
SCOPED = {
    "admin.person": lambda f: f"/admin/users/{f['trainee_west']}",
}


def _fixtures(people, content):
    from trainer.courses.services import get_module

    return {
        "section": get_module("counter-basics").sections[0].id,
        "trainee_east": people["trainee_east"].id,
        "trainee_west": people["trainee_west"].id,
    }


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    endpoints.discard("admin.edit_user")  # two rules, one endpoint; listed once
    assert endpoints - set(MATRIX) - {"admin.edit_user"} == set(), "add new routes to MATRIX"


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(app, client, people, content, role):
    fixtures = _fixtures(people, content)
    usernames = {"trainee": "trainee_east", "trainer": "trainer_east", "admin": "admin"}
    if role != "anonymous":
        Auth(client).login(usernames[role])
    failures = []
    for endpoint, spec in MATRIX.items():
        url_of, expected, method = spec if len(spec) == 3 else (*spec, "GET")
        if endpoint == "auth.logout":
            continue  # would end the session for the rest of the walk; tested in test_auth
        response = client.open(url_of(fixtures), method=method)
        response.close()  # static files are streamed from an open file
        if response.status_code != expected[role]:
            failures.append(f"{method} {url_of(fixtures)} as {role}: {response.status_code} != {expected[role]}")
    assert failures == []


def test_trainer_cannot_see_another_stations_people(client, people, content):
    fixtures = _fixtures(people, content)
    Auth(client).login("trainer_east")
    for url_of in SCOPED.values():
        assert client.get(url_of(fixtures)).status_code == 403
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "trainee_east" in listing and "trainee_west" not in listing
    west_unit = people["trainee_west"].unit_id
    assert client.get(f"/admin/users?unit={west_unit}").status_code == 403
