"""Learning paths for trainers: browse (content and UI paths), make one, add and remove steps."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from trainer.assignments import paths, progress
from trainer.assignments.forms import PathForm, StepForm, item_choices, split_item
from trainer.assignments.views import STAFF, bp
from trainer.auth import policy
from trainer.content.paths import STEP_KINDS
from trainer.web import flash_errors, report


@bp.route("/paths")
@policy.roles_required(*STAFF)
def paths_index():
    return render_template("assignments/paths.html", paths=paths.all_paths(), can_edit=paths.can_edit)


@bp.route("/paths/new", methods=["GET", "POST"])
@policy.roles_required(*STAFF)
def path_new():
    form = PathForm()
    if form.validate_on_submit():
        with flash_errors("学习路径已创建,请添加步骤。") as outcome:
            row = paths.create_path(current_user, form.title.data, form.description.data or "")
        if outcome.ok:
            return redirect(url_for("assignments.path_detail", key=row.key))
    return render_template("assignments/path_new.html", form=form)


def _step_form(path) -> StepForm:
    form = StepForm()
    form.item.choices = item_choices(progress.assignable_items(), STEP_KINDS)
    form.after.choices = [(s.key, f"{i}. {s.title}") for i, s in enumerate(path.active_steps, start=1)]
    return form


@bp.route("/paths/<key>")
@policy.roles_required(*STAFF)
def path_detail(key: str):
    path = paths.get_path(key)
    form = _step_form(path)
    if path.active_steps:
        form.after.data = [path.active_steps[-1].key]  # the usual case: after the step before
    return render_template("assignments/path.html", path=path, form=form, editable=paths.can_edit(current_user, path),
                           kinds=STEP_KINDS, titles={s.key: s.title for s in path.active_steps})


@bp.route("/paths/<key>/steps", methods=["POST"])
@policy.roles_required(*STAFF)
def path_add_step(key: str):
    path = paths.get_path(key)
    if not paths.can_edit(current_user, path):
        abort(403)
    form = _step_form(path)
    if form.validate_on_submit():
        kind, ref = split_item(form.item.data)
        report(lambda: paths.add_step(current_user, path, kind, ref, form.after.data or []), "步骤已添加。")
    else:
        flash("请选择要添加的内容。", "error")
    return redirect(url_for("assignments.path_detail", key=key))


@bp.route("/paths/<key>/steps/<int:step_id>/delete", methods=["POST"])
@policy.roles_required(*STAFF)
def path_remove_step(key: str, step_id: int):
    path = paths.get_path(key)
    paths.remove_step(current_user, path, step_id)
    flash("步骤已删除。", "success")
    return redirect(url_for("assignments.path_detail", key=key))
