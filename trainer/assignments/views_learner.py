"""Learner pages: my assignments (待完成 and history), a path step by step, notices; home-page panels.

These pages only read: the bookkeeping (first time a person is seen in scope, completion time, onboarding
for a new hire made outside the admin form) is written on sign-in, on completions and by the reminder run
(trainer/assignments/receivers.py, ``trainer assignments remind``).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from trainer.assignments import progress, reminders, report, services
from trainer.assignments.forms import EmailForm
from trainer.assignments.views import STAFF, bp
from trainer.errors import NotFound
from trainer.timeutil import utcnow
from trainer.web import flash_errors
from trainer.widgets import NEXT_RANKS, NextStep, home_widget, next_step_source


@bp.route("/my/assignments")
@login_required
def mine():
    todo, done = services.my_items(current_user, utcnow())
    return render_template("assignments/mine.html", todo=todo, done=done, form=FlaskForm())


@bp.route("/my/assignments/<int:assignment_id>")
@login_required
def my_detail(assignment_id: int):
    item = services.my_item(current_user, assignment_id, utcnow())
    return render_template("assignments/my_detail.html", item=item)


@bp.route("/my/assignments/<int:assignment_id>/go")
@login_required
def go(assignment_id: int):
    """The "next step" button: opens the step (or the one named by ``?step=``) unless its prerequisites are open."""
    item = services.my_item(current_user, assignment_id, utcnow())
    back = url_for("assignments.my_detail", assignment_id=assignment_id)
    if item.assignment.item_kind == "path":
        wanted = request.args.get("step") or item.progress.next_step or (item.progress.steps[0].key if item.progress.steps else None)
        step = next((s for s in item.progress.steps if s.key == wanted), None)
        if step is None:
            raise NotFound("该步骤不存在。", f"no step {wanted!r} in assignment {assignment_id}")
        if step.state == "locked":
            flash(f"请先完成:{'、'.join(step.missing)}。", "warning")
            return redirect(back)
        url = progress.item_url(step.kind, step.ref, step.progress)
    else:
        kind = item.progress.next_kind or item.assignment.item_kind
        state = item.progress if kind == item.assignment.item_kind else None
        url = progress.item_url(kind, item.progress.next_ref or item.assignment.item_key, state)
    if url is None:
        flash("这项内容暂时无法在线打开,请联系培训师。", "warning")
        return redirect(back)
    return redirect(url)


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@login_required
def notice_read(notice_id: int):
    reminders.mark_read(current_user, notice_id, utcnow())
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("home.index"))


@bp.route("/my/notices/email", methods=["GET", "POST"])
@login_required
def email_settings():
    form = EmailForm()
    if request.method == "GET":
        form.address.data = reminders.email_address(current_user) or ""
    if form.validate_on_submit():
        with flash_errors("提醒邮箱已保存。") as outcome:
            reminders.set_email(current_user, form.address.data or "")
        if outcome.ok:
            return redirect(url_for("assignments.mine"))
    return render_template("assignments/email.html", form=form, mail_enabled=reminders.mail_enabled())


# --- home-page panels ---------------------------------------------------------------------------------


@home_widget("trainee", "trainer", "admin", order=3)
def notices_panel(user):
    notices = reminders.unread_notices(user)
    if not notices:
        return None
    return "home/_notices.html", {"notices": notices, "form": FlaskForm()}


@home_widget("trainee", "trainer", "admin", order=5)
def todo_panel(user):
    """待完成: the learner's open assignments by due date, each with its next step one click away."""
    todo, done = services.my_items(user, utcnow())
    if not todo and not done:
        return None
    return "home/_assignments.html", {"todo": todo, "done_count": len(done)}


@next_step_source
def next_assigned(user) -> NextStep | None:
    """The next step of the most urgent open assignment (todo is ordered by due date)."""
    todo, _done = services.my_items(user, utcnow())
    item = next((i for i in todo if i.progress.next_title), None)
    if item is None:
        return None
    urgent = f"({item.due_words})" if item.days_left is not None and item.days_left <= 0 else ""
    due = f",{item.due.month} 月 {item.due.day} 日截止{urgent}" if item.due else ""
    return NextStep(NEXT_RANKS["overdue" if item.status == "overdue" else "assigned"], item.progress.next_title,
                    url_for("assignments.go", assignment_id=item.assignment.id),
                    f"培训任务“{item.assignment.title}”的下一步{due}")


@home_widget(*STAFF, order=20)
def staff_panel(user):
    assignments = services.visible_assignments(user)
    if not assignments and user.role != "trainer":
        return None
    tallies = report.summaries(user, assignments, utcnow())
    overdue = sum(t.overdue for t in tallies.values())
    open_ = sum(t.open for t in tallies.values())
    return "home/_assignments_staff.html", {"count": len(assignments), "overdue": overdue, "open": open_}
