"""Flask extensions, created unbound and initialised in :func:`trainer.create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from trainer import sqlite_writers

# Named constraints keep Alembic migrations reproducible on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
sqlite_writers.install()  # SQLite writers queue for the lock instead of polling (trainer/sqlite_writers.py)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Rate limits per client address (``request.remote_addr``: set PROXY_COUNT behind a reverse proxy).
# Storage and strategy come from RATELIMIT_* settings (memory by default, Redis when configured).
limiter = Limiter(key_func=get_remote_address)
