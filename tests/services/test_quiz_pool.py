"""The draw pool cache (trainer/quiz/pool.py): reused while the banks stay as they are, never stale after an
edit, an added or retired question or a retired bank; what a start freezes is the question as it is now."""

import random

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.quiz import pool, services
from trainer.quiz.exams import get_exam
from trainer.quiz.models import Question, QuestionBank
from trainer.timeutil import utcnow


@pytest.fixture
def bank(content):
    return db.session.scalar(select(QuestionBank).where(QuestionBank.key == "demo-bank"))


def ids(found: pool.Pool) -> set[int]:
    return {c.id for c in found.candidates}


def test_the_pool_is_reused_until_the_bank_changes(bank):
    first = pool.pool_for(["demo-bank"])
    assert pool.pool_for(["demo-bank"]) is first
    assert ids(first) == {q.id for q in bank.questions}
    question = bank.questions[0]
    question.stem = question.stem + "(修订)"
    db.session.commit()
    edited = pool.pool_for(["demo-bank"])
    assert edited is not first and edited.snapshots[question.id]["stem"].endswith("(修订)")


def test_added_and_retired_questions_and_retired_banks_change_the_pool(bank):
    before = ids(pool.pool_for(["demo-bank"]))
    retired = bank.questions[0]
    retired.retired = True
    db.session.commit()
    assert ids(pool.pool_for(["demo-bank"])) == before - {retired.id}
    added = Question(key="demo-new", bank=bank, type="true_false", stem="新题", options_json="[]",
                     answer_json="[true]", source="000 §5.1")
    db.session.add(added)
    db.session.commit()
    assert ids(pool.pool_for(["demo-bank"])) == before - {retired.id} | {added.id}
    bank.retired = True
    db.session.commit()
    assert ids(pool.pool_for(["demo-bank"])) == set()


def test_a_start_freezes_the_question_as_edited_just_before(people, bank):
    trainee = people["trainee_east"]
    pool.pool_for(["demo-bank"])  # cached before the edit
    edited = bank.questions[0]
    edited.stem = f"{edited.stem}(新)"
    db.session.commit()
    attempt, _ = services.start_exam(trainee, get_exam("demo-exam", trainee), utcnow(), random.Random(1))
    assert {item.question_id: item.stem for item in attempt.items}[edited.id] == edited.stem
    current = {q.id: q for q in bank.questions}
    assert all(item.answer_json == current[item.question_id].answer_json for item in attempt.items)
