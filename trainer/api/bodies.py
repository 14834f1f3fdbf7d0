"""Request bodies checked by jsonschema against the schema their operation declares (the same dict the OpenAPI
document shows), so the check and the document cannot drift apart.

A failing body is a :class:`ValidationFailed` (400): its Chinese message is the ``x-message`` of the failing
field's schema, else of the nearest enclosing schema that has one, else a general one; its English detail names
the field and the rule. The detail never repeats the value sent (it could be a password).
"""

from flask import request
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError, best_match

from trainer.errors import ValidationFailed

MESSAGE = "x-message"
GENERAL_MESSAGE = "请求体不符合接口说明。"

_validators: dict[int, tuple[dict, Draft7Validator]] = {}


def validated_body(request_body: dict) -> dict:
    """The request's JSON body if it is valid against ``request_body`` (an OpenAPI requestBody object)."""
    schema = request_body["content"]["application/json"]["schema"]
    body = request.get_json(silent=True)  # not JSON at all: None, which fails "type": "object"
    error = best_match(_validator(schema).iter_errors(body))
    if error is not None:
        raise ValidationFailed(_message(schema, error), _detail(error))
    return body


def _validator(schema: dict) -> Draft7Validator:
    cached = _validators.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _validators[id(schema)] = (schema, Draft7Validator(
            json_schema(schema), format_checker=Draft7Validator.FORMAT_CHECKER))
    return cached[1]


def json_schema(schema):
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema (``type: [t, "null"]``); everything else as it is."""
    if isinstance(schema, list):
        return [json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: json_schema(value) for key, value in schema.items()}
    if converted.pop("nullable", False) and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    return converted


def _message(schema: dict, error: ValidationError) -> str:
    found, node = schema.get(MESSAGE), schema
    for step in error.path:
        node = node.get("items", {}) if isinstance(step, int) else node.get("properties", {}).get(step, {})
        found = node.get(MESSAGE, found)
    return found or GENERAL_MESSAGE


def _detail(error: ValidationError) -> str:
    where = ".".join(str(step) for step in error.path) or "body"
    if error.validator == "required":
        return f"{where}: {error.message}"  # "'key' is a required property": names the key, not a value
    if error.validator == "type":
        return f"{where}: expected type {error.validator_value!r}, got {type(error.instance).__name__}"
    return f"{where}: violates {error.validator} {error.validator_value!r}"
