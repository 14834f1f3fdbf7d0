"""/api/v1 endpoints for hours: own record, the unit report, classroom sessions."""

from datetime import date

from flask import jsonify, request
from sqlalchemy import select

from trainer.api.bodies import validated_body
from trainer.api.core import api_error, current_api_user, operation
from trainer.api.params import json_body, ok
from trainer.auth.models import User
from trainer.extensions import db
from trainer.ids import db_int
from trainer.org.models import Unit
from trainer.records import classroom, report, services
from trainer.timeutil import utcnow

YEAR = {"name": "year", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "description": "训练年度(北京时间的自然年),默认今年"}
UNIT = {"name": "unit", "in": "query", "required": False, "schema": {"type": "integer"},
        "description": "单位 id(含下级单位);默认调用者可见的全部单位"}
ENTRY_SCHEMA = {"type": "object", "properties": {
    "date": {"type": "string", "format": "date"}, "source": {"type": "string", "enum": ["module", "scenario", "classroom", "adjustment"]},
    "title": {"type": "string"}, "category": {"type": "string"}, "minutes": {"type": "integer"}, "reason": {"type": "string"},
    "active_minutes": {"type": "integer", "nullable": True,
                       "description": "课程单元:计入时的有效学习时长(分钟);规则实施前计入及其他来源为 null"},
    "active_from": {"type": "string", "format": "date", "nullable": True},
    "active_to": {"type": "string", "format": "date", "nullable": True}}}
HOURS_SCHEMA = {"type": "object", "properties": {
    "year": {"type": "integer"}, "username": {"type": "string"}, "required_minutes": {"type": "integer"},
    "counted_minutes": {"type": "integer"}, "missing_minutes": {"type": "integer"}, "compliant": {"type": "boolean"},
    "by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
    "counted_categories": {"type": "array", "items": {"type": "string"}},
    "deadline": {"type": "string", "format": "date"}, "days_left": {"type": "integer"},
    "entries": {"type": "array", "items": ENTRY_SCHEMA}}}
ROW_SCHEMA = {"type": "object", "required": ["username", "unit", "ethics_minutes", "law_minutes", "other_minutes",
                                             "required_minutes", "compliant"], "properties": {
    "user_id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"},
    "unit": {"type": "string"}, "active": {"type": "boolean"}, "ethics_minutes": {"type": "integer"},
    "law_minutes": {"type": "integer"}, "other_minutes": {"type": "integer"}, "counted_minutes": {"type": "integer"},
    "required_minutes": {"type": "integer"}, "missing_minutes": {"type": "integer"}, "compliant": {"type": "boolean"},
    "active_minutes": {"type": "integer", "description": "该年度有效学习时长(分钟,全部活动)"},
    "active_counted_minutes": {"type": "integer", "description": "其中计入年度要求的类别(分钟)"}}}
SESSION_BODY = {"type": "object", "required": ["unit_id", "held_on", "topic", "category", "minutes", "attendees"],
                "x-message": "请求体应为 JSON 对象,含 unit_id、held_on、topic、category、minutes 和 attendees。", "properties": {
    "unit_id": {"type": "integer", "x-message": "缺少字段或类型错误:unit_id"},
    "held_on": {"type": "string", "format": "date", "x-message": "held_on 应为 YYYY-MM-DD 格式的日期。"},
    "topic": {"type": "string", "maxLength": 200, "x-message": "请填写培训主题(不超过 200 字)。"},
    "category": {"type": "string", "enum": ["ethics", "law", "service", "business"], "x-message": "学时类别无效。"},
    "minutes": {"type": "integer", "minimum": 1, "maximum": 600, "x-message": "minutes 应为 1 到 600 的整数。"},
    "note": {"type": "string", "maxLength": 2000, "nullable": True, "x-message": "备注最多 2000 字。"},
    "attendees": {"type": "array", "minItems": 1, "x-message": "attendees 应为非空的用户名或工号列表。", "description": "用户名或工号",
                  # a 工号 may come as a JSON number; either way it must not be blank
                  "items": {"anyOf": [{"type": "string", "pattern": "\\S"}, {"type": "integer"}]}}}}


