from flask import Blueprint, abort, render_template
from flask_login import login_required
from sqlalchemy import select

from trainer.content.model import SETTINGS
from trainer.extensions import db
from trainer.roleplay.models import Scenario

bp = Blueprint("roleplay", __name__)


@bp.route("/roleplay")
@login_required
def catalogue():
    scenarios = db.session.scalars(select(Scenario).where(Scenario.retired.is_(False)).order_by(Scenario.setting, Scenario.key))
    grouped: dict[str, list[Scenario]] = {}
    for scenario in scenarios:
        grouped.setdefault(scenario.setting, []).append(scenario)
    return render_template("roleplay/catalogue.html", grouped=grouped, settings=SETTINGS)


@bp.route("/roleplay/<key>")
@login_required
def scenario(key: str):
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == key, Scenario.retired.is_(False)))
    if scenario is None:
        abort(404)
    return render_template("roleplay/scenario.html", scenario=scenario, settings=SETTINGS)
