from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from trainer.auth import policy
from trainer.auth.models import User
from trainer.courses import services as course_services
from trainer.widgets import NEXT_RANKS, NextStep, best_next, next_step_source, panels_for

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return HOME_PAGES[current_user.role]()


def _trainee_home():
    per_module = course_services.module_progress(current_user)
    courses = [(c, course_services.course_progress(c, per_module)) for c in course_services.active_courses()]
    return render_template("home/trainee.html", courses=courses, next=best_next(current_user), widgets=panels_for(current_user))


@next_step_source
def next_in_course_order(user) -> NextStep | None:
    """The first module, in catalogue order, not yet read to the end."""
    module = course_services.next_module(user, course_services.module_progress(user))
    if module is None:
        return None
    return NextStep(NEXT_RANKS["course"], module.title, url_for("courses.module", key=module.key),
                    f"按课程顺序继续学习({module.course.title})")


def _staff_home():
    units = policy.visible_units(current_user)
    ids = [u.id for u in units]
    query = select(User.unit_id, func.count(User.id)).where(User.active.is_(True)).group_by(User.unit_id)
    if policy.visible_unit_ids(current_user) is not None:
        query = query.where(User.unit_id.in_(ids))
    from trainer.extensions import db

    counts = dict(db.session.execute(query).all())
    return render_template("home/staff.html", units=units, counts=counts, widgets=panels_for(current_user))


# One home page per role; adding a role means adding a row here, not an if-chain.
HOME_PAGES = {"trainee": _trainee_home, "trainer": _staff_home, "admin": _staff_home}
