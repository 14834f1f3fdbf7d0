"""Grading submitted attempts, one or hundreds at a time, in a fixed number of statements (issue 18).

Exactly once: an attempt is graded only by whoever's conditional UPDATE moved it to ``submitted``. From
``open``, in the transaction that grades it: ``services.submit`` for one attempt, :func:`claim_expired` for
attempts past their deadline. From ``grading``: an exam submitted at a deadline rush is only closed in its
request (``open`` → ``grading``, no answer accepted from then on) and :func:`grade_ids` claims it moments later
from the process's grading queue (trainer/quiz/deferred.py), while pages show the result computed in memory
from the same frozen keys (trainer/quiz/expiry.py). Whoever loses a race reads the stored result.

Grading reads every item of the finished attempts in one query, scores each from the answer key frozen in
the item, writes the credits in one executemany and the totals in another, feeds the review cards in one
batch (``review.record_many``) and sends ``quiz_submitted`` (and ``exam_passed``) once per attempt, inside the
same transaction, so a rollback undoes all of it together.
"""

import json
import math
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from trainer.extensions import db
from trainer.quiz import marking, review
from trainer.quiz.completion import check_module_completion
from trainer.quiz.models import QuizAttempt, QuizItem
from trainer.signals import exam_passed, quiz_submitted

BATCH = 200  # attempts per close-expired transaction: short write locks, bounded memory


GRADING = "grading"  # submitted (closed to answers), credits and results not yet written


def claim_expired(ids: list[int]) -> list[int]:
    """Submit these attempts automatically, dated at their deadlines, if still open; the ids this call moved,
    which the caller must now :func:`grade` in the same transaction (a concurrent submit or close keeps the
    others)."""
    if not ids:
        return []
    return list(db.session.scalars(
        update(QuizAttempt).where(QuizAttempt.id.in_(ids), QuizAttempt.status == "open")
        .values(status="submitted", submitted_at=QuizAttempt.deadline_at, auto_submitted=True)
        .returning(QuizAttempt.id), execution_options={"synchronize_session": False}))


def grade_ids(ids: list[int]) -> int:
    """Claim those of ``ids`` still waiting for their grades (``grading`` → ``submitted``) and grade them;
    how many this call graded."""
    if not ids:
        return 0
    claimed = list(db.session.scalars(
        update(QuizAttempt).where(QuizAttempt.id.in_(ids), QuizAttempt.status == GRADING)
        .values(status="submitted").returning(QuizAttempt.id), execution_options={"synchronize_session": False}))
    if claimed:
        grade(load(claimed))
    return len(claimed)


def waiting(limit: int, submitted_before: datetime | None = None) -> list[int]:
    """Ids of submitted attempts still waiting for their grades, oldest first (the sweep's work)."""
    query = select(QuizAttempt.id).where(QuizAttempt.status == GRADING)
    if submitted_before is not None:
        query = query.where(QuizAttempt.submitted_at < submitted_before)
    return list(db.session.scalars(query.order_by(QuizAttempt.id).limit(limit)))


def load(ids: list[int]) -> list[QuizAttempt]:
    """Claimed attempts as objects for the signals' receivers (user, exam or module loaded with them)."""
    return list(db.session.scalars(
        select(QuizAttempt).options(selectinload(QuizAttempt.user), selectinload(QuizAttempt.exam),
                                    selectinload(QuizAttempt.module))
        .where(QuizAttempt.id.in_(ids)).order_by(QuizAttempt.id)
        .execution_options(populate_existing=True)))  # copies loaded before the claim still say 'open'


def grade(attempts: list[QuizAttempt]) -> None:
    """Score the claimed ``attempts`` (status already ``submitted``, ``submitted_at`` set) and record what
    follows from their results (review cards, time on task, module completion, passed exams)."""
    if not attempts:
        return
    results = _score(attempts)
    review.record_many([(a.user_id, results[a.id], a.submitted_at) for a in attempts])
    for attempt in attempts:
        _after(attempt, attempt.submitted_at)


def _score(attempts: list[QuizAttempt]) -> dict[int, list[tuple[int, float]]]:
    """Credits of every item and the attempts' totals; returns (question id, credit) per item, per attempt."""
    by_id = {a.id: a for a in attempts}
    rows = db.session.execute(
        select(QuizItem.id, QuizItem.attempt_id, QuizItem.question_id, QuizItem.points, QuizItem.checked,
               QuizItem.credit, QuizItem.response_json, QuizItem.type, QuizItem.answer_json, QuizItem.options_json)
        .where(QuizItem.attempt_id.in_(list(by_id))).order_by(QuizItem.attempt_id, QuizItem.position)
    ).all()
    earned, total = defaultdict(float), defaultdict(float)
    credits, results = [], defaultdict(list)
    for item_id, attempt_id, question_id, points, checked, credit, response, qtype, answer, options in rows:
        if not checked:  # a checked practice item keeps the credit it was shown
            response = None if response is None else json.loads(response)
            credit = marking.score(qtype, json.loads(answer), response, len(json.loads(options)))
            credits.append({"id": item_id, "credit": credit})
        earned[attempt_id] += credit * points
        total[attempt_id] += points
        results[attempt_id].append((question_id, credit))
    if credits:
        db.session.execute(update(QuizItem), credits)  # bulk UPDATE by primary key
        fresh = {c["id"]: c["credit"] for c in credits}
        for loaded in list(db.session.identity_map.values()):  # loaded copies must show the new credits
            if isinstance(loaded, QuizItem) and loaded.__dict__.get("id") in fresh:
                set_committed_value(loaded, "credit", fresh[loaded.id])
    totals = []
    for attempt in attempts:
        values = marking.totals(earned[attempt.id], total[attempt.id], attempt.pass_percent)
        totals.append({"id": attempt.id, **values})
        for name, value in values.items():
            set_committed_value(attempt, name, value)
    db.session.execute(update(QuizAttempt), totals)  # bulk UPDATE by primary key
    return results


def _after(attempt: QuizAttempt, when: datetime) -> None:
    user = attempt.user
    quiz_submitted.send(user, attempt=attempt, submitted_at=when)  # time on task; before completion may credit
    if attempt.mode == "practice" and attempt.passed and attempt.module is not None:
        check_module_completion(user, attempt.module, when)
    if attempt.mode == "exam" and attempt.passed:
        exam_passed.send(user, exam_key=attempt.exam.key, score=math.floor(attempt.percent + 1e-9),
                         attempt_id=attempt.id, passed_at=when)
