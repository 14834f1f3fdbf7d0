from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from trainer.auth import services, throttle, tokens
from trainer.auth.forms import ChangePasswordForm, LoginForm
from trainer.auth.policy import roles_required, visible_person
from trainer.errors import TrainerError
from trainer.extensions import limiter
from trainer.timeutil import utcnow
from trainer.unit_of_work import discard
from trainer.web import flash_errors, report

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
            discard()
            current_app.logger.info("login refused: %s", error.detail)
            flash(error.message, "error")
            status = error.status_code if error.status_code == 429 else 200
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # Server side too: a copy of this cookie (or any other session of the account) stops working.
        current_user.end_sessions()
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with flash_errors("密码已修改。您在其他设备上的登录和全部访问令牌已失效。") as outcome:
            services.change_password(current_user, form.current.data, form.new.data, now=utcnow())
        if outcome.ok:
            login_user(current_user._get_current_object())  # this session carries the new session token
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/tokens")
@login_required
def tokens_page():
    return render_template("auth/tokens.html", tokens=tokens.active(current_user, utcnow()), form=FlaskForm())


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    report(lambda: tokens.revoke(current_user, token_id, now=utcnow()), "访问令牌已撤销。")
    return redirect(url_for("auth.tokens_page"))


@bp.route("/account/tokens/revoke-all", methods=["POST"])
@login_required
def revoke_all_tokens():
    report(lambda: tokens.revoke_all_for(current_user, current_user, now=utcnow()), "全部访问令牌已撤销。")
    return redirect(url_for("auth.tokens_page"))


@bp.route("/admin/users/<int:user_id>/tokens/revoke", methods=["POST"])
@roles_required("admin")
def revoke_user_tokens(user_id: int):
    """Admin: revoke every API token of one person (their sessions stay; reset the password to end those)."""
    person = visible_person(current_user, user_id)
    report(lambda: tokens.revoke_all_for(current_user, person, now=utcnow()), "该人员的全部访问令牌已撤销。")
    return redirect(url_for("admin.person", user_id=person.id))
