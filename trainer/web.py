"""Wiring of the web tier: the features (each plugs in through its ``init_app``), the unit of work per request, login loading, error pages, security
headers; :func:`flash_errors` for form posts."""

import hmac
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from trainer import unit_of_work
from trainer.content.clause_text import describe, replace_citations, split_sources
from trainer.errors import TrainerError
from trainer.extensions import db, login_manager
from trainer.features import init_features, nav_menu_for

log = logging.getLogger(__name__)

ERROR_PAGES = {
    400: "请求有误。",
    403: "您没有权限访问此页面。",
    404: "页面不存在。",
    405: "不支持此操作。",
    413: "上传的文件太大。",
    429: "操作过于频繁,请稍后再试。",
    500: "服务器出错了,请稍后再试。您已保存的内容不会丢失。",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def register_web(app: Flask, features: list[str]) -> None:
    init_features(app, features)

    from trainer.auth.models import User

    @login_manager.user_loader
    def load_user(session_id: str):
        """``<user id>:<session token>`` (User.get_id): a cookie from before a logout or password change
        names an old token and loads nobody, even if someone copied it."""
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not hmac.compare_digest(user.session_token, token):
            return None
        return user

    @app.before_request
    def force_password_change():
        """Accounts an admin created must set their own password before doing anything else."""
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in {"auth.change_password", "auth.logout", "static"}
            and not wants_json()
        ):
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("Permissions-Policy", "microphone=(self), camera=()")
        return response

    @app.errorhandler(TrainerError)
    def trainer_error(error: TrainerError):
        log.info("%s: %s", type(error).__name__, error.detail)
        if wants_json():
            return jsonify(error=error.message, detail=error.detail), error.status_code
        return render_template("error.html", code=error.status_code, message=error.message), error.status_code

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if wants_json():
            return jsonify(error="请求已过期,请刷新页面后重试。"), 400
        flash("页面已过期,请重新提交。", "warning")
        return redirect(_same_origin(request.referrer) or url_for("home.index"))

    for code, message in ERROR_PAGES.items():
        app.register_error_handler(code, _error_page(code, message))

    from sqlalchemy.exc import DataError, DBAPIError

    @app.errorhandler(DBAPIError)
    def database_unavailable(error: DBAPIError):
        """Database down or restarting: a clear 503 the page (and API clients) can retry, not a 500.
        Other database errors (integrity, data) are bugs and stay 500."""
        db.session.rollback()
        if isinstance(error, DataError):  # input the database cannot hold (NUL character, number out of range)
            log.info("database refused the request's data: %s", str(error.orig).strip().splitlines()[0] if error.orig else error)
            return _error_page(400, "请求中的数据无效。")(error)
        if not error.connection_invalidated and not _is_connection_error(error):
            log.exception("database error")
            return _error_page(500, ERROR_PAGES[500])(error)
        log.warning("database unavailable: %s", str(error.orig).strip().splitlines()[0] if error.orig else error)
        message = "数据库暂时不可用,本次操作未保存,请稍后重试。"
        body = (jsonify(error=message) if wants_json()
                else render_template("error.html", code=503, message=message))
        return body, 503, {"Retry-After": "5"}

    app.jinja_env.globals["nav_menu"] = _nav_menu
    app.jinja_env.filters["citations"] = citations
    app.jinja_env.filters["cite_prose"] = cite_prose
    app.jinja_env.globals["ROLE_LABELS"] = User.ROLE_LABELS
    unit_of_work.init_app(app)  # last: every route of every blueprint (the API's too) is registered by now


def _error_page(code: int, message: str):
    def handler(_error):
        if code == 500:
            db.session.rollback()
        # A 405 must say which methods the URL does allow (RFC 9110 §15.5.6), as werkzeug's own page does.
        allowed = getattr(_error, "valid_methods", None)
        headers = {"Allow": ", ".join(sorted(allowed))} if code == 405 and allowed else {}
        if wants_json():
            return jsonify(error=message), code, headers
        return render_template("error.html", code=code, message=message), code, headers

    return handler


def _same_origin(url: str | None) -> str | None:
    """``url`` if it points at this site (the Referer after a failed CSRF check), else None: never send
    the browser off-site from our own error handling."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and (parts.netloc != request.host or parts.scheme != request.scheme):
        return None
    if not parts.netloc and (parts.scheme or not parts.path.startswith("/") or parts.path.startswith("//")):
        return None
    return url


def _nav_menu():
    """The menu in two parts: the learning entries and the staff tools (trainer.features.nav_menu_for)."""
    if not current_user.is_authenticated:
        return [], []
    return nav_menu_for(current_app, current_user.role)


def citations(sources, *, title: bool = True) -> Markup:
    """``{{ module.sources|citations }}``: each citation as the document, its place and (``title``) the clause's
    opening words, linked to its clause page, the code in the hover text (trainer.content.clause_text)."""
    links = []
    for ref in map(describe, split_sources(sources)):
        words = Markup("{}<span class=\"cite-title\">“{}”</span>").format(ref.name, ref.short_title) \
            if title and ref.short_title else Markup.escape(ref.name)
        links.append(_cite(ref, words))
    return Markup("、").join(links)


def _cite(ref, words, link: bool = True) -> Markup:
    if ref.title and link:
        return Markup('<a class="cite" href="{}" title="{}">{}</a>').format(
            url_for("courses.clause", ref=ref.code), ref.hover, words)
    return Markup('<span class="cite" title="{}">{}</span>').format(ref.hover, words)


def cite_prose(text, link: bool = True) -> Markup:
    """``{{ html|cite_prose }}``: prose (safe HTML, or text to escape) with the citations written in it
    ("(000 §5.2.5、§5.2.7)") shown in words and linked like :func:`citations`. ``link=false`` inside an answer
    option's label: a link there would leave the exam page when the trainee means to pick the option."""
    html = str(text if isinstance(text, Markup) else Markup.escape(text or ""))
    pieces = replace_citations(html, lambda ref, named: _cite(ref, ref.name if named else ref.place or ref.code, link))
    return Markup("").join(p if isinstance(p, Markup) else Markup(p) for p in pieces)  # noqa: S704 (escaped above)


def _is_connection_error(error) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(error, OperationalError | InterfaceError)


@dataclass
class Outcome:
    ok: bool = True
    error: TrainerError | None = None


@contextmanager
def flash_errors(success: str | None = None, *, raises: tuple[type[TrainerError], ...] = ()) -> Iterator[Outcome]:
    """Around the service calls of a form post: a TrainerError discards the request's writes
    (:func:`trainer.unit_of_work.discard`) and becomes a flash of its Chinese message, except those of
    ``raises``, which go on to the error page; otherwise ``success`` is flashed. The block's ``Outcome``
    says which, so the view can show the form again or redirect."""
    outcome = Outcome()
    try:
        yield outcome
    except TrainerError as error:
        if isinstance(error, raises):
            raise
        unit_of_work.discard()
        flash(error.message, "error")
        outcome.ok, outcome.error = False, error
    else:
        if success:
            flash(success, "success")


def report(action, success: str) -> bool:
    """:func:`flash_errors` around one service call; returns whether it succeeded."""
    with flash_errors(success) as outcome:
        action()
    return outcome.ok
