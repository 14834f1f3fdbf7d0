"""群机器人 (admin only): one 企业微信 or 钉钉 robot per unit, its last delivery, a test message."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from trainer.auth import policy
from trainer.extensions import db
from trainer.forms import choices
from trainer.org.models import Unit
from trainer.org.services import hours_policy
from trainer.robots import services
from trainer.robots.formats import KINDS
from trainer.robots.forms import ActionForm, RobotForm
from trainer.robots.models import MESSAGE_STATES, UnitRobot
from trainer.timeutil import utcnow
from trainer.web import flash_errors

bp = Blueprint("robots", __name__, url_prefix="/admin/robots")
admin_only = policy.roles_required("admin")


@bp.route("", methods=["GET", "POST"])
@admin_only
def index():
    units = policy.visible_units(current_user)
    form = RobotForm()
    form.unit_id.choices = choices((u.id, "　" * u.depth + u.name) for u in units)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) or abort(404)
        with flash_errors("机器人已保存。") as outcome:
            services.save_robot(current_user, unit, kind=form.kind.data, webhook_url=form.webhook_url.data or "",
                                secret=form.secret.data or "", clear_secret=form.clear_secret.data,
                                enabled=form.enabled.data, now=utcnow())
        if outcome.ok:
            return redirect(url_for("robots.index"))
    robots = sorted(db.session.query(UnitRobot).all(), key=lambda r: r.unit.path)
    return render_template("robots/index.html", form=form, robots=robots, kinds=KINDS, masked=services.masked,
                           action=ActionForm(), messages=services.recent_messages(), states=MESSAGE_STATES,
                           names={r.id: r.unit.name for r in robots}, local=hours_policy().local)


def _robot(robot_id: int) -> UnitRobot:
    return db.session.get(UnitRobot, robot_id) or abort(404)


@bp.route("/<int:robot_id>/test", methods=["POST"])
@admin_only
def send_test(robot_id: int):
    """Sent here and now (an explicit admin action whose point is the answer), with the robot's timeout; the
    outcome is kept on the robot like any delivery's. A failure is a message on the page, never an error."""
    robot = _robot(robot_id)
    if ActionForm().validate_on_submit():
        error = services.send_now(robot, services.TEST_TITLE, services.trial_text(robot), utcnow())
        if error is None:
            flash("测试消息已发送,请到群里查看。", "success")
        else:
            flash(f"发送失败:{error}。请检查 Webhook 地址、加签密钥,以及服务器能否访问外网(见部署说明)。", "error")
    return redirect(url_for("robots.index"))


@bp.route("/<int:robot_id>/delete", methods=["POST"])
@admin_only
def delete(robot_id: int):
    robot = _robot(robot_id)
    if ActionForm().validate_on_submit():
        services.delete_robot(current_user, robot)
        flash("机器人已删除。", "success")
    return redirect(url_for("robots.index"))
