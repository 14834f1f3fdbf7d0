from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from trainer.auth import services, throttle
from trainer.auth.forms import ChangePasswordForm, LoginForm
from trainer.errors import TrainerError
from trainer.extensions import db, limiter
from trainer.timeutil import utcnow

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only local paths: an attacker must not turn the login page into an open redirect.
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle.per_address_limit, methods=["POST"], deduct_when=throttle.counts_against_address)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = throttle.sign_in(form.username.data, form.password.data, now=utcnow())
        except TrainerError as error:
            db.session.rollback()
            current_app.logger.info("login refused: %s", error.detail)
            flash(error.message, "error")
            status = error.status_code if error.status_code == 429 else 200
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except TrainerError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("密码已修改。", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
