"""The /api/v1 blueprint, bearer-token authentication, and the OpenAPI registry.

Every route is declared through :func:`operation`, which both registers the Flask route and records its
OpenAPI description, so the document cannot drift from the routes. Feature packages add their endpoints
by importing ``bp`` and ``operation`` from here.
"""

from functools import wraps

from flask import Blueprint, g, jsonify, request
from flask_login import current_user

from trainer.auth import tokens
from trainer.extensions import csrf
from trainer.timeutil import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens are not sent automatically by browsers; cookie callers are checked below

OPERATIONS: list[dict] = []
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def api_error(message: str, status: int, detail: str | None = None):
    body = {"error": message}
    if detail:
        body["detail"] = detail
    return jsonify(body), status


def current_api_user():
    return g.get("api_user")


def _authenticate():
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        found = tokens.user_for(header.removeprefix("Bearer ").strip(), now=utcnow())
        if found is None:
            return None
        g.api_token = found[1]
        return found[0]
    if current_user.is_authenticated:
        # The browser pages call the API with their session cookie: those requests need the CSRF token.
        if request.method not in SAFE_METHODS:
            csrf.protect()
        return current_user._get_current_object()
    return None


def operation(path: str, method: str, *, summary: str, auth: bool = True, roles: tuple[str, ...] | None = None,
              request_body: dict | None = None, responses: dict | None = None, parameters: list | None = None,
              tags: tuple[str, ...] = (), before_first_password: bool = False):
    """Declare an API endpoint: route + OpenAPI entry. ``path`` uses Flask syntax (``<int:id>``).
    An account that must still change its first password gets 403 unless ``before_first_password``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if auth:
                user = _authenticate()
                if user is None:
                    return api_error("需要登录或有效的访问令牌。", 401)
                if user.must_change_password and not before_first_password:
                    return api_error(tokens.FIRST_PASSWORD_MESSAGE, 403, "must_change_password")
                if roles and user.role not in roles:
                    return api_error("没有权限。", 403)
                g.api_user = user
            return view(*args, **kwargs)

        bp.add_url_rule(path, endpoint=view.__name__, view_func=wrapped, methods=[method])
        OPERATIONS.append({
            "path": path, "method": method.lower(), "summary": summary, "auth": auth, "tags": list(tags),
            "request_body": request_body, "responses": responses or {"200": {"description": "OK"}},
            "parameters": parameters or [],
        })
        return wrapped

    return decorator
