from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from trainer.auth import policy
from trainer.auth.models import User
from trainer.courses import services as course_services

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return HOME_PAGES[current_user.role]()


# Features add panels to the home pages without touching this module's templates: each entry is
# (roles, function(user) -> (template name, context dict) or None). Lower ``order`` shows first.
HOME_WIDGETS: list[dict] = []


def home_widget(*roles: str, order: int = 50):
    """Register a home-page panel for ``roles``; the function returns (template, context) or None to hide it."""

    def decorator(func):
        HOME_WIDGETS.append({"roles": roles, "order": order, "func": func})
        HOME_WIDGETS.sort(key=lambda w: w["order"])
        return func

    return decorator


def _widgets(user) -> list[tuple[str, dict]]:
    panels = []
    for widget in HOME_WIDGETS:
        if user.role in widget["roles"]:
            panel = widget["func"](user)
            if panel is not None:
                panels.append(panel)
    return panels


def _trainee_home():
    per_module = course_services.module_progress(current_user)
    courses = [(c, course_services.course_progress(c, per_module)) for c in course_services.active_courses()]
    return render_template(
        "home/trainee.html", courses=courses, next_module=course_services.next_module(current_user, per_module),
        widgets=_widgets(current_user),
    )


def _staff_home():
    units = policy.visible_units(current_user)
    ids = [u.id for u in units]
    query = select(User.unit_id, func.count(User.id)).where(User.active.is_(True)).group_by(User.unit_id)
    if policy.visible_unit_ids(current_user) is not None:
        query = query.where(User.unit_id.in_(ids))
    from trainer.extensions import db

    counts = dict(db.session.execute(query).all())
    return render_template("home/staff.html", units=units, counts=counts, widgets=_widgets(current_user))


# One home page per role; adding a role means adding a row here, not an if-chain.
HOME_PAGES = {"trainee": _trainee_home, "trainer": _staff_home, "admin": _staff_home}
