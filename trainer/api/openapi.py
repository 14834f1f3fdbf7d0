"""Builds the OpenAPI 3 document from the operations registered in :mod:`trainer.api.core`."""

import re

from trainer.api.core import OPERATIONS

FLASK_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
ERROR = {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _path_parameters(path: str) -> list[dict]:
    params = []
    for converter, name in FLASK_PARAM.findall(path):
        kind = "integer" if converter == "int" else "string"
        params.append({"name": name, "in": "path", "required": True, "schema": {"type": kind}})
    return params


def operation_id(method: str, path: str) -> str:
    """The ``operationId`` of the operation registered as ``path`` (Flask syntax) and ``method``; links name it."""
    return f"{method}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}"


def build_document() -> dict:
    paths: dict = {}
    for op in OPERATIONS:
        url = "/api/v1" + FLASK_PARAM.sub(r"{\2}", op["path"])
        entry = {
            "summary": op["summary"],
            "operationId": operation_id(op["method"], op["path"]),
            "parameters": _path_parameters(op["path"]) + op["parameters"],
            "responses": {**op["responses"], "400": ERROR},
        }
        if op["tags"]:
            entry["tags"] = op["tags"]
        if op["auth"]:
            entry["security"] = [{"bearerAuth": []}]
            entry["responses"].update({"401": ERROR, "403": ERROR})
        else:
            entry["security"] = []
        if op["request_body"]:
            entry["requestBody"] = op["request_body"]
        paths.setdefault(url, {})[op["method"]] = entry
    return {
        "openapi": "3.0.3",
        "info": {"title": "供电营业服务规范培训平台 API", "version": "1.0.0"},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"],
                          "properties": {"error": {"type": "string"}, "detail": {"type": "string"}}},
            },
        },
    }
