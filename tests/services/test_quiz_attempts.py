"""Exam and practice attempts: drawing, saving answers, the deadline, attempt limits, grading once."""

import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from trainer.errors import Conflict
from trainer.extensions import db
from trainer.quiz import services
from trainer.quiz.exams import get_exam
from trainer.quiz.models import QuizAttempt, QuizItem, ReviewCard
from trainer.timeutil import utcnow


def right_response(item: QuizItem) -> list:
    """The correct answer in the attempt's shown positions."""
    from trainer.quiz.marking import to_shown

    question = item.question
    if question.type == "fill_blank":
        return question.answer[:1]
    return to_shown(question.type, question.answer, item.option_order)


def start(user, now=None, seed=1):
    attempt, created = services.start_exam(user, get_exam("demo-exam", user), now or utcnow(), random.Random(seed))
    db.session.commit()
    return attempt, created


def test_start_draws_one_question_of_each_type_and_resumes(trainee):
    now = utcnow()
    attempt, created = start(trainee, now)
    assert created and attempt.status == "open" and attempt.number == 1
    assert attempt.deadline_at == now + timedelta(minutes=10)
    assert [i.question.type for i in attempt.items] == ["single", "multiple", "true_false", "fill_blank", "ordering"]
    assert attempt.max_points == 10
    again, created = start(trainee, now + timedelta(minutes=1))
    assert again.id == attempt.id and not created


def test_answers_are_saved_idempotently_and_graded(trainee, passed_signals):
    now = utcnow()
    attempt, _ = start(trainee, now)
    for item in attempt.items:
        services.save_answer(trainee, attempt, item.question_id, right_response(item), now)
        services.save_answer(trainee, attempt, item.question_id, right_response(item), now)  # a retried request
    db.session.commit()
    assert db.session.scalar(select(func.count(QuizItem.id)).where(QuizItem.attempt_id == attempt.id)) == 5
    attempt, graded = services.submit(attempt, now + timedelta(minutes=3))
    db.session.commit()
    assert graded and attempt.percent == 100 and attempt.passed and not attempt.auto_submitted
    assert len(passed_signals) == 1
    sender, details = passed_signals[0]
    assert sender.id == trainee.id and details["exam_key"] == "demo-exam" and details["score"] == 100


def test_partial_credit_and_review_cards_for_missed_questions(trainee):
    now = utcnow()
    attempt, _ = start(trainee, now)
    items = {i.question.type: i for i in attempt.items}
    multiple = items["multiple"]
    # demo-002: right = 3 of 4 options; choose two right ones → 2/3.
    services.save_answer(trainee, attempt, multiple.question_id, right_response(multiple)[:2], now)
    services.save_answer(trainee, attempt, items["single"].question_id, right_response(items["single"]), now)
    attempt, _ = services.submit(attempt, now)
    db.session.commit()
    credits = {i.question.type: i.credit for i in attempt.items}
    assert credits["single"] == 1 and credits["multiple"] == pytest.approx(2 / 3) and credits["fill_blank"] == 0
    assert attempt.percent == pytest.approx(round(100 * (2 + 2 * 2 / 3) / 10, 1))
    assert not attempt.passed
    cards = {c.question.type: c for c in db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == trainee.id))}
    assert set(cards) == {"multiple", "true_false", "fill_blank", "ordering"}  # missed or partly right
    assert cards["multiple"].last_rating == "hard" and cards["fill_blank"].last_rating == "again"
    assert all(c.due_at > now for c in cards.values())


def test_answers_after_the_deadline_are_refused_and_the_attempt_closes_itself(trainee):
    now = utcnow()
    attempt, _ = start(trainee, now)
    first = attempt.items[0]
    services.save_answer(trainee, attempt, first.question_id, right_response(first), now + timedelta(minutes=9))
    db.session.commit()
    late = now + timedelta(minutes=10) + services.GRACE + timedelta(seconds=1)
    second = attempt.items[1]
    with pytest.raises(services.AttemptClosed) as refused:
        services.save_answer(trainee, attempt, second.question_id, right_response(second), late)
    assert "时间已到" in refused.value.message and refused.value.status_code == 409
    db.session.commit()
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline_at  # submitted "at the deadline", even though closed later
    assert db.session.get(QuizItem, second.id).response is None  # the late answer was not stored
    assert attempt.points == 2  # the answer given in time counts
    with pytest.raises(services.AttemptClosed):
        services.save_answer(trainee, attempt, second.question_id, right_response(second), late)


