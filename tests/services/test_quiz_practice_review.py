"""Module practice quizzes, module completion (sections read + quiz passed, signalled once), and the
spaced-repetition daily review."""

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from trainer.courses import services as course_services
from trainer.courses.services import get_module
from trainer.errors import Conflict
from trainer.extensions import db
from trainer.quiz import review, services
from trainer.quiz.marking import to_shown
from trainer.quiz.models import ModuleCompletion, ReviewCard
from trainer.signals import module_completed
from trainer.timeutil import utcnow


@pytest.fixture
def trainee(people, content):
    return people["trainee_east"]


@pytest.fixture
def completions():
    received = []

    def receiver(sender, **kwargs):
        received.append((sender.id, kwargs["module"].key))

    module_completed.connect(receiver)
    yield received
    module_completed.disconnect(receiver)


def _right(item):
    q = item.question
    return q.answer[:1] if q.type == "fill_blank" else to_shown(q.type, q.answer, item.option_order)


def _pass_practice(user, module, now):
    attempt, _ = services.start_practice(user, module, now, random.Random(3))
    for item in attempt.items:
        services.save_answer(user, attempt, item.question_id, _right(item), now, check=True)
    attempt, _ = services.submit(attempt, now)
    db.session.commit()
    return attempt


def test_practice_draws_count_questions_and_checking_gives_feedback_and_locks(trainee):
    module = get_module("counter-basics")
    now = utcnow()
    attempt, created = services.start_practice(trainee, module, now, random.Random(1))
    assert created and attempt.mode == "practice" and attempt.deadline_at is None and len(attempt.items) == 3
    item = attempt.items[0]
    checked = services.save_answer(trainee, attempt, item.question_id, _right(item), now, check=True)
    feedback = services.feedback(checked)
    assert checked.checked and checked.credit == 1.0 and feedback["correct"]
    assert feedback["explanation"] and feedback["source"].startswith("000")
    # A retried identical request is fine; changing a checked answer is not.
    services.save_answer(trainee, attempt, item.question_id, _right(item), now, check=True)
    with pytest.raises(Conflict):
        services.save_answer(trainee, attempt, item.question_id, [], now)


def test_practice_without_a_quiz_is_not_found(trainee):
    from trainer.errors import NotFound

    with pytest.raises(NotFound):
        services.start_practice(trainee, get_module("phone-basics"), utcnow())


def test_module_completes_when_sections_are_read_and_quiz_passed_signalled_once(trainee, completions):
    module = get_module("counter-basics")
    now = utcnow()
    attempt = _pass_practice(trainee, module, now)
    assert attempt.passed and completions == []  # sections not read yet
    for section in module.active_sections:
        course_services.mark_section_read(trainee, section.id)
    db.session.commit()
    assert completions == [(trainee.id, "counter-basics")]
    _pass_practice(trainee, module, now + timedelta(minutes=5))  # passing again sends nothing new
    course_services.mark_section_read(trainee, module.active_sections[0].id)
    db.session.commit()
    assert completions == [(trainee.id, "counter-basics")]
    assert db.session.scalar(select(func.count(ModuleCompletion.id))) == 1


def test_module_without_quiz_completes_on_reading(trainee, completions):
    module = get_module("phone-basics")
    for section in module.active_sections:
        course_services.mark_section_read(trainee, section.id)
    db.session.commit()
    assert completions == [(trainee.id, "phone-basics")]


def test_quiz_passed_after_reading_completes_the_module(trainee, completions):
    module = get_module("counter-basics")
    for section in module.active_sections:
        course_services.mark_section_read(trainee, section.id)
    db.session.commit()
    assert completions == []
    _pass_practice(trainee, module, utcnow())
    assert completions == [(trainee.id, "counter-basics")]


def test_failed_practice_does_not_complete(trainee, completions):
    module = get_module("counter-basics")
    for section in module.active_sections:
        course_services.mark_section_read(trainee, section.id)
    attempt, _ = services.start_practice(trainee, module, utcnow(), random.Random(2))
    attempt, _ = services.submit(attempt, utcnow())
    db.session.commit()
    assert attempt.passed is False and completions == []


def _missed_card(trainee, now):
    attempt, _ = services.start_practice(trainee, get_module("counter-basics"), now, random.Random(4))
    services.submit(attempt, now)  # nothing answered: every question missed
    db.session.commit()
    return db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == trainee.id)).all()


def test_missed_questions_come_back_tomorrow_in_local_time(trainee):
    now = datetime(2026, 3, 2, 2, 0)  # 10:00 in Shanghai
    cards = _missed_card(trainee, now)
    assert len(cards) == 3 and all(c.last_rating == "again" for c in cards)
    assert review.due_count(trainee, now) == 0
    tomorrow_morning = datetime(2026, 3, 3, 0, 30)  # 08:30 next day in Shanghai
    assert review.due_count(trainee, tomorrow_morning) == 3
    assert review.next_card(trainee, tomorrow_morning) is not None


def test_answering_a_review_card_reschedules_it(trainee):
    now = datetime(2026, 3, 2, 2, 0)
    card = _missed_card(trainee, now)[0]
    later = now + timedelta(days=1)
    question = card.question
    order = list(range(len(question.options)))
    right = question.answer[:1] if question.type == "fill_blank" else to_shown(question.type, question.answer, order)
    outcome = review.answer_card(trainee, card, right, order, later)
    db.session.commit()
    assert outcome.credit == 1.0 and outcome.rating == "good"
    assert card.reps == 2 and card.due_at >= later + timedelta(days=1)
    wrong = review.answer_card(trainee, card, [], order, card.due_at)
    assert wrong.rating == "again" and card.lapses == 2


def test_end_of_local_day():
    assert review.end_of_local_day(datetime(2026, 3, 2, 15, 59)) == datetime(2026, 3, 2, 16, 0)
    assert review.end_of_local_day(datetime(2026, 3, 2, 16, 0)) == datetime(2026, 3, 3, 16, 0)
