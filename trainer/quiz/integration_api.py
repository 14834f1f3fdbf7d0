"""/api/v1 for other systems: question banks (list, export, import with the same preview as the page) and a
unit's exam results. The trainee-facing exam endpoints are in :mod:`trainer.quiz.api`."""

import base64
import binascii

from flask import Response, jsonify, request
from sqlalchemy import select

from trainer.api.bodies import validated_body
from trainer.api.core import current_api_user, operation
from trainer.api.params import (
    DATE_FROM,
    DATE_TO,
    PAGE_FIELDS,
    PAGED,
    date_range,
    json_body,
    ok,
    paginate,
    visible_unit,
)
from trainer.auth import policy
from trainer.auth.models import User
from trainer.errors import ValidationFailed
from trainer.quiz import banks
from trainer.quiz.bankio import IMPORT_MODES, STATUS_LABELS
from trainer.quiz.models import Exam, QuizAttempt

STAFF = ("trainer", "admin")
BANK_SCHEMA = {"type": "object", "required": ["key", "title", "origin"], "properties": {
    "key": {"type": "string"}, "title": {"type": "string"},
    "origin": {"type": "string", "description": "content 内置(内容文件维护)/ trainer 培训师导入"},
    "unit": {"type": "string", "nullable": True}, "questions": {"type": "integer", "description": "在用题目数"},
    "retired": {"type": "boolean"}, "writable": {"type": "boolean", "description": "调用者可以导入覆盖"}}}
ITEM_SCHEMA = {"type": "object", "properties": {
    "number": {"type": "integer"}, "name": {"type": "string"}, "code": {"type": "string"},
    "generated_code": {"type": "boolean"}, "status": {"type": "string", "enum": list(STATUS_LABELS)},
    "status_label": {"type": "string"}, "type": {"type": "string"}, "file_type": {"type": "string"},
    "reasons": {"type": "array", "items": {"type": "string"}}, "warnings": {"type": "array", "items": {"type": "string"}},
    "stem": {"type": "string"}}}
IMPORT_RESULT = {"type": "object", "required": ["applied", "counts", "items"], "properties": {
    "applied": {"type": "boolean"}, "format": {"type": "string"},
    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
    "items": {"type": "array", "items": ITEM_SCHEMA},
    "errors": {"type": "array", "items": {"type": "string"}}, "notes": {"type": "array", "items": {"type": "string"}},
    "bank": {"type": "object", "nullable": True, "properties": {"key": {"type": "string"}, "title": {"type": "string"}}},
    "summary": {"type": "object", "nullable": True, "additionalProperties": {"type": "integer"}}}}
IMPORT_BODY = {"type": "object", "required": ["filename", "content"],
               "x-message": "请求体应为 JSON 对象,含 filename 和 content(GIFT/XML 为文本,Excel 为 base64)。",
               "properties": {
                   "filename": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S",
                                "x-message": "filename 决定格式(.gift / .txt / .xlsx …)。"},
                   "content": {"type": "string", "maxLength": 12 * 1024 * 1024, "x-message": "content 应为文件内容。"},
                   "content_encoding": {"type": "string", "enum": ["text", "base64"], "x-message": "content_encoding 应为 text 或 base64。"},
                   "dry_run": {"type": "boolean", "description": "只预览(逐题 可导入 / 需修改 / 不支持),不写入"},
                   "bank": {"type": "string", "maxLength": 80, "description": "导入覆盖这个题库(key);不填则新建"},
                   "title": {"type": "string", "maxLength": 200, "x-message": "题库名称最多 200 字。"},
                   "mode": {"type": "string", "enum": list(IMPORT_MODES), "x-message": "mode 应为 good 或 all。",
                            "description": "good 只导入可导入的题目;all 全部可导入时才导入(默认)"},
                   "default_source": {"type": "string", "maxLength": 80, "x-message": "default_source(批量出处)最多 80 字。"}}}
ATTEMPT_SCHEMA = {"type": "object", "required": ["employee_no", "exam", "score", "passed"], "properties": {
    "attempt_id": {"type": "integer"}, "user_id": {"type": "integer"}, "username": {"type": "string"},
    "employee_no": {"type": "string", "nullable": True}, "name": {"type": "string"},
    "unit": {"type": "string", "nullable": True}, "exam": {"type": "string", "description": "考试 key"},
    "exam_title": {"type": "string"}, "number": {"type": "integer", "description": "第几次作答"},
    "score": {"type": "number", "nullable": True, "description": "百分制得分"}, "passed": {"type": "boolean", "nullable": True},
    "submitted_at": {"type": "string", "format": "date-time"}, "auto_submitted": {"type": "boolean"}}}


def bank_json(actor, bank) -> dict:
    return {"key": bank.key, "title": bank.title, "origin": bank.origin,
            "unit": bank.unit.full_name.replace(" ", "") if bank.unit else None,
            "questions": sum(1 for q in bank.questions if not q.retired), "retired": bank.retired,
            "writable": bank.origin == "trainer" and policy.can_write_bank(actor, bank)}