def test_within_the_grace_period_an_answer_still_counts(trainee):
    now = utcnow()
    attempt, _ = start(trainee, now)
    item = attempt.items[0]
    services.save_answer(trainee, attempt, item.question_id, right_response(item), now + timedelta(minutes=10, seconds=2))
    db.session.commit()
    assert db.session.get(QuizItem, item.id).response is not None


def test_expired_attempts_close_without_the_trainee(app, trainee):
    now = utcnow()
    attempt, _ = start(trainee, now - timedelta(minutes=30))
    assert services.close_expired(now) == 1
    db.session.commit()
    assert services.close_expired(now) == 0
    from trainer.quiz.cli import quiz

    result = app.test_cli_runner().invoke(quiz, ["close-expired"])
    assert result.exit_code == 0 and "Closed 0 expired attempt(s);" in result.output
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.auto_submitted and attempt.percent == 0


def test_the_cli_closes_expired_attempts(app, trainee):
    attempt, _ = start(trainee, utcnow() - timedelta(hours=1))
    from trainer.quiz.cli import quiz

    result = app.test_cli_runner().invoke(quiz, ["close-expired"])
    assert "Closed 1 expired attempt(s);" in result.output
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).status == "submitted"


def test_looking_at_an_expired_attempt_closes_it(trainee):
    attempt, _ = start(trainee, utcnow() - timedelta(hours=1))
    seen = services.get_attempt(trainee, attempt.id, utcnow())
    assert seen.status == "submitted" and seen.auto_submitted


def test_attempt_limit(trainee):
    now = utcnow()
    for n in range(2):
        attempt, _ = start(trainee, now + timedelta(minutes=20 * n), seed=n)
        services.submit(attempt, now + timedelta(minutes=20 * n + 1))
        db.session.commit()
    with pytest.raises(Conflict) as refused:
        start(trainee, now + timedelta(hours=2))
    assert "2 次机会" in refused.value.message


def test_retake_draws_fresh_questions_where_the_bank_allows(trainee, make_user):
    # demo-bank has one question per type, so a retake draws the same five, options reshuffled.
    now = utcnow()
    first, _ = start(trainee, now, seed=1)
    services.submit(first, now)
    db.session.commit()
    second, _ = start(trainee, now + timedelta(minutes=1), seed=2)
    assert {i.question_id for i in first.items} == {i.question_id for i in second.items}
    assert second.number == 2


def test_double_submit_returns_the_same_result(trainee, passed_signals):
    now = utcnow()
    attempt, _ = start(trainee, now)
    for item in attempt.items:
        services.save_answer(trainee, attempt, item.question_id, right_response(item), now)
    first, graded_first = services.submit(attempt, now)
    second, graded_second = services.submit(attempt, now + timedelta(seconds=1))
    assert graded_first and not graded_second
    assert second.percent == first.percent == 100 and second.submitted_at == now
    assert len(passed_signals) == 1


def test_concurrent_double_submit_grades_once(app, trainee, passed_signals):
    """Two requests submit at the same instant (two sessions, two connections): one grades, one reads."""
    now = utcnow()
    attempt, _ = start(trainee, now)
    for item in attempt.items:
        services.save_answer(trainee, attempt, item.question_id, right_response(item), now)
    db.session.commit()
    attempt_id = attempt.id
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def submit_in_thread():
        try:
            with app.app_context():
                mine = db.session.get(QuizAttempt, attempt_id)
                barrier.wait(timeout=10)
                result, graded = services.submit(mine, now)
                db.session.commit()
                outcomes.append((graded, result.percent, result.passed))
                db.session.remove()
        except Exception as error:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=submit_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(outcomes) == [(False, 100.0, True), (True, 100.0, True)]
    assert len(passed_signals) == 1
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt_id).status == "submitted"


def test_save_checks_ownership_and_shape(trainee, people):
    from trainer.errors import Forbidden, NotFound, ValidationFailed

    now = utcnow()
    attempt, _ = start(trainee, now)
    single = attempt.items[0]
    with pytest.raises(Forbidden):
        services.save_answer(people["trainee_west"], attempt, single.question_id, [0], now)
    with pytest.raises(ValidationFailed):
        services.save_answer(trainee, attempt, single.question_id, [9], now)
    with pytest.raises(ValidationFailed):
        services.save_answer(trainee, attempt, "1", [0], now)
    with pytest.raises(NotFound):
        services.save_answer(trainee, attempt, 999999, [0], now)
    cleared = services.save_answer(trainee, attempt, single.question_id, [], now)
    assert cleared.response == []
