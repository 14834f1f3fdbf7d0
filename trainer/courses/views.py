from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from trainer.content.model import CREDIT_CATEGORIES
from trainer.courses import services

bp = Blueprint("courses", __name__)
# Context other features add to the module page, e.g. the reading clock (trainer/records/reading_views.py):
# functions (user, module) -> dict, so courses need not import them.
MODULE_PAGE_EXTRAS: list = []


@bp.route("/courses")
@login_required
def catalogue():
    per_module = services.module_progress(current_user)
    courses = [(c, services.course_progress(c, per_module)) for c in services.active_courses()]
    return render_template("courses/catalogue.html", courses=courses, categories=CREDIT_CATEGORIES)


@bp.route("/courses/<key>")
@login_required
def course(key: str):
    course = services.get_course(key)
    per_module = services.module_progress(current_user)
    return render_template(
        "courses/course.html", course=course, per_module=per_module,
        progress=services.course_progress(course, per_module), categories=CREDIT_CATEGORIES,
    )


@bp.route("/modules/<key>")
@login_required
def module(key: str):
    module = services.get_module(key)
    read_ids = services.read_section_ids(current_user, module)
    sections = [(s, services.render_markdown(s.body_markdown), s.id in read_ids) for s in module.active_sections]
    progress = services.Progress(sum(1 for *_x, read in sections if read), len(sections))
    extras = {}
    for extra in MODULE_PAGE_EXTRAS:
        extras.update(extra(current_user, module))
    return render_template(
        "courses/module.html", module=module, sections=sections, progress=progress,
        categories=CREDIT_CATEGORIES, form=FlaskForm(), following=services.following_module(module), **extras,
    )


@bp.route("/modules/<key>/sections/<int:section_id>/read", methods=["POST"])
@login_required
def mark_read(key: str, section_id: int):
    section = services.mark_section_read(current_user, section_id)
    if request.accept_mimetypes.best == "application/json":
        module = section.module
        read = services.read_section_ids(current_user, module)
        progress = services.Progress(len(read & {s.id for s in module.active_sections}), len(module.active_sections))
        return jsonify(section=section.id, read=True, done=progress.done, total=progress.total, percent=progress.percent)
    return redirect(url_for("courses.module", key=key, _anchor=f"s{section.id}"))
