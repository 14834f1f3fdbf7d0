"""Trainer banks belong to their owner and unit, and an attempt keeps the answer key it started with."""

import random

import pytest
from sqlalchemy import select

from tests.quiz_support import right_response
from trainer.auth import policy
from trainer.errors import Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.quiz import banks, exams, services
from trainer.quiz.excel import read_workbook
from trainer.quiz.models import QuizItem
from trainer.timeutil import utcnow


def import_copy(actor, title="东区题库"):
    data, name, _ = banks.export_bank(banks.get_bank("demo-bank"), "xlsx")
    bank = banks.import_bank(actor, banks.parse_file(name, data), title=title).bank
    db.session.commit()
    return bank, data


def key_of(bank):
    return [(q.key, q.answer_json, q.retired) for q in bank.questions]


def rewrite_keys(parsed) -> None:
    """Change every answer key of a parsed bank (and drop its first question), in place."""
    for _row, question in parsed.questions:
        if question.type == "true_false":
            question.answer = [not question.answer[0]]
        elif question.type == "fill_blank":
            question.answer = ["完全不同的答案"]
        else:
            question.options = list(reversed(question.options))
    del parsed.questions[0]


@pytest.fixture
def east_bank(people, content):
    return import_copy(people["trainer_east"])


def test_a_new_bank_belongs_to_its_importer_and_their_unit(people, east_bank, units):
    bank, _data = east_bank
    assert bank.created_by_id == people["trainer_east"].id and bank.unit_id == units["east"].id
    admin_bank, _ = import_copy(people["admin"], "公司题库")
    assert admin_bank.unit_id is None  # every trainer may use it; only admins change it


def test_only_the_owner_their_unit_above_and_admins_change_a_bank(people, east_bank, make_user, units):
    bank, _data = east_bank
    same_unit = make_user("trainer", units["east"])
    below = make_user("trainer", units["east_team"])
    allowed = {name: policy.can_write_bank(person, bank) for name, person in
               [("owner", people["trainer_east"]), ("same unit", same_unit), ("admin", people["admin"]),
                ("below", below), ("other station", people["trainer_west"]), ("trainee", people["trainee_east"])]}
    assert allowed == {"owner": True, "same unit": True, "admin": True, "below": False, "other station": False,
                       "trainee": False}
    assert policy.can_read_bank(below, bank) and not policy.can_read_bank(people["trainer_west"], bank)
    assert policy.can_read_bank(people["trainer_west"], banks.get_bank("demo-bank"))


def test_another_stations_trainer_cannot_import_into_the_bank(people, east_bank):
    bank, data = east_bank
    before = key_of(bank)
    parsed = read_workbook(data)
    parsed.questions[0][1].answer = [1]
    del parsed.questions[4]
    with pytest.raises(Forbidden) as refused:
        banks.import_bank(people["trainer_west"], parsed, bank=bank)
    db.session.rollback()
    assert "不能修改" in refused.value.message and key_of(banks.get_bank(bank.key)) == before
    with pytest.raises(Forbidden):
        banks.readable_bank(people["trainer_west"], bank.key)
    assert bank.key not in {b.key for b in banks.readable_banks(people["trainer_west"])}
    assert bank.key not in {b.key for b in exams.active_banks(people["trainer_west"])}


def _exam_on(bank, actor):
    rules = [exams.DrawRule(banks=[bank.key], type=t, count=1, points=2)
             for t in ("single", "multiple", "true_false", "fill_blank", "ordering")]
    exam = exams.create_exam(actor, exams.ExamInput(title="东区考试", description="", duration_minutes=30, pass_percent=80,
                                                    max_attempts=3, shuffle_options=True, rules=rules))
    db.session.commit()
    return exam


def test_an_exam_cannot_draw_from_another_stations_bank(people, east_bank):
    bank, _data = east_bank
    with pytest.raises(ValidationFailed) as refused:
        _exam_on(bank, people["trainer_west"])
    assert "属于其他单位" in refused.value.message


def test_editing_a_bank_never_regrades_an_open_or_finished_attempt(people, east_bank):
    bank, data = east_bank
    exam = _exam_on(bank, people["trainer_east"])
    trainee = people["trainee_east"]
    now = utcnow()
    finished, _ = services.start_exam(trainee, exam, now, random.Random(3))
    for item in services.with_questions(finished).items:
        services.save_answer(trainee, finished, item.question_id, right_response(item), now)
    services.submit(finished, now)
    running, _ = services.start_exam(trainee, exam, now, random.Random(4))
    for item in services.with_questions(running).items:
        services.save_answer(trainee, running, item.question_id, right_response(item), now)
    db.session.commit()
    shown_before = [(i.stem, i.options, services.feedback(i)["answer"]) for i in services.with_questions(finished).items]

    parsed = read_workbook(data)  # the owner rewrites every key and stem, and drops a question
    rewrite_keys(parsed)
    for _row, question in parsed.questions:
        question.stem += "(已修改)"
    banks.import_bank(people["trainer_east"], parsed, bank=bank)
    db.session.commit()

    graded, _ = services.submit(running, utcnow())
    assert graded.percent == 100 and graded.passed
    assert finished.percent == 100
    assert [(i.stem, i.options, services.feedback(i)["answer"]) for i in services.with_questions(finished).items] == shown_before
    items = db.session.scalars(select(QuizItem).where(QuizItem.attempt_id == running.id)).all()
    assert all(not i.stem.endswith("(已修改)") for i in items)
