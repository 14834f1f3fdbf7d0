"""Schemathesis against the app's own OpenAPI document (WSGI, in process): generated requests for every
operation, as a trainee, a trainer and an admin (bearer tokens), must never get a server error (5xx).

Bounded (``EXAMPLES`` per operation and role, no deadline) so that it runs in well under a minute;
``TRAINER_SCHEMATHESIS_EXAMPLES`` raises it for a longer hunt.
"""

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from tests.conftest import PASSWORD  # noqa: E402
from tests.roleplay_support import roleplay_fixtures  # noqa: E402

EXAMPLES = int(os.environ.get("TRAINER_SCHEMATHESIS_EXAMPLES", "25"))


def _token(client, username):
    response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201
    return response.get_json()["token"]


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        operations.append(result.ok())
    return operations


def test_no_server_errors_for_generated_requests(app, client, people, content):
    app.config["ASR_FAKE_TRANSCRIPT"] = "您好,请坐"
    roleplay_fixtures(people)
    tokens = {role: _token(client, name)
              for role, name in (("trainee", "trainee_east"), ("trainer", "trainer_east"), ("admin", "admin"))}
    operations = _operations(app)
    assert len(operations) >= 15
    failures: list[str] = []

    for operation in operations:
        if operation.method.upper() == "POST" and operation.path.endswith("/tokens"):
            continue  # creating tokens would also be fine, but each call hashes a password: slow, not useful
        if operation.method.upper() == "DELETE" and "/tokens" in operation.path:
            continue  # revoking would end the fuzzing token itself (tests/web/test_sessions_tokens.py covers it)
        for role, token in tokens.items():
            _fuzz(operation, role, {"Authorization": f"Bearer {token}"}, failures)
    assert failures == [], "\n".join(failures[:20])


def _fuzz(operation, role: str, headers: dict, failures: list[str]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(f"{role} {operation.label}: {response.status_code} for path={case.path_parameters} "
                            f"query={case.query} body={case.body!r:.200}")

    run()
