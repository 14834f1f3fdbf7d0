"""Exam submissions at a deadline rush (trainer/quiz/deferred.py): closed in the request, graded moments later
by the process's grading queue, exactly once, with the same numbers the trainee was shown."""

import random
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.services.test_quiz_attempts import right_response
from trainer.courses.models import Module
from trainer.extensions import db
from trainer.quiz import deferred, grading, services
from trainer.quiz.exams import get_exam
from trainer.quiz.models import QuizAttempt, ReviewCard
from trainer.timeutil import utcnow


def _answered_exam(user, now, right: int = 4):
    """An exam attempt with ``right`` of its five questions answered correctly (pass mark 80 %)."""
    attempt, _ = services.start_exam(user, get_exam("demo-exam", user), now, random.Random(3))
    for item in attempt.items[:right]:
        services.save_answer(user, attempt, item.question_id, right_response(item), now)
    db.session.commit()
    return attempt


def _passes(signals) -> list[int]:
    return [kwargs["attempt_id"] for _sender, kwargs in signals]


def _stored(attempt_id) -> QuizAttempt:
    db.session.expire_all()
    return db.session.get(QuizAttempt, attempt_id)


def _cards(user) -> int:
    return db.session.scalar(select(func.count(ReviewCard.id)).where(ReviewCard.user_id == user.id))


def test_a_deferred_submission_closes_the_attempt_and_shows_the_grades_it_will_store(app, trainee, passed_signals):
    app.config["QUIZ_GRADING"] = "deferred"
    now = utcnow()
    attempt = _answered_exam(trainee, now)
    assert deferred.submit(attempt, now) is True
    shown = (attempt.status, attempt.percent, attempt.passed, attempt.points)
    assert shown == ("submitted", 80.0, True, 8.0)  # the trainee sees the result at once
    db.session.commit()
    stored = _stored(attempt.id)
    assert stored.status == grading.GRADING and stored.percent is None  # not written yet
    assert _cards(trainee) == 0 and passed_signals == []
    with pytest.raises(services.AttemptClosed):  # closed to answers from the moment it was submitted
        services.save_answer(trainee, stored, stored.items[4].question_id, right_response(stored.items[4]), now)
    db.session.rollback()

    read = services.get_attempt(trainee, attempt.id, now)  # a page in the meantime: graded in memory only
    assert (read.status, read.percent, read.passed) == ("submitted", 80.0, True)
    assert _stored(attempt.id).status == grading.GRADING

    assert deferred.grade_and_commit([attempt.id]) == 1
    stored = _stored(attempt.id)
    assert (stored.status, stored.percent, stored.passed, stored.points) == shown
    assert stored.submitted_at == now and not stored.auto_submitted
    assert _cards(trainee) == 1 and _passes(passed_signals) == [attempt.id]  # the one missed question, the pass, once
    assert deferred.grade_and_commit([attempt.id]) == 0  # exactly once, however often it is queued
    assert _cards(trainee) == 1 and _passes(passed_signals) == [attempt.id]


def test_submitting_again_while_grades_are_written_returns_the_same_result(app, trainee, passed_signals):
    app.config["QUIZ_GRADING"] = "deferred"
    now = utcnow()
    attempt = _answered_exam(trainee, now, right=2)
    assert deferred.submit(attempt, now)
    db.session.commit()
    again = _stored(attempt.id)
    assert deferred.submit(again, now + timedelta(seconds=1)) is False  # nothing new to queue
    assert (again.status, again.percent, again.passed) == ("submitted", 40.0, False)
    db.session.commit()
    assert deferred.grade_and_commit([attempt.id]) == 1
    assert _stored(attempt.id).percent == 40.0 and passed_signals == []


