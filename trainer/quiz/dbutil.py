"""``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL.

Used where two requests may race to create the same row (attempt number N, a module completion, a
review card): the loser's insert is a no-op instead of an IntegrityError that would abort its transaction.
"""

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from trainer.extensions import db

INSERTS = {"sqlite": sqlite_insert, "postgresql": pg_insert}


def insert_ignore(model, **values) -> int | None:
    """Insert a row unless it would break a unique constraint; the new primary key, or None if skipped."""
    insert = INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model.__table__).values(**values).on_conflict_do_nothing().returning(model.__table__.c.id)
    return db.session.execute(statement).scalar()


def insert_ignore_many(model, rows: list[dict]) -> None:
    """One multi-row insert that skips the rows breaking a unique constraint."""
    if rows:
        insert = INSERTS[db.session.get_bind().dialect.name]
        db.session.execute(insert(model.__table__).values(rows).on_conflict_do_nothing())
