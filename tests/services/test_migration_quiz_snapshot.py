"""Migration 0003b keeps every row: existing attempt items get their question's current key, existing
trainer banks get the owner the audit log names (or none)."""

from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import MetaData, text

from tests.migration_support import database_url, empty_database_app  # noqa: F401  (fixture)
from trainer.extensions import db

NOW = datetime(2026, 11, 1, 8, 0)


def test_0003b_snapshots_existing_items_and_finds_bank_owners(database_url, tmp_path):  # noqa: F811
    with empty_database_app(database_url, tmp_path).app_context():
        upgrade(revision="0003")
        tables = MetaData()
        tables.reflect(db.engine)

        def add(table, **values):
            return db.session.execute(tables.tables[table].insert().values(**values)).inserted_primary_key[0]

        unit = add("unit", name="东区供电所", kind="station", path="/1/", created_at=NOW)
        person = dict(display_name="x", position="", active=True, password_hash="x", must_change_password=False, created_at=NOW)
        trainer = add("user", username="t1", role="trainer", unit_id=unit, **person)
        trainee = add("user", username="s1", role="trainee", unit_id=unit, **person)
        owned = add("question_bank", key="t-owned", title="有主", retired=False, origin="trainer")
        orphan = add("question_bank", key="t-orphan", title="无记录", retired=False, origin="trainer")
        shipped = add("question_bank", key="shipped", title="内置", retired=False, origin="content")
        add("audit_event", actor_id=trainer, action="bank.import", target="t-owned", details="{}", created_at=NOW)
        question = add("question", key="t-owned:q001", bank_id=owned, position=0, type="single", stem="问?",
                       options_json='["甲", "乙"]', answer_json="[1]", explanation="", source="000 §5.1", difficulty=1,
                       tags_json="[]", retired=False, updated_at=NOW)
        attempt = add("quiz_attempt", user_id=trainee, mode="practice", scope="module:1", number=1, status="submitted",
                      started_at=NOW, auto_submitted=False, pass_percent=80, max_points=1.0)
        add("quiz_item", attempt_id=attempt, question_id=question, position=1, points=1.0, option_order_json="[1, 0]",
            response_json="[1]", checked=False, credit=1.0)
        db.session.commit()

        upgrade(revision="0003b")
        item = db.session.execute(text("SELECT type, stem, options_json, answer_json, credit FROM quiz_item")).one()
        assert tuple(item) == ("single", "问?", '["甲", "乙"]', "[1]", 1.0)
        owners = dict(db.session.execute(text("SELECT id, created_by_id FROM question_bank")).all())
        assert owners == {owned: trainer, orphan: None, shipped: None}
        units = dict(db.session.execute(text("SELECT id, unit_id FROM question_bank")).all())
        assert units == {owned: unit, orphan: None, shipped: None}
        db.session.remove()
        db.engine.dispose()
