"""/api/v1 for an HR system or an LMS: the unit tree and people.

Reading follows the pages' scope (a trainer sees his unit and the units below it, an admin everything);
writing people is for admins, as the staff import page is, and goes through the same plan and apply as
that page (:mod:`trainer.admin.staff_import`): the same checks, the same per-row diff, all or nothing.
"""

from flask import jsonify, request
from sqlalchemy import func, or_, select

from trainer.admin import staff_import
from trainer.api.bodies import validated_body
from trainer.api.core import api_error, current_api_user, operation
from trainer.api.params import PAGE_FIELDS, PAGED, json_body, ok, paginate, visible_unit
from trainer.auth import policy
from trainer.auth.models import ROLES, User
from trainer.errors import Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.org.models import UNIT_KINDS, Unit

STAFF = ("trainer", "admin")
UNIT_SCHEMA = {"type": "object", "required": ["id", "name", "full_name", "kind", "parent_id"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "full_name": {"type": "string", "description": "公司/供电所/班组"},
    "kind": {"type": "string", "enum": list(UNIT_KINDS)}, "kind_label": {"type": "string"},
    "parent_id": {"type": "integer", "nullable": True}, "depth": {"type": "integer"},
    "people": {"type": "integer", "description": "本单位(不含下级)的在用账号数"}}}
PERSON_SCHEMA = {"type": "object", "required": ["id", "username", "display_name", "role", "active"], "properties": {
    "id": {"type": "integer"}, "username": {"type": "string"}, "employee_no": {"type": "string", "nullable": True},
    "display_name": {"type": "string"}, "role": {"type": "string", "enum": list(ROLES)}, "position": {"type": "string"},
    "unit_id": {"type": "integer", "nullable": True}, "unit": {"type": "string", "nullable": True}, "active": {"type": "boolean"}}}
ROW_SCHEMA = {"type": "object", "required": ["row", "employee_no", "action", "changes"], "properties": {
    "row": {"type": "integer", "description": "people 中的序号(从 1 起);0 = 不在名单中、被全量同步停用"},
    "employee_no": {"type": "string"}, "name": {"type": "string"},
    "action": {"type": "string", "enum": list(staff_import.ACTIONS)}, "reason": {"type": "string"},
    "moved": {"type": "boolean", "description": "单位有变化(调动)"},
    "changes": {"type": "array", "items": {"type": "object", "properties": {
        "field": {"type": "string", "enum": list(staff_import.FIELDS)}, "label": {"type": "string"},
        "old": {"type": "string"}, "new": {"type": "string"}}}}}}
REPORT_SCHEMA = {"type": "object", "required": ["applied", "counts", "rows"], "properties": {
    "applied": {"type": "boolean", "description": "是否已写入(dry_run 或有被拒绝的行时为 false)"},
    "error": {"type": "string"},
    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
    "rows": {"type": "array", "items": ROW_SCHEMA}}}

PERSON_FIELDS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "\\S", "x-message": "name(姓名)应为 1–64 字。"},
    "position": {"type": "string", "maxLength": 32, "x-message": "position(岗位)不超过 32 字。"},
    "unit": {"type": "string", "minLength": 1, "maxLength": 300, "x-message": "unit 应为单位名称或完整路径(公司/供电所/班组)。"},
    "unit_id": {"type": "integer", "x-message": "unit_id 应为单位 id(整数)。"},
    "active": {"type": "boolean", "x-message": "active 应为 true(在职)或 false(离职,停用账号);不填则不改变。"},
}
UNIT_REQUIRED = [{"required": ["unit"]}, {"required": ["unit_id"]}]
PASSWORD = {"type": "string", "minLength": 8, "maxLength": 128, "x-message": "initial_password(新账号初始密码)至少 8 位。"}
PUT_BODY = {"type": "object", "required": ["name"], "anyOf": UNIT_REQUIRED,
            "x-message": "请求体应为 JSON 对象,含 name 和 unit(或 unit_id),可选 position、active、initial_password、dry_run。",
            "properties": {**PERSON_FIELDS, "initial_password": PASSWORD, "dry_run": {"type": "boolean"}}}
