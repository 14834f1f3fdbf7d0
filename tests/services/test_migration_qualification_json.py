"""Migration 0004d_qualification_json keeps every qualification and its lists (text → JSON on PostgreSQL)."""

from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from tests.migration_support import database_url, empty_database_app  # noqa: F401  (fixture)
from trainer.certification.models import Qualification
from trainer.extensions import db


def test_0004d_keeps_every_qualification_and_its_lists(database_url, tmp_path):  # noqa: F811
    with empty_database_app(database_url, tmp_path).app_context():
        upgrade(revision="0004c_activity_year")
        tables = MetaData()
        tables.reflect(db.engine)
        db.session.execute(tables.tables["qualification"].insert(), [
            {"key": "clerk", "title": "柜台上岗资格", "description": "", "positions_json": '["营业厅", "客户经理"]',
             "module_keys_json": '["counter-basics"]', "exam_key": None, "exam_pass_percent": 80,
             "scenario_keys_json": "[]", "scenario_min_score": 80, "validity_months": 12, "position": 0, "retired": False},
            {"key": "old", "title": "旧资格", "description": "x", "positions_json": "[]", "module_keys_json": "[]",
             "exam_key": "annual", "exam_pass_percent": 60, "scenario_keys_json": '["s1", "s2"]', "scenario_min_score": 70,
             "validity_months": 24, "position": 1, "retired": True},
        ])
        db.session.commit()

        upgrade(revision="heads")
        rows = {q.key: q for q in db.session.scalars(select(Qualification))}
        assert rows["clerk"].positions == ["营业厅", "客户经理"] and rows["clerk"].module_keys == ["counter-basics"]
        assert rows["clerk"].scenario_keys == [] and rows["old"].scenario_keys == ["s1", "s2"]
        assert (rows["old"].retired, rows["old"].exam_key, rows["old"].validity_months) == (True, "annual", 24)
        rows["clerk"].positions_json = ["营业厅"]  # written back as JSON and read again
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Qualification, rows["clerk"].id).positions == ["营业厅"]
        db.session.remove()
        db.engine.dispose()