def api_year() -> int | None:
    raw = request.args.get("year", "")
    if raw == "":
        return services.hours_policy().year_of(utcnow())
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


@operation("/hours", "GET", summary="本人某年度的学时记录", tags=("hours",), parameters=[YEAR],
           responses=ok("学时汇总与明细", HOURS_SCHEMA))
def my_hours_api():
    user, year = current_api_user(), api_year()
    if year is None:
        return api_error("year 应为 2000–2100 之间的年份。", 400, "bad year")
    rules, summary = services.hours_policy(), services.year_summary(user, year)
    return jsonify(
        year=year, username=user.username, required_minutes=summary.target_minutes, counted_minutes=summary.counted_minutes,
        missing_minutes=summary.missing_minutes, compliant=summary.compliant, by_category=summary.by_category,
        counted_categories=list(rules.categories), deadline=rules.deadline_date(year).isoformat(),
        days_left=rules.days_left(utcnow(), year),
        entries=[{"date": e.occurred_on.isoformat(), "source": e.source, "title": e.title, "category": e.category,
                  "minutes": e.minutes, "reason": e.reason, "active_minutes": e.active_minutes,
                  "active_from": e.active_from and e.active_from.isoformat(), "active_to": e.active_to and e.active_to.isoformat()}
                 for e in services.entries(user, year)],
    )


@operation("/reports/hours", "GET", summary="单位年度学时报表(调用者管理的单位)", roles=("trainer", "admin"),
           tags=("hours",), parameters=[YEAR, UNIT],
           responses={**ok("每人一行", {"type": "object", "properties": {
               "year": {"type": "integer"}, "rows": {"type": "array", "items": ROW_SCHEMA}}}), "404": {"description": "单位不存在"}})
def hours_report_api():
    year = api_year()
    if year is None:
        return api_error("year 应为 2000–2100 之间的年份。", 400, "bad year")
    unit = None
    if request.args.get("unit"):
        unit_id = request.args.get("unit", type=db_int)
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None:
            return api_error("单位不存在。", 404, f"no unit {request.args.get('unit')!r}")
    rows = report.hours_report(current_api_user(), year, unit)
    return jsonify(year=year, rows=[row.as_json() for row in rows])


@operation("/classroom-sessions", "POST", summary="记录一次集中培训,为每位参训人员计入学时", roles=("trainer", "admin"),
           tags=("hours",), request_body=json_body(SESSION_BODY),
           responses=ok("已记录", {"type": "object", "properties": {
               "id": {"type": "integer"}, "credited": {"type": "integer"},
               "attendees": {"type": "array", "items": {"type": "string"}}}}, "201"))
def create_classroom_session():
    body = validated_body(json_body(SESSION_BODY))
    actor = current_api_user()
    unit = db.session.get(Unit, body["unit_id"])
    if unit is None:
        return api_error("单位不存在。", 404, f"no unit {body['unit_id']}")
    wanted = [str(a).strip() for a in body["attendees"]]
    people = list(db.session.scalars(select(User).where((User.username.in_(wanted)) | (User.employee_no.in_(wanted)))))
    known = {p.username for p in people} | {p.employee_no for p in people if p.employee_no}
    missing = [a for a in wanted if a not in known]
    if missing:
        return api_error("找不到这些人员:" + "、".join(missing[:20]), 400, f"unknown attendees {missing[:20]}")
    session = classroom.record_session(
        actor, unit=unit, held_on=date.fromisoformat(body["held_on"]), topic=body["topic"], category=body["category"],
        minutes=body["minutes"], attendees=people, now=utcnow(), note=body.get("note") or "")
    names = [p.username for p in classroom.attendees(session)]
    return jsonify(id=session.id, credited=len(names), attendees=names), 201

