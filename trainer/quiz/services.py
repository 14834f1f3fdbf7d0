"""Attempt lifecycle: start (or resume), save one answer, submit and grade, close expired attempts.

Guarantees (tested in tests/services/test_quiz_attempts.py):
- Every answer is saved as it is given, by an idempotent UPDATE of the item keyed by attempt+question.
- The deadline is the server's: an answer that arrives after ``deadline + GRACE`` is refused (409) and
  never stored; an attempt past its deadline is submitted automatically, with ``submitted_at`` = the
  deadline, by the first write that touches it (an answer, a submit, a new start, ``trainer quiz close-expired``);
  until then reading shows it closed without writing (trainer/quiz/expiry.py).
- ``open`` → ``submitted`` happens through ``UPDATE … WHERE status = 'open'``: of two concurrent submits
  exactly one grades; the other reads the same result. On PostgreSQL the answer save locks the attempt
  row (``SELECT … FOR UPDATE``) and its UPDATE also re-checks status and deadline, so an answer can never
  slip in between grading and the status change; on SQLite the single writer gives the same order.
- While a person's exam attempt runs, nothing tells them whether an answer to one of its questions is
  right (:func:`exam_secrets`; docs/quiz.md "考试期间题目保密"): practice quizzes drawn then leave those
  questions out, checking one or submitting a practice quiz that holds one is refused (403), and pages
  withhold their keys (trainer/quiz/present.py) and daily-review cards (trainer/quiz/review.py).
"""

import json
import math
import random
from datetime import datetime, timedelta

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from trainer import gates
from trainer.auth import policy
from trainer.auth.models import User
from trainer.content.clause_text import in_words
from trainer.courses.models import Module
from trainer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.inserts import insert_ignore
from trainer.quiz import exams as exam_rules
from trainer.quiz import grading, marking
from trainer.quiz.draw import DrawError, draw_exam, draw_practice
from trainer.quiz.expiry import as_closed, as_graded
from trainer.quiz.models import Exam, Question, QuizAttempt, QuizItem
from trainer.quiz.pool import Pool, pool_for

# Network slack: an answer sent in the last second still counts if it lands within this after the deadline.
GRACE = timedelta(seconds=5)


class AttemptClosed(Conflict):
    """The attempt no longer takes answers. The request keeps an automatic submission made on the way
    (trainer.unit_of_work.keep_on_error)."""


class ExamSecret(Forbidden):
    """Refused because the question is in the person's running exam (see :func:`exam_secrets`)."""


def exam_secrets(user: User, now: datetime) -> set[int]:
    """Ids of the questions in ``user``'s running exam attempts (open, deadline + GRACE not passed). Until
    those attempts are submitted, no answer, verdict or explanation of these questions is shown to ``user``."""
    return set(db.session.scalars(
        select(QuizItem.question_id).join(QuizAttempt, QuizItem.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.mode == "exam", QuizAttempt.status == "open",
               QuizAttempt.deadline_at >= now - GRACE)))


def _scope(exam: Exam | None = None, module: Module | None = None) -> str:
    return f"exam:{exam.id}" if exam is not None else f"module:{module.id}"


def is_expired(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def remaining_seconds(attempt: QuizAttempt, now: datetime) -> int | None:
    if attempt.deadline_at is None:
        return None
    return max(0, math.ceil((attempt.deadline_at - now).total_seconds()))


def attempts_in(user: User, exam: Exam | None = None, module: Module | None = None) -> list[QuizAttempt]:
    query = select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.scope == _scope(exam, module))
    return list(db.session.scalars(query.order_by(QuizAttempt.number)))


def _create(user: User, scope: str, previous: list[QuizAttempt], items, pool: Pool, now: datetime,
            **fields) -> QuizAttempt | None:
    """Insert attempt number len(previous)+1 with its items; None if a concurrent request inserted it first.

    Each item freezes its question's type, stem, options and answer key (see QuizItem), as of the pool the
    questions were drawn from. Two statements: the attempt, then every item in one executemany, so the write
    lock (SQLite's, for the whole database) is held as briefly as possible."""
    attempt_id = insert_ignore(QuizAttempt, user_id=user.id, scope=scope, number=len(previous) + 1, status="open",
                               started_at=now, auto_submitted=False,
                               max_points=sum(i.points for i in items), **fields)
    if attempt_id is None:
        return None
    db.session.execute(insert(QuizItem), [
        dict(attempt_id=attempt_id, question_id=item.question_id, position=position, **pool.snapshots[item.question_id],
             points=item.points, option_order_json=json.dumps(item.option_order), response_json=None, answered_at=None,
             checked=False, credit=None)
        for position, item in enumerate(items, start=1)])
    return db.session.get(QuizAttempt, attempt_id)


