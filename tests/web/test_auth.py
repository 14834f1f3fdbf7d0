"""Login, logout, throttling, forced password change, CSRF, cookie flags."""

from sqlalchemy import delete, select

from tests.conftest import PASSWORD, csrf_token_from
from trainer import create_app
from trainer.auth.models import LoginAddress, User
from trainer.extensions import db


def test_login_and_logout(client, auth, people):
    response = auth.login("trainee_east")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "您好" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert client.get("/").headers["Location"].startswith("/login")


def test_wrong_password_message_in_chinese(auth, people):
    response = auth.login("trainee_east", "wrong")
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_login_locked_after_repeated_failures_even_for_unknown_names(app, auth, people):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("trainee_east", "wrong")
    response = auth.login("trainee_east")  # right password, but locked
    assert response.status_code == 429 and "登录失败次数过多" in response.get_data(as_text=True)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("nobody", "wrong")
    assert auth.login("nobody", "wrong").status_code == 429


def test_inactive_account_cannot_log_in(auth, people):
    people["trainee_east"].active = False
    db.session.commit()
    assert "已停用" in auth.login("trainee_east").get_data(as_text=True)


def test_open_redirect_refused(client, people):
    response = client.post("/login?next=https://evil.example/", data={"username": "trainee_east", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/courses", data={"username": "trainee_east", "password": PASSWORD})
    assert response.headers["Location"] == "/courses"


def test_forced_password_change(client, auth, people):
    user = people["trainee_east"]
    user.must_change_password = True
    db.session.commit()
    auth.login("trainee_east")
    assert client.get("/courses").headers["Location"] == "/password"
    response = client.post("/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert "新密码至少 8 位" in response.get_data(as_text=True)
    response = client.post("/password", data={"current": PASSWORD, "new": "a-new-pass-9", "confirm": "a-new-pass-9"})
    assert response.status_code == 302
    assert client.get("/courses").status_code == 200
    db.session.refresh(user)
    assert user.check_password("a-new-pass-9") and not user.must_change_password


def test_passwords_are_salted_hashes(people):
    a, b = people["trainee_east"], people["trainee_west"]
    assert PASSWORD not in a.password_hash and a.password_hash != b.password_hash


def test_csrf_required_on_forms(_schema, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _schema, "SECRET_KEY": "t", "AUDIO_DIR": str(tmp_path)})
    with app.app_context():
        user = User(username="csrf_user", display_name="甲", role="trainee")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        try:
            client = app.test_client()
            response = client.post("/login", data={"username": "csrf_user", "password": PASSWORD})
            assert response.status_code == 302 and "/login" not in response.headers["Location"] or response.status_code == 200
            assert client.get("/").status_code == 302  # not logged in: token was missing
            token = csrf_token_from(client.get("/login").get_data(as_text=True))
            response = client.post("/login", data={"username": "csrf_user", "password": PASSWORD, "csrf_token": token})
            assert response.headers["Location"] == "/"
            assert client.post("/logout").status_code == 302
            assert client.get("/").status_code == 200  # logout without a token was refused
        finally:
            user = db.session.scalar(select(User).where(User.username == "csrf_user"))
            db.session.execute(delete(LoginAddress).where(LoginAddress.user_id == user.id))
            db.session.delete(user)
            db.session.commit()


def test_session_cookie_flags_and_security_headers(client, auth, people):
    response = auth.login("trainee_east")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_secure_cookie_flag_from_environment(monkeypatch, _schema):
    monkeypatch.setenv("TRAINER_SESSION_COOKIE_SECURE", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": _schema})
    assert app.config["SESSION_COOKIE_SECURE"] is True
