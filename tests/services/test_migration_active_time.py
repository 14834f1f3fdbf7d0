"""Migrations 0004b_active_time and 0004c_activity_year keep every row: module credits written before active time
was required stay, with no evidence (NULL, shown as "credited before the rule"); recorded days get their year."""

from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import MetaData, text

from tests.migration_support import database_url, empty_database_app  # noqa: F401  (fixture)
from trainer.extensions import db

NOW = datetime(2026, 11, 1, 8, 0)


def test_0004b_and_0004c_keep_every_row(database_url, tmp_path):  # noqa: F811
    with empty_database_app(database_url, tmp_path).app_context():
        upgrade(revision="0004")
        tables = MetaData()
        tables.reflect(db.engine)
        user = db.session.execute(tables.tables["user"].insert().values(
            username="s1", display_name="x", role="trainee", position="", active=True, password_hash="x",
            must_change_password=False, created_at=NOW)).inserted_primary_key[0]
        db.session.execute(tables.tables["hours_entry"].insert().values(
            user_id=user, year=2026, category="ethics", minutes=90, source="module", source_key="m1",
            dedupe_key="module:m1", title="旧单元", occurred_on=date(2026, 10, 1), created_at=NOW, reason=""))
        db.session.commit()

        upgrade(revision="0004b_active_time")
        row = db.session.execute(text(
            "SELECT minutes, source_key, title, active_minutes, active_from, active_to FROM hours_entry")).one()
        assert tuple(row) == (90, "m1", "旧单元", None, None, None)
        assert db.session.execute(text("SELECT count(*) FROM activity_day")).scalar() == 0
        tables = MetaData()
        tables.reflect(db.engine)
        db.session.execute(tables.tables["activity_day"].insert().values(
            user_id=user, kind="reading", subject_key="m1", category="ethics", day=date(2025, 12, 31), seconds=600,
            first_at=NOW, last_at=NOW))
        db.session.commit()

        upgrade(revision="0004c_activity_year")  # the year column is filled from the (local) day
        day = db.session.execute(text("SELECT subject_key, day, year, seconds FROM activity_day")).one()
        assert (day[0], str(day[1]), day[2], day[3]) == ("m1", "2025-12-31", 2025, 600)
        db.session.remove()
        db.engine.dispose()
