"""Fixtures: ``app`` (schema built by the real migrations), ``client``, ``auth``, factories, content.

The database is SQLite in a temporary folder, or PostgreSQL when TRAINER_TEST_DATABASE_URL is set
(CI sets it to the local ``test`` database). Every test starts from empty tables.
"""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from trainer import create_app
from trainer.auth.models import User
from trainer.extensions import db

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT = FIXTURES / "content"
PASSWORD = "secret-pass-1"


@pytest.fixture(scope="session")
def _database_url(tmp_path_factory):
    url = os.environ.get("TRAINER_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def _schema(_database_url, tmp_path_factory):
    """Build the schema once per session with the real migrations (so they are tested too)."""
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _database_url,
                      "SECRET_KEY": "test", "AUDIO_DIR": str(tmp_path_factory.mktemp("audio"))})
    with app.app_context():
        if _database_url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(revision="heads")
        db.session.remove()
        db.engine.dispose()
    return _database_url


@pytest.fixture
def app(_schema, tmp_path):
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": _schema, "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False, "CONTENT_DIR": str(CONTENT), "AUDIO_DIR": str(tmp_path / "audio"),
        "ASR_ENGINE": "fake", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "BANK_IMPORT_DIR": str(tmp_path / "bank-imports"),
    })
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_tables()
        db.session.remove()


@pytest.fixture(autouse=True)
def _close_engines():
    """Every app a test makes has its own engine and pool. Close them all after each test: otherwise the
    garbage collector finds open PostgreSQL connections later, psycopg warns, and filterwarnings=error
    fails whichever test happens to be running then."""
    yield
    for engines in list(db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()


def _empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """The ``trainer`` commands of this app: ``runner.invoke(args=["quiz", "close-expired"])``."""
    return app.test_cli_runner()


@pytest.fixture
def units(app):
    """A small tree: 公司 → two 供电所 → one 班组 each."""
    from trainer.org.services import ensure_unit

    company = ensure_unit("测试供电公司", "company", None)
    east = ensure_unit("东区供电所", "station", company)
    west = ensure_unit("西区供电所", "station", company)
    tree = {
        "company": company, "east": east, "west": west,
        "east_team": ensure_unit("东区营业班", "team", east),
        "west_team": ensure_unit("西区营业班", "team", west),
    }
    db.session.commit()
    return tree


@pytest.fixture
def make_user(app):
    counter = {"n": 0}

    def make(role="trainee", unit=None, username=None, **fields):
        counter["n"] += 1
        user = User(username=username or f"{role}{counter['n']}", display_name=fields.pop("display_name", f"用户{counter['n']}"),
                    role=role, unit=unit, **fields)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def people(units, make_user):
    return {
        "admin": make_user("admin", units["company"], username="admin"),
        "trainer_east": make_user("trainer", units["east"], username="trainer_east"),
        "trainer_west": make_user("trainer", units["west"], username="trainer_west"),
        "trainee_east": make_user("trainee", units["east_team"], username="trainee_east"),
        "trainee_west": make_user("trainee", units["west_team"], username="trainee_west"),
    }


@pytest.fixture
def content(app):
    from trainer.content import load_content
    from trainer.importing import import_content

    loaded, errors = load_content(CONTENT)
    assert errors == []
    import_content(loaded)
    db.session.commit()
    return loaded


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)
