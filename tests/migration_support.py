"""Helpers for migration tests: an app on a database of its own, emptied, to upgrade step by step."""

import os

import pytest
from sqlalchemy import text

from trainer import create_app
from trainer.extensions import db


@pytest.fixture
def database_url(tmp_path):
    """A database of its own (SQLite; on CI a scratch PostgreSQL database named by the variable below)."""
    return os.environ.get("TRAINER_MIGRATION_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrate.sqlite'}"


def empty_database_app(database_url: str, tmp_path):
    """An app whose database has no tables (PostgreSQL: the public schema dropped and made again); use it inside
    ``with app.app_context():`` and upgrade to the revision under test."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test",
                      "AUDIO_DIR": str(tmp_path / "audio")})
    if database_url.startswith("postgresql"):
        with app.app_context():
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
            db.session.remove()
    return app