IMPORT_BODY = {"type": "object", "required": ["people"],
               "x-message": "请求体应为 JSON 对象,含 people 列表,可选 dry_run、disable_missing、initial_password。",
               "properties": {
                   "people": {"type": "array", "minItems": 1, "maxItems": staff_import.MAX_ROWS,
                              "x-message": f"people 应为 1–{staff_import.MAX_ROWS} 个人员的列表。",
                              "items": {"type": "object", "required": ["employee_no", "name"], "anyOf": UNIT_REQUIRED,
                                        "x-message": "每个人员应含 employee_no、name 和 unit(或 unit_id)。",
                                        "properties": {"employee_no": {"type": "string", "minLength": 1, "maxLength": 32,
                                                                       "x-message": "employee_no(工号)应为 1–32 字。"},
                                                       **PERSON_FIELDS}}},
                   "dry_run": {"type": "boolean"},
                   "disable_missing": {"type": "boolean", "description": "全量同步:停用名单所涉单位(含下级)中有工号、"
                                       "但不在 people 中的账号。默认 false:名单中没有的人员不受影响"},
                   "initial_password": PASSWORD}}
EMPLOYEE_NO = {"name": "employee_no", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 32}}


def unit_json(unit: Unit, people: int | None = None) -> dict:
    body = {"id": unit.id, "name": unit.name, "full_name": unit.full_name.replace(" ", ""), "kind": unit.kind,
            "kind_label": unit.kind_label, "parent_id": unit.parent_id, "depth": unit.depth}
    if people is not None:
        body["people"] = people
    return body


def person_json(user: User) -> dict:
    return {"id": user.id, "username": user.username, "employee_no": user.employee_no, "display_name": user.display_name,
            "role": user.role, "position": user.position or "", "unit_id": user.unit_id,
            "unit": user.unit.full_name.replace(" ", "") if user.unit else None, "active": user.active}


def _people_counts() -> dict[int, int]:
    query = select(User.unit_id, func.count(User.id)).where(User.active.is_(True)).group_by(User.unit_id)
    return dict(db.session.execute(query).all())


@operation("/units", "GET", summary="单位树(调用者可见的单位,按路径排序;parent_id 连成树)", roles=STAFF, tags=("org",),
           responses=ok("单位列表", {"type": "object", "properties": {"units": {"type": "array", "items": UNIT_SCHEMA}}}))
def list_units():
    counts = _people_counts()
    return jsonify(units=[unit_json(u, counts.get(u.id, 0)) for u in policy.visible_units(current_api_user())])


@operation("/units/<int:unit_id>", "GET", summary="一个单位及其直接下级", roles=STAFF, tags=("org",),
           responses={**ok("单位", {**UNIT_SCHEMA, "properties": {
               **UNIT_SCHEMA["properties"], "children": {"type": "array", "items": UNIT_SCHEMA}}}),
               "404": {"description": "单位不存在"}})
def get_unit(unit_id: int):
    unit = visible_unit(current_api_user(), unit_id)
    counts = _people_counts()
    return jsonify({**unit_json(unit, counts.get(unit.id, 0)), "children": [unit_json(c, counts.get(c.id, 0)) for c in unit.children]})


@operation("/people", "GET", summary="人员列表(调用者可见的人员)", roles=STAFF, tags=("people",),
           parameters=[{"name": "unit_id", "in": "query", "required": False, "schema": {"type": "integer"},
                        "description": "单位 id(含下级单位)"},
                       {"name": "role", "in": "query", "required": False, "schema": {"type": "string", "enum": list(ROLES)}},
                       {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64},
                        "description": "按用户名、姓名或工号查找"},
                       {"name": "active", "in": "query", "required": False, "schema": {"type": "boolean"}},
                       *PAGED],
           responses={**ok("一页人员", {"type": "object", "properties": {
               "people": {"type": "array", "items": PERSON_SCHEMA}, **PAGE_FIELDS}}), "404": {"description": "单位不存在"}})
def list_people():
    actor = current_api_user()
    query = policy.visible_users_query(actor)
    if request.args.get("unit_id"):
        raw = request.args["unit_id"]
        if not raw.lstrip("-").isdigit():
            raise ValidationFailed("unit_id 应为整数。", "bad unit_id")
        query = query.where(User.unit_id.in_(visible_unit(actor, int(raw)).subtree_ids()))
    role = request.args.get("role", "")
    if role:
        if role not in ROLES:
            raise ValidationFailed(f"role 应为 {'、'.join(ROLES)} 之一。", "bad role")
        query = query.where(User.role == role)
    text = request.args.get("q", "").strip()[:64]
    if text:
        like = f"%{text}%"
        query = query.where(or_(User.username.like(like), User.display_name.like(like), User.employee_no.like(like)))
    active = request.args.get("active", "")
    if active:
        if active not in ("true", "false"):
            raise ValidationFailed("active 应为 true 或 false。", "bad active")
        query = query.where(User.active.is_(active == "true"))
    page = paginate(query)
    return jsonify(people=[person_json(u) for u in page.pop("items")], **page)


