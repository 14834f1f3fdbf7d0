"""The service-conduct training and certification platform."""

import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from trainer import config as default_config
from trainer import settings, sqlite_writers
from trainer.extensions import csrf, db, limiter, login_manager, migrate
from trainer.jsonbody import SafeJSONProvider

# Feature packages, each plugging in through its ``init_app(app)`` (trainer/features.py; docs/architecture.md).
# The menu order is each entry's own ``order``; "api" is last because the others add operations to its blueprint.
FEATURES = ["auth", "home", "courses", "roleplay", "admin", "ops", "assignments", "records", "certification", "quiz",
            "assessment", "robots", "api"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(default_config.instance_path()), instance_relative_config=True,
                static_folder=str(REPO_ROOT / "static"))
    app.json = SafeJSONProvider(app)  # bad JSON bodies are 400s (trainer/jsonbody.py)
    app.config.from_mapping({k: v for k, v in default_config.DEFAULTS.items()})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(default_config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    _fill_instance_defaults(app)
    settings.init_app(app)  # the services' rules, parsed and checked once

    sqlite_writers.configure(app)  # SQLite: SQLITE_SYNCHRONOUS (trainer/sqlite_writers.py)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only as many X-Forwarded-* hops as there are proxies we run: a client cannot choose its address.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"

    # Ids in URLs are database integers: a number past the 32-bit range is a 404, not an overflow (500)
    # in the database driver. Set before any blueprint adds its rules.
    app.url_map.converters["int"] = BoundedIntConverter
    from trainer import models  # noqa: F401  (register every table with the metadata)
    from trainer.web import register_web

    register_web(app, FEATURES)
    _configure_logging(app)
    return app


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _fill_instance_defaults(app: Flask) -> None:
    """Defaults that live in the instance folder: the SQLite file, audio, and a persistent secret key."""
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'trainer.sqlite'}"
    if not app.config.get("AUDIO_DIR"):
        app.config["AUDIO_DIR"] = str(instance / "audio")
    if not app.config.get("CONTENT_DIR"):
        app.config["CONTENT_DIR"] = str(REPO_ROOT)
    if not app.config.get("SECRET_KEY"):
        # A key generated once and kept, so sessions survive restarts without anyone configuring it.
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, write-ahead log for concurrent readers, wait instead of failing on locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def _configure_logging(app: Flask) -> None:
    from trainer.ops import logs

    logs.init_request_ids(app)
    if not app.debug and not app.testing:
        logs.configure(app)
