"""Trainer pages: exam results by unit, item analysis, exam blueprints made in the UI, and question-bank
import/export. Registered on the ``quiz`` blueprint; every page is for trainers and admins only and
scoped through trainer/auth/policy.py."""

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import tabular
from trainer.auth import policy
from trainer.auth.policy import roles_required
from trainer.content.questions import QUESTION_TYPE_LABELS
from trainer.errors import TrainerError
from trainer.forms import choices
from trainer.ids import db_int
from trainer.quiz import analysis, banks, charts, expiry, services
from trainer.quiz import exams as exam_rules
from trainer.quiz.excel import write_template
from trainer.quiz.forms import BankImportForm, ExamForm
from trainer.quiz.question_text import question_text
from trainer.quiz.views import bp
from trainer.timeutil import utcnow

STAFF = ("trainer", "admin")
bp.add_app_template_filter(question_text, "question_text")  # every page that shows a stem


def _managed_exam(key: str):
    exam = exam_rules.get_exam(key, current_user)
    if not exam_rules.can_manage(current_user, exam):
        abort(403)
    return exam


@bp.route("/exams/<key>/results")
@roles_required(*STAFF)
def exam_results(key: str):
    exam = _managed_exam(key)
    rows = analysis.exam_results(current_user, exam)
    unclosed = expiry.unclosed(exam.id, utcnow() - services.GRACE)  # counted once cron or their owner closes them
    selected = request.args.get("unit", type=db_int)
    detail = next((r for r in rows if r.unit.id == selected), None)
    if selected and detail is None:
        abort(403)  # not a unit this trainer may see (or nobody in it)
    return render_template("quiz/results.html", exam=exam, rows=rows, detail=detail, unclosed=unclosed,
                           score_chart=charts.score_chart(rows, exam.pass_percent))


@bp.route("/exams/<key>/analysis")
@roles_required(*STAFF)
def exam_analysis(key: str):
    exam = _managed_exam(key)
    rows = analysis.exam_item_analysis(current_user, exam)
    return render_template(
        "quiz/analysis.html", exam=exam, rows=rows, labels=QUESTION_TYPE_LABELS, min_sample=analysis.MIN_SAMPLE,
        difficulty_chart=charts.difficulty_chart(rows),
    )


def _exam_form_page(form: ExamForm, exam=None):
    return render_template("quiz/exam_form.html", form=form, exam=exam, banks=exam_rules.active_banks(current_user))


@bp.route("/exams/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_exam():
    form = ExamForm()
    form.set_bank_choices(exam_rules.active_banks(current_user))
    if form.validate_on_submit():
        try:
            exam = exam_rules.create_exam(current_user, form.to_input())
        except TrainerError as error:  # a 400: the unit of work rolls back
            flash(error.message, "error")
            return _exam_form_page(form), 400
        flash(f"已创建考试“{exam.title}”。", "success")
        return redirect(url_for("quiz.exams"))
    return _exam_form_page(form), 400 if form.is_submitted() else 200


@bp.route("/exams/<key>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_exam(key: str):
    exam = _managed_exam(key)
    if not exam_rules.can_edit(current_user, exam):
        abort(403)
    form = ExamForm()
    form.set_bank_choices(exam_rules.active_banks(current_user))
    if request.method == "GET":
        form.load(exam)
    elif form.validate_on_submit():
        try:
            exam_rules.update_exam(current_user, exam, form.to_input())
        except TrainerError as error:  # a 400: the unit of work rolls back
            flash(error.message, "error")
            return _exam_form_page(form, exam), 400
        flash("已保存。", "success")
        return redirect(url_for("quiz.exams"))
    else:
        return _exam_form_page(form, exam), 400
    return _exam_form_page(form, exam)


@bp.route("/banks")
@roles_required(*STAFF)
def bank_list():
    readable = banks.readable_banks(current_user)
    writable = {b.id for b in readable if policy.can_write_bank(current_user, b)}
    return render_template("quiz/banks.html", banks=readable, writable=writable)


@bp.route("/banks/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_bank():
    form = BankImportForm()
    if form.is_submitted() and form.target.data:  # another's bank: 403 before anything is read or written
        banks.require_writable(current_user, banks.get_bank(form.target.data))
    writable = [b for b in banks.readable_banks(current_user) if policy.can_write_bank(current_user, b)]
    form.target.choices = choices([("", "新建题库"), *((b.key, f"{b.title}({b.key})") for b in writable)])
    if request.method == "GET" and request.args.get("bank"):
        form.target.data = request.args["bank"]
    parsed = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            parsed = banks.parse_file(upload.filename or "", upload.read())
            if parsed.ok:
                target = banks.get_bank(form.target.data) if form.target.data else None
                summary = banks.import_bank(current_user, parsed, bank=target, title=form.title.data or "",
                                            filename=upload.filename or "")
                flash(f"已导入“{summary.bank.title}”:新增 {summary.created} 题,更新 {summary.updated} 题,"
                      f"未变 {summary.unchanged} 题,停用 {summary.retired} 题。", "success")
                return redirect(url_for("quiz.bank_list"))
        except TrainerError as error:  # a 4xx: the unit of work rolls back
            flash(error.message, "error")
            status = error.status_code
        else:
            status = 400
    else:
        status = 400 if form.is_submitted() else 200
    errors, hidden = tabular.first_problems(parsed.errors if parsed else [])
    return render_template("quiz/bank_import.html", form=form, parsed=parsed, errors=errors, hidden=hidden), status


def _export(key: str, fmt: str) -> Response:
    data, filename, mimetype = banks.export_bank(banks.readable_bank(current_user, key), fmt)
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/banks/<key>/export.xlsx")
@roles_required(*STAFF)
def export_bank_xlsx(key: str):
    return _export(key, "xlsx")


@bp.route("/banks/<key>/export.gift")
@roles_required(*STAFF)
def export_bank_gift(key: str):
    return _export(key, "gift")


@bp.route("/banks/<key>/export.xml")
@roles_required(*STAFF)
def export_bank_xml(key: str):
    return _export(key, "xml")


@bp.route("/banks/template.xlsx")
@roles_required(*STAFF)
def bank_template() -> Response:
    """The Excel import template: one example question per type and a sheet explaining every column."""
    return Response(write_template(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=bank-template.xlsx; "
                                                    f"filename*=UTF-8''{quote('题库导入模板.xlsx')}"})
