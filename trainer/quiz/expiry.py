"""An attempt shown graded before its grades are written: open past its deadline, or submitted at a rush.

Closing such an attempt is a write (status, credits, review cards, hours, the ``exam_passed`` signal), so it
happens on the next POST that touches it (an answer, a submit, starting the exam again) or in
``trainer quiz close-expired`` (cron). Until then a page shows it as it will be once closed: submitted
automatically at the deadline and graded from the answers saved in time. Those are the numbers
:func:`trainer.quiz.services.submit` will store, since no answer is accepted after ``deadline + GRACE``.
A submitted attempt whose grading was deferred (status ``grading``, a few seconds at a deadline rush) is
shown the same way, with its own submission time.
"""

from sqlalchemy.orm.attributes import set_committed_value

from trainer.quiz import marking
from trainer.quiz.models import QuizAttempt


def as_closed(attempt: QuizAttempt) -> QuizAttempt:
    """``attempt`` (open, past its deadline) shown submitted and graded, in memory only: the values are
    set as loaded state, so nothing is flushed, and the database still says ``open``."""
    return as_graded(attempt, submitted_at=attempt.deadline_at, auto_submitted=True)


def as_graded(attempt: QuizAttempt, **closing) -> QuizAttempt:
    """``attempt`` (its items loaded) shown submitted with the credits and totals grading stores, in memory
    only: an expired open attempt (:func:`as_closed`) or one submitted whose grades are still being written
    (status ``grading``, trainer/quiz/deferred.py). The answer keys are frozen in the items and no answer is
    accepted once the attempt is closed, so these are the numbers that will be stored."""
    earned = total = 0.0
    for item in attempt.items:
        credit = item.credit if item.checked else marking.score(item.type, item.answer, item.response, len(item.options))
        set_committed_value(item, "credit", credit)
        earned += (credit or 0.0) * item.points
        total += item.points
    values = {"status": "submitted", **closing, **marking.totals(earned, total, attempt.pass_percent)}
    for name, value in values.items():
        set_committed_value(attempt, name, value)
    return attempt


def unclosed(exam_id: int, deadline_before) -> int:
    """How many attempts of an exam are still open although their time ran out before ``deadline_before``
    (``now - GRACE``): results pages say they count once closed."""
    from sqlalchemy import func, select

    from trainer.extensions import db

    return db.session.scalar(select(func.count(QuizAttempt.id)).where(
        QuizAttempt.exam_id == exam_id, QuizAttempt.status == "open", QuizAttempt.deadline_at < deadline_before)) or 0