def _seen(previous: list[QuizAttempt]) -> set[int]:
    """Questions of earlier attempts (a retake prefers others), in one query rather than one per attempt."""
    if not previous:
        return set()
    return set(db.session.scalars(select(QuizItem.question_id).where(QuizItem.attempt_id.in_([a.id for a in previous]))))


def _open_or_none(previous: list[QuizAttempt]) -> QuizAttempt | None:
    return next((a for a in previous if a.status == "open"), None)


def start_exam(user: User, exam: Exam, now: datetime, rng: random.Random | None = None) -> tuple[QuizAttempt, bool]:
    """Resume the open attempt, or draw a new one. Returns (attempt, created)."""
    if not exam_rules.can_take(user, exam):
        raise Forbidden("该考试未向您开放。", f"exam {exam.key} not offered to user {user.id}")
    close_expired(now, user=user)
    previous = attempts_in(user, exam=exam)
    current = _open_or_none(previous)
    if current is not None:
        return current, False
    gates.require_unlocked(user, "exam", exam.key)  # a learning path's order (trainer/gates.py); resuming is never refused
    if exam.max_attempts and len(previous) >= exam.max_attempts:
        raise Conflict(f"您已用完本考试的 {exam.max_attempts} 次机会。",
                       f"user {user.id} used {len(previous)}/{exam.max_attempts} attempts of {exam.key}")
    seen = _seen(previous)
    rules = exam.rules
    pool = pool_for(b for r in rules for b in r.banks)
    try:
        items = draw_exam(rules, pool.candidates, rng or random.Random(), seen=seen,
                          shuffle_options=exam.shuffle_options, apart=pool.apart)
    except DrawError as error:
        raise Conflict("题库中的题目不足,暂时无法开始考试,请联系培训师。", f"exam {exam.key}: {error}") from error
    attempt = _create(user, _scope(exam=exam), previous, items, pool, now, mode="exam", exam_id=exam.id,
                      deadline_at=now + timedelta(minutes=exam.duration_minutes), pass_percent=exam.pass_percent)
    if attempt is None:  # a double click started it in a parallel request
        return _open_or_none(attempts_in(user, exam=exam)), False
    return attempt, True


def start_practice(user: User, module: Module, now: datetime, rng: random.Random | None = None) -> tuple[QuizAttempt, bool]:
    if not module.quiz_bank_key:
        raise NotFound("本单元没有章节测验。", f"module {module.key} has no quiz")
    previous = attempts_in(user, module=module)
    current = _open_or_none(previous)
    if current is not None:
        return current, False
    pool = pool_for([module.quiz_bank_key])
    candidates = pool.candidates
    if not candidates:
        raise Conflict("题库中没有题目,暂时无法测验。", f"bank {module.quiz_bank_key} is empty")
    secret = exam_secrets(user, now)
    candidates = [c for c in candidates if c.id not in secret]
    if not candidates:
        raise ExamSecret("本测验的题目都在您正在进行的考试中,请先交卷,再做章节测验。",
                         f"user {user.id}: every question of bank {module.quiz_bank_key} is in a running exam")
    seen = _seen(previous)
    items = draw_practice(candidates, min(module.quiz_count, len(candidates)), rng or random.Random(), seen=seen)
    attempt = _create(user, _scope(module=module), previous, items, pool, now, mode="practice", module_id=module.id,
                      deadline_at=None, pass_percent=module.quiz_pass_percent)
    if attempt is None:
        return _open_or_none(attempts_in(user, module=module)), False
    return attempt, True


def get_attempt(user: User, attempt_id: int, now: datetime, *, write: bool = False) -> QuizAttempt:
    """The attempt if ``user`` may see it (owner; staff who can see the owner) or write to it (owner only).

    Read (not ``write``), an expired open attempt is shown closed without writing (trainer/quiz/expiry.py):
    the next POST or ``trainer quiz close-expired`` submits it.
    """
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None:
        raise NotFound("找不到这次作答。", f"no attempt {attempt_id}")
    if attempt.user_id != user.id and (write or not policy.can_see_user(user, attempt.user)):
        raise Forbidden("这不是您的作答。", f"user {user.id} may not {'write' if write else 'read'} attempt {attempt_id}")
    if not write and attempt.status == "open" and is_expired(attempt, now):
        as_closed(with_questions(attempt, questions=True))  # writers (save, submit) deal with the deadline themselves
    elif not write and attempt.status == grading.GRADING:
        as_graded(with_questions(attempt, questions=True))  # its grades are being written: show them now
    return attempt


