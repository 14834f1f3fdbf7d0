"""Sign-in throttling (issue 13, item 3): parallel wrong passwords never give a 500, are counted
atomically, and a stranger cannot lock the owner of an account out.

Runs on SQLite and, with TRAINER_TEST_DATABASE_URL, on PostgreSQL.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import PASSWORD
from trainer import settings

OWNER = {"REMOTE_ADDR": "10.0.0.7"}
STRANGER = {"REMOTE_ADDR": "10.9.9.9"}


def _token(app, username, password, environ):
    with app.test_client() as client:
        return client.post("/api/v1/tokens", json={"username": username, "password": password},
                           environ_base=environ).status_code


def _parallel(app, username, password, environ, n=20) -> list[int]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda _i: _token(app, username, password, environ), range(n)))


def test_twenty_parallel_wrong_passwords_never_500_and_only_five_are_checked(app, people):
    codes = _parallel(app, "admin", "wrong-guess", STRANGER)
    assert 500 not in codes
    assert sorted(codes) == [401] * 5 + [429] * 15
    assert _token(app, "admin", PASSWORD, STRANGER) == 429  # that address is locked out of that name
    assert _token(app, "admin", PASSWORD, OWNER) == 201  # the owner, elsewhere, is not


def test_rounds_of_parallel_guesses_check_five_passwords_in_all(app, people):
    app.config["LOGIN_RATE_PER_ADDRESS"] = "1000 per minute"  # isolate the per-name count
    settings.init_app(app)
    checked = [code for _round in range(5) for code in _parallel(app, "trainee_east", "guess", STRANGER)]
    assert 500 not in checked and checked.count(401) == 5


def test_login_page_parallel_wrong_passwords(app, people):
    def post(_i):
        with app.test_client() as client:
            return client.post("/login", data={"username": "trainer_east", "password": "nope"},
                               environ_base=STRANGER).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(post, range(20)))
    assert sorted(codes) == [200] * 5 + [429] * 15
    with app.test_client() as client:
        response = client.post("/login", data={"username": "trainer_east", "password": PASSWORD}, environ_base=OWNER)
        assert response.status_code == 302


def test_one_address_spraying_many_names_is_stopped(app, people):
    app.config["LOGIN_RATE_PER_ADDRESS"] = "8 per minute"
    settings.init_app(app)
    codes = [_token(app, f"name{i}", "guess", STRANGER) for i in range(10)]
    assert codes == [401] * 8 + [429] * 2
    assert _token(app, "trainee_west", PASSWORD, OWNER) == 201  # other addresses unaffected


def test_successful_sign_ins_do_not_use_up_the_address_allowance(app, people):
    app.config["LOGIN_RATE_PER_ADDRESS"] = "3 per minute"
    settings.init_app(app)
    assert [_token(app, "trainee_east", PASSWORD, OWNER) for _ in range(6)] == [201] * 6


def test_spread_out_guessing_leaves_only_known_addresses(app, people):
    app.config["LOGIN_NAME_MAX_FAILURES"] = 3
    settings.init_app(app)
    assert _token(app, "trainee_east", PASSWORD, OWNER) == 201  # the owner's usual address
    for i in range(3):
        assert _token(app, "trainee_east", "guess", {"REMOTE_ADDR": f"172.16.0.{i}"}) == 401
    with app.test_client() as client:
        response = client.post("/api/v1/tokens", json={"username": "trainee_east", "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "172.16.0.99"})
        assert response.status_code == 429 and "以前登录过" in response.get_json()["error"]
    assert _token(app, "trainee_east", PASSWORD, OWNER) == 201
    assert _token(app, "trainee_west", PASSWORD, {"REMOTE_ADDR": "172.16.0.99"}) == 201  # other names unaffected


def test_unknown_names_cost_a_password_hash_too(app, people, monkeypatch):
    """Timing: a name that does not exist is checked against a dummy hash, so the answer takes as long."""
    from trainer.auth import services

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    assert _token(app, "no-such-person", "guess", STRANGER) == 401
    assert len(calls) == 1 and calls[0].startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0])


@pytest.mark.parametrize("body", [{"username": "x" * 10_000, "password": "p"}, {"username": " admin ", "password": "p"}])
def test_odd_names_are_refused_not_errors(app, people, body):
    with app.test_client() as client:
        assert client.post("/api/v1/tokens", json=body, environ_base=STRANGER).status_code == 401
