"""Migrations to sa.JSON keep every row and its lists (text → JSON on PostgreSQL; SQLite keeps the same text):
0001b_course_json (course audience, module sources and scenarios), 0004d_qualification_json (qualification lists)."""

from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from tests.migration_support import database_url, empty_database_app  # noqa: F401  (fixture)
from trainer.certification.models import Qualification
from trainer.courses.models import Course, Module
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


def test_0001b_keeps_every_course_and_module_and_their_lists(database_url, tmp_path):  # noqa: F811
    with empty_database_app(database_url, tmp_path).app_context():
        upgrade(revision="0001")
        tables = MetaData()
        tables.reflect(db.engine)
        course = db.session.execute(tables.tables["course"].insert().values(
            key="ethics", title="职业道德", description="", audience_json='["营业厅", "抄表"]', position=0,
            retired=False)).inserted_primary_key[0]
        db.session.execute(tables.tables["module"].insert(), [
            {"key": "m1", "course_id": course, "position": 0, "title": "一", "credit_category": "ethics",
             "credit_minutes": 60, "sources_json": '["001 篇1 第一则"]', "quiz_bank_key": None, "quiz_count": 10,
             "quiz_pass_percent": 80, "scenario_keys_json": '["counter-greeting"]', "retired": False},
            {"key": "m2", "course_id": course, "position": 1, "title": "二", "credit_category": "law",
             "credit_minutes": 30, "sources_json": "[]", "quiz_bank_key": "b", "quiz_count": 5,
             "quiz_pass_percent": 60, "scenario_keys_json": "[]", "retired": True},
        ])
        db.session.commit()

        upgrade(revision="heads")
        assert db.session.scalars(select(Course)).one().audience == ["营业厅", "抄表"]
        modules = {m.key: m for m in db.session.scalars(select(Module))}
        assert modules["m1"].sources == ["001 篇1 第一则"] and modules["m1"].scenario_keys == ["counter-greeting"]
        assert (modules["m2"].sources, modules["m2"].retired, modules["m2"].quiz_bank_key) == ([], True, "b")
        db.session.remove()
        db.engine.dispose()