def with_questions(attempt: QuizAttempt, *, questions: bool | None = None) -> QuizAttempt:
    """Load the attempt's items, and their questions (for explanations and sources) in a second query.

    ``questions`` None: unless the attempt is a running exam, which shows nothing but the frozen items (the
    exam's start response lists fifty of them, to a thousand trainees at once)."""
    if questions is None:
        questions = not (attempt.mode == "exam" and attempt.status == "open")
    query = select(QuizItem).where(QuizItem.attempt_id == attempt.id).order_by(QuizItem.position)
    if questions:  # only what feedback() shows; the item holds the question as drawn
        query = query.options(selectinload(QuizItem.question).load_only(Question.explanation, Question.source))
    items = list(db.session.scalars(query))
    set_committed_value(attempt, "items", items)  # loaded state, not a change to flush
    return attempt


def _lock(attempt: QuizAttempt) -> str:
    """Fresh status, holding the attempt's row lock until commit (PostgreSQL). SQLite has one writer at a time
    and the answer's UPDATE re-checks the status, so the status this request loaded serves."""
    if db.session.get_bind().dialect.name == "sqlite":
        return attempt.status
    return db.session.execute(
        select(QuizAttempt.status).where(QuizAttempt.id == attempt.id).with_for_update()
    ).scalar_one()


def _item_for(attempt: QuizAttempt, question_id) -> QuizItem:
    if not isinstance(question_id, int) or isinstance(question_id, bool):
        raise ValidationFailed("缺少题目编号。", "question_id must be an integer")
    item = db.session.scalar(select(QuizItem).where(QuizItem.attempt_id == attempt.id, QuizItem.question_id == question_id))
    if item is None:
        raise NotFound("本次作答中没有这道题。", f"question {question_id} is not in attempt {attempt.id}")
    return item


def feedback(item: QuizItem) -> dict:
    """What a practice quiz shows once an answer is checked (and every review page shows): the answer key
    frozen in the attempt, the question's current explanation and source."""
    return {
        "credit": item.credit, "correct": (item.credit or 0) >= 1.0,
        "answer": marking.to_shown(item.type, item.answer, item.option_order),
        "explanation": item.question.explanation, "source": item.question.source,
        # The same in words, for the page's script (citations by document and clause: trainer.content.clause_text)
        "explanation_text": in_words(item.question.explanation), "source_text": in_words(item.question.source),
    }


def save_answer(user: User, attempt: QuizAttempt, question_id, raw_response, now: datetime, *, check: bool = False) -> QuizItem:
    """Store the learner's current response to one question (idempotent).

    ``raw_response`` uses the option positions as shown in this attempt. ``check`` (practice only) also
    scores the item and locks it, so the feedback can be shown. Raises AttemptClosed after the deadline.
    """
    item = _writable_item(user, attempt, question_id, now)
    option_count = len(item.options)
    try:
        cleaned = marking.RESPONSE_CHECKERS[item.type](raw_response, option_count)
    except ValueError as error:
        raise ValidationFailed("答案格式不正确。", f"question {item.question_id} ({item.type}): {error}") from error
    response = marking.to_original(item.type, cleaned, item.option_order)
    check = check and attempt.mode == "practice"
    if check and item.question_id in exam_secrets(user, now):
        raise ExamSecret("考试进行中:这道题也在您正在作答的考试里,交卷后才能核对答案。",
                         f"user {user.id} may not check question {item.question_id} during an exam")
    if item.checked:
        if item.response == response:
            return item  # a retried request: the same answer was already checked
        raise Conflict("这道题已经核对过,不能再修改。", f"item {item.id} is checked")
    values = {"response_json": json.dumps(response, ensure_ascii=False), "answered_at": now}
    if check:
        values |= {"checked": True, "credit": marking.score(item.type, item.answer, response, option_count)}
    return _update_open_item(attempt, item, values, now, QuizItem.checked.is_(False))


def set_marked(user: User, attempt: QuizAttempt, question_id, marked: bool, now: datetime) -> QuizItem:
    """Mark (or unmark) one question for review, the 答题卡's flag; idempotent, with the same deadline and
    closed-attempt rules as an answer. The mark never affects grading."""
    if not isinstance(marked, bool):
        raise ValidationFailed("标记值应为 true 或 false。", f"marked must be a boolean, not {marked!r}")
    item = _writable_item(user, attempt, question_id, now)
    if item.marked == marked:
        return item
    return _update_open_item(attempt, item, {"marked": marked}, now)


