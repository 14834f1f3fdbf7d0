"""Trainer pages: exam results by unit, item analysis, exam blueprints made in the UI, and question-bank
import/export. Registered on the ``quiz`` blueprint; every page is for trainers and admins only and
scoped through trainer/auth/policy.py."""

from pathlib import Path
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
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
from trainer.quiz.bankio import STATUS_LABELS
from trainer.quiz.excel import write_template
from trainer.quiz.forms import BankImportConfirmForm, BankImportForm, ExamForm
from trainer.quiz.pending_imports import PendingImports
from trainer.quiz.question_text import question_text
from trainer.quiz.views import bp
from trainer.timeutil import utcnow
from trainer.unit_of_work import discard, then
from trainer.web import flash_errors

STAFF = ("trainer", "admin")
_UNSET = object()
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


MAX_PREVIEW_ROWS = 300  # questions listed on the preview page; every problem among the first 50 is listed


def _pending_imports() -> PendingImports:
    """Where an uploaded bank waits for its confirmation (why on the server: trainer/quiz/pending_imports.py)."""
    folder = current_app.config.get("BANK_IMPORT_DIR") or Path(current_app.instance_path) / "bank-imports"
    return PendingImports(folder, max_age=current_app.config.get("BANK_IMPORT_MINUTES", 30) * 60)


def _upload_form(formdata=_UNSET) -> BankImportForm:
    form = BankImportForm() if formdata is _UNSET else BankImportForm(formdata=formdata)
    writable = [b for b in banks.readable_banks(current_user) if policy.can_write_bank(current_user, b)]
    form.target.choices = choices([("", "新建题库"), *((b.key, f"{b.title}({b.key})") for b in writable)])
    return form


def _preview_rows(preview) -> tuple[list, int]:
    """The items the preview page lists (file order): all of them for an ordinary file; for a long one the
    first problems (tabular's limit) and the first 可导入 ones up to MAX_PREVIEW_ROWS; and how many are left out."""
    if len(preview.items) <= MAX_PREVIEW_ROWS:
        return preview.items, 0
    problems, _hidden = tabular.first_problems([i for i in preview.items if i.status != "ok"])
    good = preview.good[:max(MAX_PREVIEW_ROWS - len(problems), 0)]
    shown = sorted([*problems, *good], key=lambda i: i.number)
    return shown, len(preview.items) - len(shown)


def _import_page(form, preview=None, confirm=None, target=None, status: int = 200):
    rows, left_out = _preview_rows(preview) if preview else ([], 0)
    errors, hidden = tabular.first_problems(preview.errors if preview else [])
    return render_template("quiz/bank_import.html", form=form, preview=preview, rows=rows, left_out=left_out,
                           errors=errors, hidden=hidden, confirm=confirm, target=target,
                           status_labels=STATUS_LABELS, type_labels=QUESTION_TYPE_LABELS), status


@bp.route("/banks/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_bank():
    """Step 1: upload a file. Every question is listed as 可导入 / 需修改 / 不支持 and nothing is written; the
    file waits on the server for the confirmation (step 2, :func:`confirm_bank_import`)."""
    form = _upload_form()
    if form.is_submitted() and form.target.data:  # another's bank: 403 before anything is read or kept
        banks.require_writable(current_user, banks.get_bank(form.target.data))
    if request.method == "GET" and request.args.get("bank"):
        form.target.data = request.args["bank"]
    if not form.validate_on_submit():
        return _import_page(form, status=400 if form.is_submitted() else 200)
    upload = form.file.data
    filename, data = upload.filename or "", upload.read()
    target = banks.get_bank(form.target.data) if form.target.data else None
    with flash_errors() as outcome:
        preview = banks.preview_import(filename, data, default_source=form.source.data or "")
    discard()  # a preview writes nothing
    if not outcome.ok:
        return _import_page(form, status=outcome.error.status_code)
    if preview.errors or not preview.items:
        flash("文件无法导入,没有导入任何题目:" + (preview.errors[0].message if preview.errors else "文件中没有题目。"), "error")
        return _import_page(form, preview, status=400)
    title = (form.title.data or "").strip() or (target.title if target else preview.title or Path(filename).stem)[:200]
    token = _pending_imports().put(current_user.id, filename, data, {
        "target": target.key if target else "", "title": title, "source": preview.default_source,
    }, utcnow().timestamp())
    return _import_page(form, preview, BankImportConfirmForm(formdata=None, token=token), target)


@bp.route("/banks/import/confirm", methods=["POST"])
@roles_required(*STAFF)
def confirm_bank_import():
    """Step 2: import the file kept at the preview, read again (the page sends back only its token): the
    可导入 questions, or with 全部可导入时才导入 all of them or none. Only the uploader may confirm."""
    confirm = BankImportConfirmForm()
    if not confirm.validate_on_submit():
        flash("确认信息缺失,请重新上传文件。", "error")
        return redirect(url_for("quiz.import_bank"))
    store = _pending_imports()
    try:
        pending = store.get(confirm.token.data, current_user.id, utcnow().timestamp())
    except TrainerError as error:
        flash(error.message, "error")
        return _import_page(_upload_form(formdata=None), status=error.status_code)
    if confirm.cancel.data:
        store.drop(pending.token)
        flash("已取消,没有导入任何题目。", "info")
        return redirect(url_for("quiz.import_bank"))
    fields = pending.fields
    mode = "all" if confirm.all_or_nothing.data else "good"
    target = preview = None
    with flash_errors() as outcome:
        target = banks.get_bank(fields["target"]) if fields.get("target") else None
        preview = banks.preview_import(pending.filename, pending.data, default_source=fields.get("source", ""))
        summary = banks.import_bank(current_user, preview, bank=target, title=fields.get("title", ""),
                                    filename=pending.filename, mode=mode)
    if not outcome.ok:  # the same preview again, with the same token: import the good ones instead, or cancel
        return _import_page(_upload_form(formdata=None), preview, confirm, target, status=outcome.error.status_code)
    skipped = f",跳过 {len(summary.skipped)} 题(需修改或不支持)" if summary.skipped else ""
    flash(f"已导入“{summary.bank.title}”:新增 {summary.created} 题,更新 {summary.updated} 题,未变 {summary.unchanged} 题,"
          f"停用 {summary.retired} 题{skipped}。", "success")

    def done():  # after the import committed: the kept file is no longer needed
        store.drop(pending.token)
        return redirect(url_for("quiz.bank_detail", key=summary.bank.key))
    return then(done)


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
