"""Core API endpoints: tokens, the current user, the OpenAPI document."""

from flask import current_app, g, jsonify

from trainer.api.bodies import validated_body
from trainer.api.core import api_error, bp, current_api_user, operation
from trainer.api.openapi import build_document
from trainer.auth import throttle, tokens
from trainer.auth.models import User
from trainer.errors import TrainerError
from trainer.extensions import db, limiter
from trainer.timeutil import utcnow
from trainer.unit_of_work import keep_on_error

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


TOKEN_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["username", "password"], "x-message": "请求体应为 JSON:{\"username\": ..., \"password\": ...}",
    "properties": {"username": {"type": "string", "minLength": 1}, "password": {"type": "string", "minLength": 1}}}}}}


@operation(
    "/tokens", "POST", summary="用用户名和密码换取访问令牌", auth=False, tags=("auth",),
    request_body=TOKEN_BODY,
    responses={"201": {"description": "令牌", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"token": {"type": "string"}, "expires_in_days": {"type": "integer"}}}}}},
        "429": {"description": "登录失败次数过多"}},
)
@limiter.limit(throttle.per_address_limit, deduct_when=throttle.counts_against_address)
def create_token():
    body = validated_body(TOKEN_BODY)
    try:
        user = throttle.sign_in(body["username"], body["password"], now=utcnow())
    except TrainerError as error:
        return api_error(error.message, 429 if error.status_code == 429 else 401)
    days = current_app.config["API_TOKEN_DAYS"]
    try:
        row, token = tokens.issue(user, days)
    except TrainerError as error:
        keep_on_error()  # the sign-in itself succeeded: keep its address
        return api_error(error.message, error.status_code, error.detail)
    return jsonify(token=token, id=row.id, expires_in_days=days), 201


TOKEN_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
    "expires_at": {"type": "string", "format": "date-time"}, "current": {"type": "boolean"}}}


@operation("/tokens", "GET", summary="我的有效访问令牌(不含令牌本身)", tags=("auth",),
           responses={"200": {"description": "令牌列表", "content": {"application/json": {"schema": {
               "type": "object", "properties": {"tokens": {"type": "array", "items": TOKEN_SCHEMA}}}}}}})
def list_tokens():
    current = g.get("api_token")
    rows = tokens.active(current_api_user(), utcnow())
    return jsonify(tokens=[{"id": r.id, "created_at": r.created_at.isoformat() + "Z", "expires_at": r.expires_at.isoformat() + "Z",
                            "current": current is not None and r.id == current.id} for r in rows])


@operation("/tokens/<int:token_id>", "DELETE", summary="撤销一个访问令牌(本人的;管理员可撤销任何人的)", tags=("auth",),
           responses={"200": {"description": "已撤销"}, "404": {"description": "令牌不存在"}})
def revoke_token(token_id: int):
    row = tokens.revoke(current_api_user(), token_id, now=utcnow())  # a TrainerError: its status, as JSON
    return jsonify(revoked=row.id)


@operation("/users/<int:user_id>/tokens", "DELETE", summary="撤销某人的全部访问令牌(本人;管理员可撤销任何人的)",
           tags=("auth",), responses={"200": {"description": "撤销的数量"}, "404": {"description": "人员不存在"}})
def revoke_user_tokens(user_id: int):
    person = db.session.get(User, user_id)
    actor = current_api_user()
    if person is None or (person.id != actor.id and actor.role != "admin"):  # others' ids: as if absent
        return api_error("人员不存在。", 404)
    count = tokens.revoke_all_for(actor, person, now=utcnow())
    return jsonify(revoked=count)


@operation("/me", "GET", summary="当前用户", tags=("auth",), before_first_password=True,
           responses={"200": {"description": "当前用户", "content": {"application/json": {"schema": USER_SCHEMA}}}})
def me():
    return jsonify(user_json(current_api_user()))


@operation("/openapi.json", "GET", summary="本 API 的 OpenAPI 3 文档", auth=False, tags=("meta",),
           responses={"200": {"description": "OpenAPI 文档", "content": {"application/json": {"schema": {"type": "object"}}}}})
def openapi_document():
    return jsonify(build_document())