def test_auto_defers_only_while_another_submission_is_in_progress(app, trainee, people):
    app.config["QUIZ_GRADING"] = "auto"
    now = utcnow()
    quiet = _answered_exam(trainee, now)
    assert deferred.submit(quiet, now) is False  # a quiet exam is graded in its own request
    db.session.commit()
    assert _stored(quiet.id).status == "submitted" and _stored(quiet.id).percent == 80.0

    busy = _answered_exam(people["trainee_west"], now)
    with deferred.grader(app).traffic.submitting():  # another request of this process is submitting
        assert deferred.submit(busy, now) is True
    db.session.commit()
    assert _stored(busy.id).status == grading.GRADING


def test_inline_mode_and_practice_quizzes_grade_in_the_request(app, trainee, content):
    app.config["QUIZ_GRADING"] = "inline"
    now = utcnow()
    attempt = _answered_exam(trainee, now)
    assert deferred.submit(attempt, now) is False
    db.session.commit()
    assert _stored(attempt.id).status == "submitted"
    app.config["QUIZ_GRADING"] = "deferred"
    module = db.session.scalar(select(Module).where(Module.quiz_bank_key.is_not(None)).limit(1))
    practice, _ = services.start_practice(trainee, module, now, random.Random(1))
    db.session.commit()
    assert deferred.submit(practice, now) is False
    db.session.commit()
    assert _stored(practice.id).status == "submitted"


def test_an_unknown_mode_stops_the_start_up(_schema, tmp_path):
    from trainer import create_app

    with pytest.raises(ValueError, match="QUIZ_GRADING must be one of auto, deferred, inline"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _schema, "SECRET_KEY": "t",
                    "AUDIO_DIR": str(tmp_path), "QUIZ_GRADING": "later"})


def test_submissions_a_stopped_process_left_waiting_are_swept(app, trainee, people):
    app.config["QUIZ_GRADING"] = "deferred"
    now = utcnow()
    stranded = _answered_exam(trainee, now - timedelta(minutes=5))
    assert deferred.submit(stranded, now - timedelta(minutes=5))  # queued in a process that then stopped
    recent = _answered_exam(people["trainee_west"], now)
    assert deferred.submit(recent, now)
    db.session.commit()
    assert deferred.grade_and_commit([]) == 1  # any batch also takes attempts waiting for over a minute
    assert _stored(stranded.id).status == "submitted" and _stored(recent.id).status == grading.GRADING

    from trainer.quiz.cli import quiz

    result = app.test_cli_runner().invoke(quiz, ["close-expired"])  # cron grades whatever is still waiting
    assert result.exit_code == 0 and "graded 1 waiting submission(s)" in result.output
    assert _stored(recent.id).status == "submitted" and _stored(recent.id).percent == 80.0


def test_the_grading_queue_waits_for_a_lull_and_grades_in_one_batch(app, trainee, people):
    app.config.update(QUIZ_GRADING="deferred", QUIZ_GRADING_SETTLE_SECONDS=0.3, QUIZ_GRADING_MAX_DELAY_SECONDS=5)
    now = utcnow()
    attempts = [_answered_exam(people[name], now) for name in ("trainee_east", "trainee_west")]
    state = deferred.grader(app)
    for attempt in attempts:
        with state.traffic.submitting():
            assert deferred.submit(attempt, now)
        db.session.commit()
        deferred.enqueue(attempt.id)
    deadline = time.monotonic() + 30
    while len(state.queue) or sum(state.queue.batches) < 2:
        assert time.monotonic() < deadline, "the grading queue never finished"
        time.sleep(0.02)
    assert state.queue.batches == [2]  # both gathered while the submissions kept coming
    assert [_stored(a.id).status for a in attempts] == ["submitted", "submitted"]


def test_traffic_counts_submissions_in_progress_and_the_quiet_since():
    clock = [100.0]
    traffic = deferred.Traffic(clock=lambda: clock[0])
    with traffic.submitting() as others:
        assert others == 0 and traffic.quiet_for() == 0.0
        with traffic.submitting() as others_then:
            assert others_then == 1
    clock[0] = 101.5
    assert traffic.quiet_for() == 1.5
