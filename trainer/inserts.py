"""``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL, in one place.

Used where two requests may race to create the same row (attempt number N, a module completion, a review card,
an hours entry, a qualification's evidence, a team's report): the loser's insert is a no-op instead of an
IntegrityError that would abort its transaction, and the database, not a read-then-write, decides "already there".
"""

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from trainer.extensions import db

INSERTS = {"sqlite": sqlite_insert, "postgresql": pg_insert}


def insert_for(table):
    """The dialect's INSERT for ``table`` (a model or a Table), so callers can add ``on_conflict_do_nothing``."""
    return INSERTS[db.session.get_bind().dialect.name](getattr(table, "__table__", table))


def insert_ignore(model, *, conflict: list[str] | None = None, **values) -> int | None:
    """Insert a row unless it would break a unique constraint (``conflict``: the columns of the one that
    counts; any when None); the new primary key, or None if skipped. RETURNING rather than rowcount: drivers
    disagree on rowcount for a skipped ON CONFLICT row."""
    table = model.__table__
    statement = insert_for(table).values(**values).on_conflict_do_nothing(index_elements=conflict).returning(table.c.id)
    return db.session.execute(statement).scalar()


def insert_ignore_many(model, rows: list[dict]) -> None:
    """One multi-row insert that skips the rows breaking a unique constraint."""
    if rows:
        db.session.execute(insert_for(model).values(rows).on_conflict_do_nothing())
