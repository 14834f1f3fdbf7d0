"""/api/v1/courses: the course catalogue (courses → modules) for an LMS that lists or assigns them."""

from flask import jsonify

from trainer.api.core import operation
from trainer.api.params import ok
from trainer.content.model import CREDIT_CATEGORIES
from trainer.courses import services

MODULE_SCHEMA = {"type": "object", "required": ["id", "key", "title", "hours", "category"], "properties": {
    "id": {"type": "integer"}, "key": {"type": "string"}, "title": {"type": "string"},
    "hours": {"type": "number", "description": "通过后计入的学时"}, "minutes": {"type": "integer"},
    "category": {"type": "string", "enum": list(CREDIT_CATEGORIES)}, "category_label": {"type": "string"},
    "scenarios": {"type": "array", "items": {"type": "string"}, "description": "配套情景演练的 key"}}}
COURSE_SCHEMA = {"type": "object", "required": ["id", "key", "title", "modules"], "properties": {
    "id": {"type": "integer"}, "key": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
    "hours": {"type": "number"}, "modules": {"type": "array", "items": MODULE_SCHEMA}}}


def module_json(module) -> dict:
    return {"id": module.id, "key": module.key, "title": module.title, "hours": module.credit_minutes / 60,
            "minutes": module.credit_minutes, "category": module.credit_category,
            "category_label": CREDIT_CATEGORIES.get(module.credit_category, module.credit_category),
            "scenarios": list(module.scenario_keys_json or [])}


@operation("/courses", "GET", summary="课程目录:课程及其单元(学时、类别)", tags=("catalogue",),
           responses=ok("课程列表", {"type": "object", "properties": {"courses": {"type": "array", "items": COURSE_SCHEMA}}}))
def list_courses():
    courses = []
    for course in services.active_courses():
        modules = [module_json(m) for m in course.modules if not m.retired]
        courses.append({"id": course.id, "key": course.key, "title": course.title, "description": course.description,
                        "hours": sum(m["minutes"] for m in modules) / 60, "modules": modules})
    return jsonify(courses=courses)
