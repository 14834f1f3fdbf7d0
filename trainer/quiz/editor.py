"""Trainer pages of the question-bank editor (registered on the ``quiz`` blueprint): a bank's questions with
search and filters, add / edit / retire / restore a question, preview it as a trainee sees it, start an empty
bank. Thin: the rules are in ``editing.py`` (and who may read or change a bank in trainer/auth/policy.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from trainer.auth import policy
from trainer.auth.policy import roles_required
from trainer.content.questions import QUESTION_TYPE_LABELS
from trainer.ids import db_int
from trainer.question_types import QUESTION_TYPES
from trainer.quiz import banks, editing
from trainer.quiz.forms import NewBankForm, QuestionForm
from trainer.quiz.views import bp
from trainer.unit_of_work import discard
from trainer.web import flash_errors

STAFF = ("trainer", "admin")


def _writable(key: str):
    """The bank, if the user may change it: 403 with the reason (shipped bank, another unit's) otherwise."""
    bank = banks.readable_bank(current_user, key)
    banks.require_writable(current_user, bank)
    return bank


def _filter() -> editing.QuestionFilter:
    args = request.args
    return editing.QuestionFilter(
        text=args.get("q", "")[:200], type=args.get("type", "") if args.get("type") in QUESTION_TYPES else "",
        tag=args.get("tag", "")[:80], source=args.get("source", "")[:80], retired=args.get("retired") == "1",
        page=args.get("page", 1, type=db_int) or 1,
    )


@bp.route("/banks/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_bank():
    form = NewBankForm()
    if form.validate_on_submit():
        with flash_errors() as outcome:
            bank = editing.create_bank(current_user, form.title.data)
        if outcome.ok:
            flash(f"已新建题库“{bank.title}”,现在可以添加题目。", "success")
            return redirect(url_for("quiz.bank_detail", key=bank.key))
    return render_template("quiz/bank_new.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/banks/<key>")
@roles_required(*STAFF)
def bank_detail(key: str):
    bank = banks.readable_bank(current_user, key)
    wanted = _filter()
    return render_template(
        "quiz/bank_detail.html", bank=bank, wanted=wanted, listing=editing.browse(bank, wanted),
        writable=policy.can_write_bank(current_user, bank), labels=QUESTION_TYPE_LABELS,
        code_of=banks.code_of, form=FlaskForm(),
    )


def _question_page(bank, form: QuestionForm, question=None, problems=()):
    return render_template("quiz/bank_question.html", bank=bank, form=form, question=question, problems=problems,
                           types=QUESTION_TYPES, code=banks.code_of(bank, question) if question else "")


@bp.route("/banks/<key>/questions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_question(key: str):
    bank = _writable(key)
    form = QuestionForm()
    if request.method == "GET":
        form.type.data = request.args.get("type") if request.args.get("type") in QUESTION_TYPES else "single"
    if form.validate_on_submit():
        try:
            question = editing.add_question(current_user, bank, form.to_values())
        except editing.QuestionInvalid as invalid:
            discard()
            return _question_page(bank, form, problems=invalid.problems), 400
        flash(f"已添加题目 {banks.code_of(bank, question)}。", "success")
        return redirect(url_for("quiz.preview_question", key=bank.key, question_id=question.id))
    return _question_page(bank, form), 400 if form.is_submitted() else 200


@bp.route("/banks/<key>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_question(key: str, question_id: int):
    bank = _writable(key)
    question = editing.question_in(bank, question_id)
    form = QuestionForm()
    if request.method == "GET":
        form.load(editing.form_values(bank, question), question.type)
    elif form.validate_on_submit():
        try:
            changed = editing.edit_question(current_user, bank, question, form.to_values())
        except editing.QuestionInvalid as invalid:
            discard()
            return _question_page(bank, form, question, invalid.problems), 400
        flash("已保存。已开始的考试和测验仍按学员抽到时的题目作答和评分。" if changed else "没有修改。", "success")
        return redirect(url_for("quiz.preview_question", key=bank.key, question_id=question.id))
    else:
        return _question_page(bank, form, question), 400
    return _question_page(bank, form, question)


def _set_retired(key: str, question_id: int, retired: bool, done: str):
    bank = _writable(key)
    question = editing.question_in(bank, question_id)
    editing.set_retired(current_user, bank, question, retired)  # the form's CSRF token is checked app-wide
    flash(done.format(code=banks.code_of(bank, question)), "success")
    back = request.form.get("next", "")
    return redirect(back if back.startswith(f"/banks/{bank.key}") else url_for("quiz.bank_detail", key=bank.key))


@bp.route("/banks/<key>/questions/<int:question_id>/retire", methods=["POST"])
@roles_required(*STAFF)
def retire_question(key: str, question_id: int):
    return _set_retired(key, question_id, True, "已停用题目 {code}:新的考试和测验不再抽到它,学员记录保留。")


@bp.route("/banks/<key>/questions/<int:question_id>/restore", methods=["POST"])
@roles_required(*STAFF)
def restore_question(key: str, question_id: int):
    return _set_retired(key, question_id, False, "已恢复题目 {code}。")


@bp.route("/banks/<key>/questions/<int:question_id>")
@roles_required(*STAFF)
def preview_question(key: str, question_id: int):
    bank = banks.readable_bank(current_user, key)
    question = editing.question_in(bank, question_id)
    return render_template(
        "quiz/bank_preview.html", bank=bank, question=question, item=editing.preview_item(question),
        attempt={"mode": "preview"}, code=banks.code_of(bank, question),
        writable=policy.can_write_bank(current_user, bank), form=FlaskForm(),
    )