@operation("/people/<employee_no>", "GET", summary="按工号查一个人员", roles=STAFF, tags=("people",),
           responses={**ok("人员", PERSON_SCHEMA), "404": {"description": "没有此工号"}})
def get_person(employee_no: str):
    person = db.session.scalar(select(User).where(User.employee_no == employee_no))
    if person is None:
        raise NotFound("没有此工号的人员。", f"no employee_no {employee_no!r}")
    if not policy.can_see_user(current_api_user(), person):
        raise Forbidden("没有权限查看该人员。", f"employee_no {employee_no!r} out of scope")
    return jsonify(person_json(person))


def _record(item: dict, employee_no: str) -> dict:
    """A JSON person as the staff import reads a row (the same keys, the same texts)."""
    unit_text = item.get("unit", "").strip()
    if "unit_id" in item:
        unit = db.session.get(Unit, item["unit_id"]) if -(2**31) <= item["unit_id"] < 2**31 else None
        unit_text = unit.full_name.replace(" ", "") if unit is not None else f"单位 id {item['unit_id']}"
    status = {True: "在职", False: "离职"}.get(item.get("active"), "")
    return {"employee_no": employee_no.strip(), "display_name": item["name"].strip(),
            "position": item.get("position", "").strip(), "unit": unit_text, "status": status}


def _report(result, *, applied: bool, status: int, error: str = ""):
    body = {"applied": applied, "counts": result.counts(), "rows": [r.as_json() for r in result.rows]}
    if error:
        body["error"] = error
    return jsonify(body), status


def _run(records: list[dict], *, dry_run: bool, disable_missing: bool, password: str | None, source: str):
    actor = current_api_user()
    result = staff_import.plan(records, disable_missing=disable_missing, actor=actor, first_row=1)
    if result.rejected:
        return result, _report(result, applied=False, status=422,
                               error=f"有 {len(result.rejected)} 个人员无法导入,本次未写入任何人员。")
    if dry_run:
        return result, _report(result, applied=False, status=200)
    staff_import.apply_plan(result, initial_password=password, actor=actor, source=source)
    return result, None


@operation("/people/<employee_no>", "PUT", summary="按工号新建或更新一个人员(人事系统同步;规则同人员导入)", roles=("admin",),
           tags=("people",), request_body=json_body(PUT_BODY),
           responses={**ok("已更新(或 dry_run 的预览)", REPORT_SCHEMA), **ok("已新建", REPORT_SCHEMA, "201"),
                      **ok("被拒绝,未写入(rows[0].reason 说明原因)", REPORT_SCHEMA, "422")})
def put_person(employee_no: str):
    body = validated_body(json_body(PUT_BODY))
    if not employee_no.strip() or len(employee_no) > 32:
        return api_error("工号应为 1–32 字。", 400, "bad employee_no")
    result, response = _run([_record(body, employee_no)], dry_run=body.get("dry_run", False), disable_missing=False,
                            password=body.get("initial_password"), source=f"api:PUT /people/{employee_no}")
    if response is not None:
        return response
    return _report(result, applied=True, status=201 if result.rows[0].action == "created" else 200)


@operation("/people/import", "POST", summary="批量导入人员(规则、逐人差异与全部或全不同人员导入页面)", roles=("admin",),
           tags=("people",), request_body=json_body(IMPORT_BODY),
           responses={**ok("已导入(或 dry_run 的预览)", REPORT_SCHEMA),
                      **ok("有人员被拒绝,未写入任何人员", REPORT_SCHEMA, "422")})
def import_people():
    body = validated_body(json_body(IMPORT_BODY))
    records = [_record(item, item["employee_no"]) for item in body["people"]]
    result, response = _run(records, dry_run=body.get("dry_run", False), disable_missing=body.get("disable_missing", False),
                            password=body.get("initial_password"), source="api:POST /people/import")
    return response if response is not None else _report(result, applied=True, status=200)
