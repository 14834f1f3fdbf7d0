"""Request bodies validated by jsonschema against the declared schema (trainer/api/bodies.py)."""

import pytest
from flask import Flask

from trainer.api.bodies import GENERAL_MESSAGE, json_schema, validated_body
from trainer.errors import ValidationFailed

BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["name"], "x-message": "请求体应为 JSON 对象。",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "day": {"type": "string", "format": "date", "nullable": True, "x-message": "day 应为 YYYY-MM-DD 格式的日期。"},
        "tags": {"type": "array", "items": {"type": "string", "x-message": "每个标签应为文字。"}},
        "secret": {"type": "integer"},
    }}}}}


def _check(**kwargs):
    with Flask(__name__).test_request_context("/", method="POST", **kwargs):
        return validated_body(BODY)


def _refused(**kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        _check(**kwargs)
    assert refused.value.status_code == 400
    return refused.value


def test_a_valid_body_comes_back_as_sent():
    assert _check(json={"name": "a", "day": None, "tags": ["x"]}) == {"name": "a", "day": None, "tags": ["x"]}


def test_the_failing_fields_own_message_else_the_nearest_enclosing_one():
    assert _refused(json={"name": "a", "day": "31/12/2026"}).message == "day 应为 YYYY-MM-DD 格式的日期。"
    assert _refused(json={"name": "a", "tags": ["x", 3]}).message == "每个标签应为文字。"
    missing = _refused(json={"day": "2026-01-01"})
    assert missing.message == "请求体应为 JSON 对象。" and missing.detail == "body: 'name' is a required property"
    assert _refused(data="not json", content_type="application/json").message == "请求体应为 JSON 对象。"


def test_the_detail_names_field_and_rule_never_the_value():
    refused = _refused(json={"name": "a", "secret": "hunter2-password"})
    assert refused.detail == "secret: expected type 'integer', got str" and "hunter2" not in refused.detail
    assert _refused(json={"name": ""}).detail == "name: violates minLength 1"


def test_openapi_nullable_becomes_json_schema_null():
    assert json_schema({"type": "string", "nullable": True}) == {"type": ["string", "null"]}
    assert json_schema({"properties": {"a": {"type": "integer", "nullable": False}}}) == {"properties": {"a": {"type": "integer"}}}


def test_no_message_anywhere_falls_back_to_the_general_one():
    bare = {"content": {"application/json": {"schema": {"type": "object"}}}}
    with Flask(__name__).test_request_context("/", method="POST", json=[1]), pytest.raises(ValidationFailed) as refused:
        validated_body(bare)
    assert refused.value.message == GENERAL_MESSAGE


def test_api_modules_read_bodies_only_through_validated_body():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "trainer"
    modules = [*root.glob("*/api.py"), *root.glob("*/*_api.py"), root / "api" / "views.py"]
    readers = [str(m.relative_to(root)) for m in modules if "get_json" in m.read_text(encoding="utf-8")]
    assert len(modules) >= 6 and readers == []
