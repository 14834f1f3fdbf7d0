"""/api/v1: my assignments; a unit's assignments (list, create) for trainers."""

from datetime import date

from flask import jsonify

from trainer.api.bodies import validated_body
from trainer.api.core import api_error, current_api_user, operation
from trainer.assignments import report, services
from trainer.assignments.models import ITEM_KINDS
from trainer.auth import policy
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.timeutil import utcnow

PROGRESS = {"type": "object", "properties": {"done": {"type": "integer"}, "total": {"type": "integer"},
                                             "percent": {"type": "integer"}, "complete": {"type": "boolean"}}}
MY_ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string", "enum": list(ITEM_KINDS)}, "key": {"type": "string"},
        "title": {"type": "string"}, "due_date": {"type": "string", "format": "date", "nullable": True},
        "days_left": {"type": "integer", "nullable": True},
        "status": {"type": "string", "enum": ["done", "overdue", "due-soon", "pending"]},
        "progress": PROGRESS, "next": {"type": "object", "nullable": True, "properties": {
            "title": {"type": "string"}, "kind": {"type": "string"}, "key": {"type": "string"},
            "step": {"type": "string", "nullable": True}}},
    },
}
UNIT_ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"}, "key": {"type": "string"}, "title": {"type": "string"},
        "due_date": {"type": "string", "format": "date", "nullable": True},
        "due_days": {"type": "integer", "nullable": True}, "targets": {"type": "array", "items": {"type": "string"}},
        "people": {"type": "integer"}, "done": {"type": "integer"}, "overdue": {"type": "integer"},
    },
}
CREATE_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["kind", "key"], "x-message": "请求体应为 JSON,至少包含 kind 和 key。",
    "properties": {
        "kind": {"type": "string", "enum": list(ITEM_KINDS), "x-message": "培训内容类型无效。"},
        "key": {"type": "string"},
        "due_date": {"type": "string", "format": "date", "nullable": True, "x-message": "due_date 应为 YYYY-MM-DD 格式的日期。",
                     "description": "YYYY-MM-DD, Asia/Shanghai; or due_days"},
        "due_days": {"type": "integer", "minimum": 1, "maximum": services.MAX_DUE_DAYS, "nullable": True,
                     "x-message": f"完成天数应在 1 到 {services.MAX_DUE_DAYS} 天之间。"},
        "positions": {"type": "array", "items": {"type": "string"}, "nullable": True, "description": "only people with these 岗位",
                      "x-message": "positions 应为字符串列表。"},
        "note": {"type": "string", "x-message": "note 应为字符串。"},
    },
}}}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def my_item_json(item: services.PersonItem) -> dict:
    p = item.progress
    return {
        "id": item.assignment.id, "kind": item.assignment.item_kind, "key": item.assignment.item_key,
        "title": item.assignment.title, "due_date": item.due.isoformat() if item.due else None,
        "days_left": item.days_left, "status": item.status,
        "progress": {"done": p.done, "total": p.total, "percent": p.percent, "complete": p.complete},
        "next": {"title": p.next_title, "kind": p.next_kind, "key": p.next_ref, "step": p.next_step} if p.next_title else None,
    }


@operation("/my/assignments", "GET", summary="我的培训任务(待完成在前,按截止日期排序)", tags=("assignments",),
           responses={"200": _json({"type": "object", "properties": {"assignments": {"type": "array", "items": MY_ITEM}}},
                                   "培训任务")})
def my_assignments():
    todo, done = services.my_items(current_api_user(), utcnow())
    return jsonify(assignments=[my_item_json(i) for i in todo + done])


def _unit_or_error(unit_id: int):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        return None, api_error("单位不存在。", 404)
    if not policy.can_see_unit(current_api_user(), unit):
        return None, api_error("没有权限。", 403, f"unit {unit_id} is outside your units")
    return unit, None


@operation("/units/<int:unit_id>/assignments", "GET", summary="某单位的培训任务及完成情况(培训师)", roles=("trainer", "admin"),
           tags=("assignments",), responses={"200": _json({"type": "object", "properties": {
               "assignments": {"type": "array", "items": UNIT_ITEM}}}, "培训任务"), "404": {"description": "单位不存在"}})
def unit_assignments(unit_id: int):
    unit, error = _unit_or_error(unit_id)
    if error:
        return error
    actor, now = current_api_user(), utcnow()
    subtree = set(unit.subtree_ids())
    result = []
    for assignment in services.visible_assignments(actor):
        data = report.build(actor, assignment, now)
        items = [i for i in data.items if i.user.unit_id in subtree]
        if not items and not any(t.unit_id == unit.id for t in assignment.targets):
            continue
        result.append({
            "id": assignment.id, "kind": assignment.item_kind, "key": assignment.item_key, "title": assignment.title,
            "due_date": assignment.due_date.isoformat() if assignment.due_date else None, "due_days": assignment.due_days,
            "targets": report.describe_targets(assignment), "people": len(items),
            "done": sum(1 for i in items if i.complete), "overdue": sum(1 for i in items if i.status == "overdue"),
        })
    return jsonify(assignments=result)


@operation("/units/<int:unit_id>/assignments", "POST", summary="给单位(含下级单位)分配培训(培训师)", roles=("trainer", "admin"),
           tags=("assignments",), request_body=CREATE_BODY,
           responses={"201": _json(UNIT_ITEM, "已创建"), "404": {"description": "单位不存在"}})
def create_unit_assignment(unit_id: int):
    unit, error = _unit_or_error(unit_id)
    if error:
        return error
    body = validated_body(CREATE_BODY)
    due_date = date.fromisoformat(body["due_date"]) if body.get("due_date") is not None else None
    due_days = body.get("due_days")
    positions = body.get("positions") or []
    assignment = services.create_assignment(  # a TrainerError: its status, as JSON (trainer/web.py)
        current_api_user(), item_kind=body["kind"], item_key=body["key"], due_date=due_date, due_days=due_days,
        units=[unit], positions=positions, note=body.get("note", ""), source="api", now=utcnow(),
    )
    data = report.build(current_api_user(), assignment, utcnow())
    return jsonify({
        "id": assignment.id, "kind": assignment.item_kind, "key": assignment.item_key, "title": assignment.title,
        "due_date": assignment.due_date.isoformat() if assignment.due_date else None, "due_days": assignment.due_days,
        "targets": report.describe_targets(assignment), "people": data.tally.total, "done": data.tally.done,
        "overdue": data.tally.overdue,
    }), 201
