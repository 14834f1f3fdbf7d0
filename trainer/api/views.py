"""Core API endpoints: tokens, the current user, the OpenAPI document."""

from flask import current_app, jsonify, request

from trainer.api.core import api_error, bp, current_api_user, operation
from trainer.api.openapi import build_document
from trainer.auth import services, throttle
from trainer.errors import TrainerError
from trainer.extensions import db, limiter
from trainer.timeutil import utcnow

__all__ = ["bp"]

USER_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"},
        "employee_no": {"type": "string", "nullable": True}, "role": {"type": "string", "enum": ["trainee", "trainer", "admin"]},
        "position": {"type": "string"}, "unit": {"type": "string", "nullable": True},
        "must_change_password": {"type": "boolean"},
    },
}


def user_json(user) -> dict:
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name, "employee_no": user.employee_no,
        "role": user.role, "position": user.position, "unit": user.unit.full_name if user.unit else None,
        "must_change_password": user.must_change_password,
    }


@operation(
    "/tokens", "POST", summary="用用户名和密码换取访问令牌", auth=False, tags=("auth",),
    request_body={"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["username", "password"],
        "properties": {"username": {"type": "string", "minLength": 1}, "password": {"type": "string", "minLength": 1}}}}}},
    responses={"201": {"description": "令牌", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"token": {"type": "string"}, "expires_in_days": {"type": "integer"}}}}}},
        "429": {"description": "登录失败次数过多"}},
)
@limiter.limit(throttle.per_address_limit, deduct_when=throttle.counts_against_address)
def create_token():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("username"), str) or not isinstance(body.get("password"), str):
        return api_error("请求体应为 JSON:{\"username\": ..., \"password\": ...}", 400)
    try:
        user = throttle.sign_in(body["username"], body["password"], now=utcnow())
    except TrainerError as error:
        db.session.rollback()
        return api_error(error.message, 429 if error.status_code == 429 else 401)
    days = current_app.config["API_TOKEN_DAYS"]
    token = services.issue_token(user, days)
    db.session.commit()
    return jsonify(token=token, expires_in_days=days), 201


@operation("/me", "GET", summary="当前用户", tags=("auth",),
           responses={"200": {"description": "当前用户", "content": {"application/json": {"schema": USER_SCHEMA}}}})
def me():
    return jsonify(user_json(current_api_user()))


@operation("/openapi.json", "GET", summary="本 API 的 OpenAPI 3 文档", auth=False, tags=("meta",),
           responses={"200": {"description": "OpenAPI 文档", "content": {"application/json": {"schema": {"type": "object"}}}}})
def openapi_document():
    return jsonify(build_document())


# Feature API modules register their operations on import.
from trainer.assignments import api as _assignments_api  # noqa: E402,F401
from trainer.certification import api as _certification_api  # noqa: E402,F401
from trainer.quiz import api as _quiz_api  # noqa: E402,F401
from trainer.records import api as _records_api  # noqa: E402,F401
from trainer.roleplay import api as _roleplay_api  # noqa: E402,F401
