"""Trainer pages: assign, follow, remind, export. Learner pages and paths live in the sibling modules."""

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from trainer.assignments import pickers, progress, reminders, report, services
from trainer.assignments.forms import AssignmentForm, item_choices, split_item
from trainer.auth import policy
from trainer.extensions import db
from trainer.ids import db_int
from trainer.org.models import Unit
from trainer.timeutil import to_local, utcnow
from trainer.unit_of_work import then
from trainer.web import flash_errors

bp = Blueprint("assignments", __name__)
STAFF = ("trainer", "admin")


@bp.app_template_filter("local_minute")
def local_minute(moment) -> str:
    """A stored naive-UTC time as Asia/Shanghai wall time, to the minute."""
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.route("/assignments")
@policy.roles_required(*STAFF)
def index():
    show_cancelled = request.args.get("cancelled") == "1"
    assignments = services.visible_assignments(current_user, include_cancelled=show_cancelled)
    tallies = report.summaries(current_user, [a for a in assignments if a.cancelled_at is None], utcnow())
    return render_template("assignments/index.html", assignments=assignments, tallies=tallies,
                           describe=report.describe_targets, due_text=report.due_text, show_cancelled=show_cancelled)


def _assignment_form() -> AssignmentForm:
    form = AssignmentForm()
    form.item.choices = item_choices(progress.assignable_items())
    form.unit_ids.choices = [(u.id, "　" * u.depth + u.name) for u in policy.visible_units(current_user)]
    form.positions.choices = [(p, p) for p in pickers.positions(current_user)]
    form.people_groups, form.people_capped = pickers.people_groups(current_user)
    form.people_ids.choices = [(p.id, p.display_name) for _unit, group in form.people_groups for p in group]
    if request.method == "GET" and request.args.get("item"):
        form.item.data = request.args["item"]
    if request.method == "GET" and request.args.get("unit", type=db_int):
        form.unit_ids.data = [request.args.get("unit", type=db_int)]
    return form


@bp.route("/assignments/new", methods=["GET", "POST"])
@policy.roles_required(*STAFF)
def new():
    form = _assignment_form()
    if form.validate_on_submit():
        kind, key = split_item(form.item.data)
        with flash_errors() as outcome:
            assignment = services.create_assignment(
                current_user, item_kind=kind, item_key=key, due_date=form.due_date.data, due_days=form.due_days.data,
                units=[db.session.get(Unit, i) for i in form.unit_ids.data or []],
                positions=form.positions.data or [],
                people=pickers.chosen_people(current_user, form.people_ids.data or [])
                + services.find_people(current_user, form.people.data or ""), note=form.note.data or "",
                now=utcnow(),
            )
        if outcome.ok:
            flash(f"已分配“{assignment.title}”。", "success")
            return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    return render_template("assignments/new.html", form=form)


@bp.route("/assignments/<int:assignment_id>")
@policy.roles_required(*STAFF)
def detail(assignment_id: int):
    assignment = services.get_visible(current_user, assignment_id)
    data = report.build(current_user, assignment, utcnow())
    return render_template(
        "assignments/detail.html", assignment=assignment, report=data, targets=report.describe_targets(assignment),
        due_text=report.due_text(assignment), can_manage=services.can_manage(current_user, assignment),
    )


@bp.route("/assignments/<int:assignment_id>/remind", methods=["POST"])
@policy.roles_required(*STAFF)
def remind(assignment_id: int):
    assignment = services.get_visible(current_user, assignment_id)
    only = request.form.get("user_id", type=db_int)
    now = utcnow()
    with flash_errors() as outcome:
        sent = reminders.remind_now(current_user, assignment, now, user_ids=[only] if only else None)
    if not outcome.ok:
        return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    if sent and reminders.mail_enabled():
        return then(lambda: _email_and_report(assignment_id, sent, now))  # notices claimed (committed) first
    flash(f"已提醒 {sent} 人。" if sent else "没有需要提醒的人(今天已提醒过的不会重复提醒)。", "success" if sent else "info")
    return redirect(url_for("assignments.detail", assignment_id=assignment.id))


def _email_and_report(assignment_id: int, sent: int, now):
    reminders.deliver_emails(now)
    flash(f"已提醒 {sent} 人。", "success")
    return redirect(url_for("assignments.detail", assignment_id=assignment_id))


@bp.route("/assignments/<int:assignment_id>/cancel", methods=["POST"])
@policy.roles_required(*STAFF)
def cancel(assignment_id: int):
    assignment = services.get_visible(current_user, assignment_id)
    services.cancel_assignment(current_user, assignment, utcnow())
    flash("任务已撤销。", "success")
    return redirect(url_for("assignments.index"))


@bp.route("/assignments/<int:assignment_id>/export.xlsx")
@policy.roles_required(*STAFF)
def export(assignment_id: int):
    assignment = services.get_visible(current_user, assignment_id)
    data = report.build(current_user, assignment, utcnow())
    return send_file(
        io.BytesIO(report.workbook(data)), as_attachment=True,
        download_name=f"培训任务-{assignment.id}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


from trainer.assignments import views_learner, views_paths  # noqa: E402,F401  (their routes are on bp)
