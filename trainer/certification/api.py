"""/api/v1/qualifications/status: the people × qualifications matrix as JSON."""

from flask import jsonify, request
from sqlalchemy import select

from trainer.api.core import api_error, current_api_user, operation
from trainer.auth import policy
from trainer.auth.models import User
from trainer.certification import services
from trainer.extensions import db
from trainer.ids import db_int
from trainer.org.models import Unit
from trainer.records.report import REPORTED_ROLES, unit_names
from trainer.timeutil import utcnow

STATUS_ROW = {"type": "object", "properties": {
    "username": {"type": "string"}, "display_name": {"type": "string"}, "unit": {"type": "string"},
    "qualifications": {"type": "array", "items": {"type": "object", "properties": {
        "key": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "string", "enum": ["not_started", "in_progress", "certified", "expiring", "expired", "revoked"]},
        "requirements_met": {"type": "integer"}, "requirements_total": {"type": "integer"},
        "granted_at": {"type": "string", "format": "date-time", "nullable": True},
        "expires_at": {"type": "string", "format": "date-time", "nullable": True}}}}}}


@operation("/qualifications/status", "GET", summary="上岗资格状态(培训师:所管单位的人员;学员:本人)", tags=("qualifications",),
           parameters=[{"name": "unit", "in": "query", "required": False, "schema": {"type": "integer"},
                        "description": "单位 id(含下级单位)"}],
           responses={"200": {"description": "每人一行", "content": {"application/json": {"schema": {
               "type": "object", "properties": {"rows": {"type": "array", "items": STATUS_ROW}}}}}},
               "404": {"description": "单位不存在"}})
def qualification_status_api():
    actor, now = current_api_user(), utcnow()
    query = policy.visible_users_query(actor).where(User.active.is_(True), User.role.in_(REPORTED_ROLES))
    if request.args.get("unit"):
        unit_id = request.args.get("unit", type=db_int)
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None:
            return api_error("单位不存在。", 404, f"no unit {request.args.get('unit')!r}")
        if not policy.can_see_unit(actor, unit):
            return api_error("您无权查看该单位。", 403, f"user {actor.id} may not see unit {unit.id}")
        query = query.where(User.unit_id.in_(unit.subtree_ids()))
    elif actor.role not in policy.STAFF_ROLES:
        query = select(User).where(User.id == actor.id)  # a trainee sees only themself
    quals = services.active_qualifications()
    people = list(db.session.scalars(query))
    table = services.cells([p.id for p in people] if len(people) < 500 else query.with_only_columns(User.id).order_by(None),
                           quals, now)
    names = unit_names()
    rows = []
    for person in people:
        entries = []
        for q in quals:
            cell = table[(person.id, q.id)]
            latest = cell.latest
            entries.append({
                "key": q.key, "title": q.title, "status": cell.status, "requirements_met": cell.done,
                "requirements_total": len(cell.items),
                "granted_at": latest.granted_at.isoformat() + "Z" if latest else None,
                "expires_at": latest.expires_at.isoformat() + "Z" if latest else None,
            })
        rows.append({"username": person.username, "display_name": person.display_name,
                     "unit": names.get(person.unit_id, ""), "qualifications": entries})
    return jsonify(rows=rows)