def _writable_item(user: User, attempt: QuizAttempt, question_id, now: datetime) -> QuizItem:
    """The item of ``question_id`` if ``user`` may still write to ``attempt``; submits an expired attempt
    (and raises AttemptClosed) on the way."""
    if attempt.user_id != user.id:
        raise Forbidden("这不是您的作答。", f"user {user.id} may not write attempt {attempt.id}")
    if _lock(attempt) != "open":
        raise AttemptClosed("本次作答已交卷,答案未保存。", f"attempt {attempt.id} is submitted")
    if is_expired(attempt, now):
        submit(attempt, now)
        raise AttemptClosed("考试时间已到,系统已自动交卷,这道题的答案未保存。", f"attempt {attempt.id} expired at {attempt.deadline_at}")
    return _item_for(attempt, question_id)


def _update_open_item(attempt: QuizAttempt, item: QuizItem, values: dict, now: datetime, *conditions) -> QuizItem:
    """One UPDATE of the item that only lands while the attempt is open and within its deadline."""
    still_open = exists().where(
        QuizAttempt.id == attempt.id, QuizAttempt.status == "open",
        or_(QuizAttempt.deadline_at.is_(None), QuizAttempt.deadline_at >= now - GRACE),
    )
    result = db.session.execute(
        update(QuizItem).where(QuizItem.id == item.id, still_open, *conditions).values(**values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise AttemptClosed("本次作答已交卷,答案未保存。", f"attempt {attempt.id} closed while saving")
    for name, value in values.items():  # the row now holds these; no need to read it back
        set_committed_value(item, name, value)
    return item


def submit(attempt: QuizAttempt, now: datetime, *, defer: bool = False) -> tuple[QuizAttempt, bool]:
    """Submit and grade once. Returns (attempt, submitted_now); a second submit returns the stored result.

    Past the deadline the submission is automatic and dated at the deadline, whoever triggers it. ``defer``:
    only close the attempt (status ``grading``) and leave the grading to the caller's queue after the commit
    (trainer/quiz/deferred.py); the attempt is then shown graded in memory, as grading will store it.
    """
    if attempt.mode == "practice" and attempt.status == "open" and \
            exam_secrets(attempt.user, now) & {i.question_id for i in attempt.items}:
        raise ExamSecret("考试进行中:本测验里有您正在作答的考试题目,请先交考试试卷,再提交本测验。",
                         f"practice attempt {attempt.id} shares questions with a running exam of user {attempt.user_id}")
    auto = attempt.deadline_at is not None and now > attempt.deadline_at + GRACE
    when = attempt.deadline_at if auto else now
    result = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.status == "open")
        .values(status=grading.GRADING if defer else "submitted", submitted_at=when, auto_submitted=auto),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.refresh(attempt)  # submitted by whoever won: read their result
        if attempt.status == grading.GRADING:
            as_graded(with_questions(attempt, questions=True))
        return attempt, False
    if defer:  # closed to answers; shown with the grades the queue will write
        as_graded(with_questions(attempt, questions=False), submitted_at=when, auto_submitted=auto)
        return attempt, True
    for name, value in {"status": "submitted", "submitted_at": when, "auto_submitted": auto}.items():
        set_committed_value(attempt, name, value)  # what the row now holds
    grading.grade([attempt])
    return attempt, True


def close_expired(now: datetime, *, user: User | None = None, exam: Exam | None = None,
                  limit: int | None = None) -> int:
    """Submit every open attempt past its deadline (optionally one user's or one exam's, at most ``limit``,
    oldest first), graded in batches of ``grading.BATCH``; returns the count. ``trainer quiz close-expired``
    passes a limit and commits after each call, so no transaction holds the write lock for long."""
    query = select(QuizAttempt.id).where(QuizAttempt.status == "open", QuizAttempt.deadline_at.is_not(None),
                                         QuizAttempt.deadline_at < now - GRACE)
    if user is not None:
        query = query.where(QuizAttempt.user_id == user.id)
    if exam is not None:
        query = query.where(QuizAttempt.exam_id == exam.id)
    ids = list(db.session.scalars(query.order_by(QuizAttempt.id).limit(limit)))
    closed = 0
    for start in range(0, len(ids), grading.BATCH):
        claimed = grading.claim_expired(ids[start:start + grading.BATCH])
        grading.grade(grading.load(claimed))
        closed += len(claimed)
    return closed


def best_results(user: User) -> dict[int, tuple[int, float | None, bool]]:
    """Per exam id: (attempts used, best percent, passed ever), for the exam list."""
    rows = db.session.execute(
        select(QuizAttempt.exam_id, func.count(QuizAttempt.id), func.max(QuizAttempt.percent),
               func.max(QuizAttempt.passed.cast(db.Integer)))
        .where(QuizAttempt.user_id == user.id, QuizAttempt.mode == "exam").group_by(QuizAttempt.exam_id)
    ).all()
    return {exam_id: (count, best, bool(passed)) for exam_id, count, best, passed in rows}
