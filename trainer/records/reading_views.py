"""The reading clock on the module page: its context (added to courses' module page) and its heartbeat route.

Here, not in trainer/courses/views.py, so the course pages do not import the hours ledger (which imports
courses): records plugs into the module page through ``courses.views.MODULE_PAGE_EXTRAS``.
"""

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from trainer.courses import services
from trainer.errors import TrainerError
from trainer.org.services import hours_policy
from trainer.records import crediting, reading_clock
from trainer.records.activity import active_policy
from trainer.timeutil import utcnow

bp = Blueprint("reading", __name__)


def module_clock(user, module) -> dict:
    """The module page's clock: policy, page token and this year's time on the module."""
    return dict(clock=active_policy(), clock_token=reading_clock.page_token(user, module),
                time=crediting.module_time(user, module, hours_policy().year_of(utcnow())))


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
