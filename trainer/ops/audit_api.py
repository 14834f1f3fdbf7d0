"""``GET /api/v1/audit-events``: the audit log for programs, with the page's filters and paging."""

from flask import jsonify, request

from trainer import audit_log
from trainer.api.core import api_error, current_api_user, operation
from trainer.errors import TrainerError
from trainer.extensions import db
from trainer.ids import db_int

EVENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "action": {"type": "string"},
    "action_label": {"type": "string", "description": "操作的中文名称"}, "target": {"type": "string"}, "details": {"type": "object"},
    "actor": {"type": "object", "nullable": True, "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"}}}}}
PARAMETERS = [
    {"name": "who", "in": "query", "schema": {"type": "string"}, "description": "操作人用户名或姓名的一部分"},
    {"name": "action", "in": "query", "schema": {"type": "string"}, "description": "操作,如 token.revoke;以 . 结尾表示前缀"},
    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "起始日期(含)"},
    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "截止日期(含)"},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
]


@operation("/audit-events", "GET", summary="审计日志(管理员:全部;培训师:本单位的)", roles=("trainer", "admin"),
           tags=("audit",), parameters=PARAMETERS,
           responses={"200": {"description": "一页审计记录", "content": {"application/json": {"schema": {
               "type": "object", "properties": {"events": {"type": "array", "items": EVENT}, "total": {"type": "integer"},
                                                "page": {"type": "integer"}, "pages": {"type": "integer"}}}}}}})
def audit_events():
    try:
        filters = audit_log.Filters.parse(request.args)
    except TrainerError as error:
        return api_error(error.message, 400, error.detail)
    page = request.args.get("page", 1, type=db_int)
    rows, total, pages = audit_log.page_of(db.session, current_api_user(), filters, page)
    return jsonify(events=[audit_log.event_json(e, who) for e, who in rows], total=total,
                   page=min(max(1, page), pages), pages=pages)
