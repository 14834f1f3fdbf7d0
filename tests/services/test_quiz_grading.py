"""Batched grading (trainer/quiz/grading.py) and review cards fed in batches (review.record_many): every
attempt graded exactly once, whoever closes it and however many race, with the same results as one by one."""

import json
import random
import threading
from datetime import timedelta

import pytest
from fsrs import Card
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.quiz import grading, marking, review, services
from trainer.quiz.exams import get_exam
from trainer.quiz.models import QuizAttempt, QuizItem, ReviewCard
from trainer.records.models import ActivityDay
from trainer.signals import quiz_submitted
from trainer.timeutil import utcnow


@pytest.fixture
def graded():
    """Every quiz_submitted signal, as (user id, attempt id): one per grading."""
    received = []

    def receiver(sender, attempt, **_kwargs):
        received.append((sender.id, attempt.id))

    quiz_submitted.connect(receiver)
    yield received
    quiz_submitted.disconnect(receiver)


@pytest.fixture
def trainees(content, units, make_user):
    return [make_user("trainee", units["east_team"]) for _ in range(5)]


def some_answer(item) -> list:
    """A well-formed answer, right or wrong by the draw's shuffle."""
    return {"true_false": [True], "fill_blank": ["5"], "ordering": list(range(len(item.options)))}.get(item.type, [0])


def expired_attempts(trainees, answer=True):
    """One demo-exam attempt per trainee, started an hour ago (past its 10 minutes), half the items answered."""
    started = utcnow() - timedelta(hours=1)
    attempts = []
    for n, user in enumerate(trainees):
        attempt, _ = services.start_exam(user, get_exam("demo-exam", user), started, random.Random(n))
        if answer:
            for item in attempt.items[::2]:
                services.save_answer(user, attempt, item.question_id, some_answer(item), started)
        attempts.append(attempt)
    db.session.commit()
    return attempts


def test_close_expired_works_in_batches_and_grades_each_once(trainees, graded):
    attempts = expired_attempts(trainees)
    now = utcnow()
    assert [services.close_expired(now, limit=2) for _ in range(4)] == [2, 2, 1, 0]
    db.session.commit()
    assert sorted(graded) == sorted((a.user_id, a.id) for a in attempts)
    for attempt in attempts:
        db.session.refresh(attempt)
        items = db.session.scalars(select(QuizItem).where(QuizItem.attempt_id == attempt.id)).all()
        assert attempt.status == "submitted" and attempt.auto_submitted and attempt.submitted_at == attempt.deadline_at
        assert all(i.credit is not None for i in items)
        assert attempt.points == pytest.approx(sum(i.credit * i.points for i in items))
        cards = db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == attempt.user_id)).all()
        assert {c.question_id for c in cards} == {i.question_id for i in items if i.credit < 1}
        assert all(c.reps == 1 for c in cards)
        seconds = db.session.scalar(select(func.sum(ActivityDay.seconds)).where(ActivityDay.user_id == attempt.user_id))
        assert seconds == 600  # the whole 10 minutes, counted once


def test_batched_grading_scores_each_item_from_its_frozen_key(trainees):
    attempts = expired_attempts(trainees)
    services.close_expired(utcnow())
    db.session.commit()
    for item in db.session.scalars(select(QuizItem).where(QuizItem.attempt_id.in_([a.id for a in attempts]))):
        assert item.credit == marking.score(item.type, item.answer, item.response, len(item.options))


@pytest.mark.parametrize("rival", ["submit", "close"])
def test_a_submit_or_a_second_close_racing_close_expired_grades_once(app, trainees, graded, rival):
    """Two connections at the same instant: close-expired over every attempt, and either the owner's
    submit of one of them or a second close-expired. Each attempt is graded by exactly one of them."""
    attempts = expired_attempts(trainees)
    ids = [a.id for a in attempts]
    barrier = threading.Barrier(2)
    closed, errors = [], []

    def run(job):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                closed.append(job())
                db.session.commit()
                db.session.remove()
        except Exception as error:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(error)

    def close():
        return services.close_expired(utcnow())

    def submit():
        attempt = db.session.get(QuizAttempt, ids[0])
        return int(services.submit(attempt, utcnow())[1])

    threads = [threading.Thread(target=run, args=(job,)) for job in (close, submit if rival == "submit" else close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(closed) == len(ids)
    assert sorted(graded) == sorted((a.user_id, a.id) for a in attempts)  # once each
    db.session.expire_all()
    assert all(c.reps == 1 for c in db.session.scalars(select(ReviewCard)))


def test_claim_expired_moves_only_open_attempts(trainees):
    attempts = expired_attempts(trainees[:2], answer=False)
    services.submit(attempts[0], utcnow())
    assert grading.claim_expired([a.id for a in attempts]) == [attempts[1].id]
    assert grading.claim_expired([a.id for a in attempts]) == []


def test_record_many_creates_reviews_and_rereviews_in_order(trainees):
    """One batch with two results for the same question of the same person (two attempts): the card is made
    by the first miss and reviewed again by the second result, as two separate calls would."""
    user = trainees[0]
    question_id = _a_question_id()
    now = utcnow()
    later = now + timedelta(days=2)
    assert review.record_many([(user.id, [(question_id, 0.0)], now), (user.id, [(question_id, 1.0)], later)]) == 2
    card = db.session.scalar(select(ReviewCard).where(ReviewCard.user_id == user.id))
    assert card.reps == 2 and card.lapses == 1 and card.last_rating == "good" and card.last_review_at == later

    other = trainees[1]
    review.record_results(other, [(question_id, 0.0)], now)
    review.record_results(other, [(question_id, 1.0)], later)
    apart = db.session.scalar(select(ReviewCard).where(ReviewCard.user_id == other.id))
    assert json.loads(apart.card_json) | {"card_id": 0} == json.loads(card.card_json) | {"card_id": 0}
    assert apart.due_at == card.due_at


def test_a_new_card_is_the_schedulers_review_of_a_fresh_card(trainees):
    user, question_id, now = trainees[0], _a_question_id(), utcnow()
    review.record_results(user, [(question_id, 0.5)], now)
    card = db.session.scalar(select(ReviewCard).where(ReviewCard.user_id == user.id))
    expected, _log = review.SCHEDULER.review_card(Card(card_id=question_id, due=review._aware(now)),
                                                  review.RATINGS["hard"], review._aware(now))
    assert json.loads(card.card_json) == expected.to_dict() and card.reps == 1 and card.last_rating == "hard"


def test_a_card_created_by_a_parallel_request_is_reviewed_not_duplicated(trainees, monkeypatch):
    """The parallel request's insert lands between reading the cards and inserting: the batch's insert skips
    it and reviews that card instead (one card, two reviews: the parallel one and this one)."""
    user, question_id, now = trainees[0], _a_question_id(), utcnow()
    real_load = review._load_cards
    calls = []

    def load_then_race(keys):
        calls.append(keys)
        if len(calls) == 1:
            review.record_results(user, [(question_id, 0.0)], now)  # the parallel request
            return {}
        return real_load(keys)

    monkeypatch.setattr(review, "_load_cards", load_then_race)
    assert review.record_results(user, [(question_id, 0.0)], now + timedelta(minutes=1)) == 1
    cards = db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == user.id)).all()
    assert len(cards) == 1 and cards[0].reps == 2 and cards[0].lapses == 2


def _a_question_id() -> int:
    from trainer.quiz.models import Question

    return db.session.scalar(select(Question.id).order_by(Question.id).limit(1))
