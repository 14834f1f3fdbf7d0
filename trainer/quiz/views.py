"""Learner pages: exams, the attempt page (driven by static/js/exam.js through /api/v1), the review of a
submitted attempt, module practice quizzes, and the daily review. Trainer pages are in ``manage.py``."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from trainer import gates
from trainer.courses.services import get_module
from trainer.errors import ValidationFailed
from trainer.extensions import db
from trainer.ids import db_int
from trainer.question_types import QUESTION_TYPES
from trainer.quiz import completion, deferred, present, review, services
from trainer.quiz import exams as exam_rules
from trainer.quiz.models import QuizAttempt
from trainer.timeutil import to_local, utcnow
from trainer.unit_of_work import then
from trainer.widgets import home_widget

bp = Blueprint("quiz", __name__)


@bp.app_template_filter("local_time")
def local_time(moment) -> str:
    return "" if moment is None else to_local(moment).strftime("%Y-%m-%d %H:%M")


def _open_exam_attempts(user) -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.status == "open", QuizAttempt.mode == "exam")))


def _fresh(response):
    """Pages whose buttons depend on a running attempt are never served from the browser's cache, so the
    back button after starting shows 继续考试, not a stale 开始考试."""
    response = make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _running_by_exam(user, now) -> tuple[dict, dict]:
    """(open attempts, attempts past their deadline) per exam id. Time computed on read: an attempt past its
    deadline is no longer running, and its result is on its review page; the next start (or cron) closes it
    in the database (trainer/quiz/expiry.py)."""
    attempts = _open_exam_attempts(user)
    return ({a.exam_id: a for a in attempts if not services.is_expired(a, now)},
            {a.exam_id: a for a in attempts if services.is_expired(a, now)})


@bp.route("/exams")
@login_required
def exams():
    running, expired = _running_by_exam(current_user, utcnow())
    staff = current_user.role in ("trainer", "admin")
    offered = exam_rules.exams_for(current_user)
    return _fresh(render_template(
        "quiz/exams.html", exams=offered, used=services.best_results(current_user),
        open_by_exam=running, expired_by_exam=expired,
        locks={e.id: gates.lock_for(current_user, "exam", e.key) for e in offered},
        managed=exam_rules.manageable_exams(current_user) if staff else [], form=FlaskForm(),
    ))


@bp.route("/exams/<key>/start")
@login_required
def confirm_exam(key: str):
    """The rules (time, questions, pass mark, attempts left) and a 确认开始 button; nothing starts until its POST."""
    exam = exam_rules.get_exam(key, current_user)
    running, expired = _running_by_exam(current_user, utcnow())
    used, best, passed = services.best_results(current_user).get(exam.id, (0, None, False))
    return _fresh(render_template(
        "quiz/exam_confirm.html", exam=exam, running=running.get(exam.id), expired=expired.get(exam.id),
        used=used, best=best, passed=passed, lock=gates.lock_for(current_user, "exam", exam.key),
        left=None if not exam.max_attempts else max(0, exam.max_attempts - used), form=FlaskForm(),
    ))


@bp.route("/exams/<key>/start", methods=["POST"])
@login_required
def start_exam(key: str):
    """The confirmation page's button posts here without JavaScript; with it, exam.js calls the API instead."""
    attempt, _created = services.start_exam(current_user, exam_rules.get_exam(key, current_user), utcnow())
    return redirect(url_for("quiz.attempt_page", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt_page(attempt_id: int):
    now = utcnow()
    attempt = services.get_attempt(current_user, attempt_id, now)
    if attempt.user_id != current_user.id or attempt.status != "open":
        return redirect(url_for("quiz.review_attempt", attempt_id=attempt.id))
    state = present.attempt_json(services.with_questions(attempt), now, services.exam_secrets(current_user, now))
    return _fresh(render_template("quiz/attempt.html", attempt=attempt, state=state, form=FlaskForm()))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit_attempt(attempt_id: int):
    now = utcnow()
    attempt = services.get_attempt(current_user, attempt_id, now, write=True)
    try:
        graded_later = deferred.submit(attempt, now)
    except services.ExamSecret as refused:  # a practice quiz holding questions of the running exam: back to it
        flash(refused.message, "error")
        return redirect(url_for("quiz.attempt_page", attempt_id=attempt.id))
    review = url_for("quiz.review_attempt", attempt_id=attempt.id)
    if not graded_later:
        return redirect(review)

    def enqueued():
        deferred.enqueue(attempt.id)  # after the commit: the grading thread may take it now
        return redirect(review)

    return then(enqueued)


@bp.route("/attempts/<int:attempt_id>/review")
@login_required
def review_attempt(attempt_id: int):
    now = utcnow()
    attempt = services.get_attempt(current_user, attempt_id, now)
    if attempt.status != "submitted":
        if attempt.user_id == current_user.id:
            return redirect(url_for("quiz.attempt_page", attempt_id=attempt.id))
        flash("学员还没有交卷。", "info")
        return redirect(request.referrer or url_for("quiz.exams"))
    result = present.result_json(services.with_questions(attempt), services.exam_secrets(current_user, now))
    return render_template("quiz/review_attempt.html", attempt=attempt, result=result)


@bp.route("/modules/<key>/quiz")
@login_required
def practice(key: str):
    module = get_module(key)
    if not module.quiz_bank_key:
        abort(404)
    return render_template(
        "quiz/practice.html", module=module, attempts=services.attempts_in(current_user, module=module),
        completed=completion.is_completed(current_user, module), form=FlaskForm(),
    )


@bp.route("/modules/<key>/quiz/start", methods=["POST"])
@login_required
def start_practice(key: str):
    attempt, _created = services.start_practice(current_user, get_module(key), utcnow())
    return redirect(url_for("quiz.attempt_page", attempt_id=attempt.id))


# --- daily review ---------------------------------------------------------------------------------------

def _ints(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError as exc:
        raise ValidationFailed("答案格式不正确。", f"not integers: {values!r}") from exc


@bp.route("/review")
@login_required
def daily_review():
    now = utcnow()
    done = request.args.get("done", 0, type=db_int)
    held = services.exam_secrets(current_user, now)  # cards of a running exam's questions wait until it is handed in
    card = review.next_card(current_user, now, held) if done < review.SESSION_SIZE else None
    order = review.shuffled_order(card.question) if card else []
    return render_template(
        "quiz/daily.html", card=card, order=order, done=done, due=review.due_count(current_user, now, held),
        session_size=review.SESSION_SIZE, form=FlaskForm(),
    )


@bp.route("/review/<int:card_id>", methods=["POST"])
@login_required
def answer_review(card_id: int):
    card = review.get_card(current_user, card_id)
    if card is None:
        abort(404)
    done = request.form.get("done", 0, type=db_int)
    if card.question_id in services.exam_secrets(current_user, utcnow()):
        flash("考试进行中:这道题也在您正在作答的考试里,交卷后再复习。", "warning")
        return redirect(url_for("quiz.daily_review", done=done))
    question = card.question
    kind = QUESTION_TYPES[question.type]
    try:
        raw = kind.from_form(request.form)  # the shapes the API takes
    except ValueError as exc:
        raise ValidationFailed("答案格式不正确。", f"not integers: {request.form!r}") from exc
    if not kind.complete(raw):
        flash("请先作答(排序题每一步选不同的选项)。", "warning")
        return redirect(url_for("quiz.daily_review", done=done))
    try:
        outcome = review.answer_card(current_user, card, raw, _ints(request.form.get("order", "").split(",")
                                                                     if request.form.get("order") else []), utcnow())
    except ValueError as error:
        raise ValidationFailed("答案格式不正确,请刷新页面后重试。", str(error)) from error
    return render_template(
        "quiz/daily_feedback.html", card=card, question=question, outcome=outcome, done=done + 1,
        due=review.due_count(current_user, utcnow(), services.exam_secrets(current_user, utcnow())),
        session_size=review.SESSION_SIZE,
    )


@home_widget("trainee", order=20)
def quiz_home_panel(user):
    now = utcnow()
    running = [a for a in _open_exam_attempts(user) if not services.is_expired(a, now)]
    due = review.due_count(user, now, services.exam_secrets(user, now))
    return "home/_quiz.html", {"due": due, "open_attempts": running}


from trainer.quiz import manage  # noqa: E402,F401  (trainer pages register on the same blueprint)
