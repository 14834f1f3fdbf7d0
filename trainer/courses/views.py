from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from trainer.content.model import CREDIT_CATEGORIES
from trainer.courses import services
from trainer.errors import TrainerError
from trainer.org.services import hours_policy
from trainer.records import crediting, reading_clock
from trainer.records.activity import active_policy
from trainer.timeutil import utcnow

bp = Blueprint("courses", __name__)


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
    return render_template(
        "courses/module.html", module=module, sections=sections, progress=progress,
        categories=CREDIT_CATEGORIES, form=FlaskForm(), clock=active_policy(),
        clock_token=reading_clock.page_token(current_user, module),
        time=crediting.module_time(current_user, module, hours_policy().year_of(utcnow())),
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


@bp.route("/modules/<key>/activity", methods=["POST"])
@login_required
def activity(key: str):
    """A heartbeat of the module page (static/js/reading-clock.js): active seconds since its previous one."""
    module = services.get_module(key)
    try:
        beat = reading_clock.accept_beat(current_user, module, request.form.get("seconds", type=int),
                                         request.form.get("token"), utcnow())
    except TrainerError as error:  # a 4xx: the unit of work rolls back
        return jsonify(error=error.message), error.status_code
    return jsonify(counted=beat.counted, seconds=beat.state.evidence.seconds, required=beat.state.required_seconds,
                   status=beat.state.status)