@operation("/banks", "GET", summary="我可以查看的题库", roles=STAFF, tags=("banks",),
           responses=ok("题库列表", {"type": "object", "properties": {"banks": {"type": "array", "items": BANK_SCHEMA}}}))
def list_banks():
    actor = current_api_user()
    return jsonify(banks=[bank_json(actor, b) for b in banks.readable_banks(actor)])


@operation("/banks/<key>/export", "GET", summary="导出题库文件", roles=STAFF, tags=("banks",),
           parameters=[{"name": "format", "in": "query", "required": False, "description": "默认 gift",
                        "schema": {"type": "string", "enum": list(banks.FORMATS)}}],
           responses={"200": {"description": "题库文件", "content": {
               "text/plain": {"schema": {"type": "string"}}, "application/xml": {"schema": {"type": "string"}},
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                   "schema": {"type": "string", "format": "binary"}}}},
               "404": {"description": "题库不存在或格式不支持"}})
def export_bank_api(key: str):
    bank = banks.readable_bank(current_api_user(), key)
    data, name, mimetype = banks.export_bank(bank, request.args.get("format", "gift") or "gift")
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


def _file_bytes(body: dict) -> bytes:
    if body.get("content_encoding", "text") == "base64":
        try:
            return base64.b64decode(body["content"], validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed("content 不是有效的 base64。", "bad base64") from None
    return body["content"].encode("utf-8")  # the JSON provider already refused unpaired surrogates


@operation("/banks/import", "POST", summary="导入题库文件:dry_run 预览逐题状态,否则按 mode 导入(规则同题库页面)",
           roles=STAFF, tags=("banks",), request_body=json_body(IMPORT_BODY),
           responses={**ok("预览或导入结果", IMPORT_RESULT), **ok("已新建题库", IMPORT_RESULT, "201"),
                      "404": {"description": "题库不存在"}})
def import_bank_api():
    body = validated_body(json_body(IMPORT_BODY))
    actor = current_api_user()
    target = None
    if body.get("bank"):
        target = banks.get_bank(body["bank"])
        banks.require_writable(actor, target)
    preview = banks.preview_import(body["filename"], _file_bytes(body), default_source=body.get("default_source", ""))
    result = {"applied": False, "format": preview.format, "counts": preview.counts(),
              "items": [item.as_dict() for item in preview.items], "errors": [str(e) for e in preview.errors],
              "notes": list(preview.notes), "bank": None, "summary": None}
    if body.get("dry_run"):
        return jsonify(result)
    summary = banks.import_bank(actor, preview, bank=target, title=body.get("title", ""), filename=body["filename"],
                                mode=body.get("mode", "all"))
    result.update(applied=True, bank={"key": summary.bank.key, "title": summary.bank.title}, summary={
        "created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged,
        "retired": summary.retired, "skipped": len(summary.skipped)})
    return jsonify(result), 200 if target is not None else 201


@operation("/units/<int:unit_id>/exam-results", "GET", summary="单位(含下级)的考试成绩:每次交卷一行",
           roles=STAFF, tags=("results",),
           parameters=[DATE_FROM, DATE_TO, {"name": "exam", "in": "query", "required": False, "schema": {"type": "string"},
                                            "description": "只看这场考试(key)"}, *PAGED],
           responses={**ok("一页成绩", {"type": "object", "properties": {
               "results": {"type": "array", "items": ATTEMPT_SCHEMA}, **PAGE_FIELDS}}), "404": {"description": "单位不存在"}})
def unit_exam_results(unit_id: int):
    unit = visible_unit(current_api_user(), unit_id)
    start, end = date_range()
    query = (select(QuizAttempt).join(User, User.id == QuizAttempt.user_id).join(Exam, Exam.id == QuizAttempt.exam_id)
             .where(QuizAttempt.mode == "exam", QuizAttempt.submitted_at.is_not(None), User.unit_id.in_(unit.subtree_ids()))
             .order_by(QuizAttempt.submitted_at, QuizAttempt.id))
    if request.args.get("exam"):
        query = query.where(Exam.key == request.args["exam"])
    if start is not None:
        query = query.where(QuizAttempt.submitted_at >= start)
    if end is not None:
        query = query.where(QuizAttempt.submitted_at < end)
    page = paginate(query)
    results = [{"attempt_id": a.id, "user_id": a.user_id, "username": a.user.username, "employee_no": a.user.employee_no,
                "name": a.user.display_name, "unit": a.user.unit.full_name.replace(" ", "") if a.user.unit else None,
                "exam": a.exam.key, "exam_title": a.exam.title, "number": a.number, "score": a.percent, "passed": a.passed,
                "submitted_at": a.submitted_at.isoformat() + "Z", "auto_submitted": a.auto_submitted}
               for a in page.pop("items")]
    return jsonify(results=results, **page)
