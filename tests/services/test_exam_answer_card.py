"""The exam 答题卡: a mark for review is stored with the item (a reload keeps it), follows the same rules as an
answer (owner only, never after the deadline or the submission) and never changes the grade."""

import random
from datetime import timedelta

import pytest

from trainer.errors import Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.quiz import present, services
from trainer.quiz.exams import get_exam
from trainer.quiz.models import QuizItem
from trainer.timeutil import utcnow


@pytest.fixture
def running(people, content):
    trainee = people["trainee_east"]
    attempt, _ = services.start_exam(trainee, get_exam("demo-exam", trainee), utcnow(), random.Random(3))
    db.session.commit()
    return trainee, attempt


def test_a_mark_is_stored_and_shown_after_a_reload(running):
    trainee, attempt = running
    first, second = attempt.items[0].question_id, attempt.items[1].question_id
    services.set_marked(trainee, attempt, second, True, utcnow())
    services.set_marked(trainee, attempt, second, True, utcnow())  # a retried request changes nothing
    db.session.commit()
    db.session.expire_all()
    state = present.attempt_json(services.with_questions(db.session.get(type(attempt), attempt.id)), utcnow())
    assert state["marked"] == 1
    assert [i["marked"] for i in state["items"]][:2] == [False, True]
    services.set_marked(trainee, attempt, second, False, utcnow())
    db.session.commit()
    assert db.session.get(QuizItem, attempt.items[1].id).marked is False
    assert db.session.get(QuizItem, attempt.items[0].id).question_id == first


def test_marks_follow_the_rules_of_answers(running, people):
    trainee, attempt = running
    question = attempt.items[0].question_id
    with pytest.raises(Forbidden):
        services.set_marked(people["trainee_west"], attempt, question, True, utcnow())
    with pytest.raises(ValidationFailed):
        services.set_marked(trainee, attempt, question, "yes", utcnow())
    late = attempt.deadline_at + services.GRACE + timedelta(seconds=1)
    with pytest.raises(services.AttemptClosed):
        services.set_marked(trainee, attempt, question, True, late)
    db.session.commit()
    assert attempt.status == "submitted" and attempt.auto_submitted  # the late mark submitted it on the way
    assert db.session.get(QuizItem, attempt.items[0].id).marked is False


def test_a_mark_does_not_change_the_grade(running):
    trainee, attempt = running
    for item in attempt.items:
        services.set_marked(trainee, attempt, item.question_id, True, utcnow())
    services.submit(attempt, utcnow())
    db.session.commit()
    assert attempt.points == 0 and attempt.percent == 0 and attempt.passed is False
    with pytest.raises(services.AttemptClosed):
        services.set_marked(trainee, attempt, attempt.items[0].question_id, False, utcnow())
