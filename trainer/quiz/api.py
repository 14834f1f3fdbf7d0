"""/api/v1 endpoints for exams and quizzes: start, save one answer, submit, read the result.

The exam page (static/js/exam.js) uses exactly these endpoints with its session cookie (plus the CSRF
header); other clients use a bearer token.
"""

from flask import jsonify, url_for

from trainer.api.bodies import validated_body
from trainer.api.core import api_error, current_api_user, operation
from trainer.api.openapi import operation_id
from trainer.courses.services import get_module
from trainer.quiz import deferred, exams, present, services
from trainer.timeutil import utcnow
from trainer.unit_of_work import keep_on_error, then

OBJ = {"type": "object"}
ATTEMPT = {"description": "作答状态:题目(选项为本次显示顺序)、已保存的答案、截止时间", "content": {"application/json": {"schema": {
    "type": "object", "properties": {
        "id": {"type": "integer"}, "mode": {"type": "string", "enum": ["exam", "practice"]},
        "status": {"type": "string", "enum": ["open", "submitted"]}, "deadline_at": {"type": "string", "nullable": True},
        "remaining_seconds": {"type": "integer", "nullable": True}, "url": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "question_id": {"type": "integer"}, "type": {"type": "string"}, "stem": {"type": "string"},
            "options": {"type": "array", "items": {"type": "string"}}, "response": {"type": "array", "nullable": True, "items": {}},
        }}},
        "result": {"type": "object", "nullable": True},
    }}}}}
RESULT = {"description": "成绩与逐题解析", "content": {"application/json": {"schema": {
    "type": "object", "properties": {
        "percent": {"type": "number"}, "passed": {"type": "boolean"}, "points": {"type": "number"},
        "max_points": {"type": "number"}, "auto_submitted": {"type": "boolean"},
        "items": {"type": "array", "items": OBJ},
    }}}}}
CONFLICT = {"description": "已交卷、超时或次数用完(中文提示在 error 中)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
NOT_FOUND = {"description": "不存在", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
FORBIDDEN = {"description": "考试进行中,涉及考试题目的核对、练习或交卷被拒绝(中文提示在 error 中)",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
ANSWER_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["question_id", "response"], "x-message": "请求体应为 JSON:{\"question_id\": …, \"response\": […]}",
    "properties": {
        "question_id": {"type": "integer"},
        "response": {"type": "array", "items": {},
                     "description": "单选 [i];多选 [i, j];判断 [true]/[false];填空 [\"文字\"];排序 [按顺序的选项位置];[] 清空。"
                                    "选项位置按本次显示的顺序,从 0 开始。"},
        "check": {"type": "boolean", "x-message": "check 应为 true 或 false。", "description": "仅章节测验:核对本题并显示解析(核对后不能再改);"
                                                    "本题也在您正在作答的考试中时拒绝(403)"},
    }}}}}


def _attempt_response(attempt, status: int = 200):
    now = utcnow()
    services.with_questions(attempt)
    # A running exam's own items are never marked withheld (present.attempt_json), so it needs no lookup.
    running_exam = attempt.mode == "exam" and attempt.status == "open"
    withheld = set() if running_exam else services.exam_secrets(current_api_user(), now)
    body = present.attempt_json(attempt, now, withheld)
    return jsonify(body | {"url": url_for("quiz.attempt_page", attempt_id=attempt.id)}), status


def _result(attempt) -> dict:
    return present.result_json(services.with_questions(attempt), services.exam_secrets(current_api_user(), utcnow()))


@operation("/exams", "GET", summary="我可以参加的考试", tags=("quiz",),
           responses={"200": {"description": "考试列表", "content": {"application/json": {"schema": {"type": "array", "items": OBJ}}}}})
def quiz_exams():
    user = current_api_user()  # its expired attempts are closed by the next start or by cron, not by a GET
    used = services.best_results(user)
    return jsonify([
        {"key": e.key, "title": e.title, "duration_minutes": e.duration_minutes, "questions": e.question_count,
         "pass_percent": e.pass_percent, "max_attempts": e.max_attempts,
         "attempts_used": used.get(e.id, (0, None, False))[0], "best_percent": used.get(e.id, (0, None, False))[1],
         "passed": used.get(e.id, (0, None, False))[2]}
        for e in exams.exams_for(user)
    ])


# OpenAPI links from a started attempt to what a client does next with its id, so generated tests (schemathesis'
# stateful phase) can start an exam, save answers and submit instead of guessing attempt ids.
ATTEMPT_LINKS = {
    name: {"operationId": operation_id(method, path), "parameters": {"attempt_id": "$response.body#/id"}}
    for name, method, path in (("Status", "get", "/attempts/<int:attempt_id>"),
                               ("SaveAnswer", "post", "/attempts/<int:attempt_id>/answers"),
                               ("Mark", "post", "/attempts/<int:attempt_id>/marks"),
                               ("Submit", "post", "/attempts/<int:attempt_id>/submit"),
                               ("Result", "get", "/attempts/<int:attempt_id>/result"))
}
STARTED = {**ATTEMPT, "links": ATTEMPT_LINKS}


@operation("/exams/<key>/attempts", "POST", summary="开始考试(已有未交卷的作答则继续该作答)", tags=("quiz",),
           responses={"201": STARTED, "200": STARTED, "404": NOT_FOUND, "409": CONFLICT})
def quiz_start_exam(key: str):
    user = current_api_user()
    attempt, created = services.start_exam(user, exams.get_exam(key, user), utcnow())
    return then(lambda: _attempt_response(attempt, 201 if created else 200))  # answered after the commit: a short write


@operation("/modules/<key>/quiz/attempts", "POST", summary="开始章节测验(已有未交卷的则继续)", tags=("quiz",),
           responses={"201": STARTED, "200": STARTED, "403": FORBIDDEN, "404": NOT_FOUND})
def quiz_start_practice(key: str):
    attempt, created = services.start_practice(current_api_user(), get_module(key), utcnow())
    return _attempt_response(attempt, 201 if created else 200)


@operation("/attempts/<int:attempt_id>", "GET", summary="作答状态(重新连接后据此恢复答案和剩余时间)", tags=("quiz",),
           responses={"200": ATTEMPT, "404": NOT_FOUND})
def quiz_attempt(attempt_id: int):
    attempt = services.get_attempt(current_api_user(), attempt_id, utcnow())  # past its time: shown closed
    return _attempt_response(attempt)


@operation("/attempts/<int:attempt_id>/answers", "POST", summary="保存一道题的答案(可重复发送;以最后一次为准)",
           tags=("quiz",), request_body=ANSWER_BODY,
           responses={"200": {"description": "已保存", "content": {"application/json": {"schema": {"type": "object", "properties": {
               "saved": {"type": "boolean"}, "question_id": {"type": "integer"}, "answered_at": {"type": "string"},
               "remaining_seconds": {"type": "integer", "nullable": True}, "feedback": OBJ}}}}},
               "403": FORBIDDEN, "404": NOT_FOUND, "409": CONFLICT})
def quiz_save_answer(attempt_id: int):
    body = validated_body(ANSWER_BODY)
    check = body.get("check", False)
    now = utcnow()
    attempt = services.get_attempt(current_api_user(), attempt_id, now, write=True)
    try:
        item = services.save_answer(current_api_user(), attempt, body.get("question_id"), body["response"], now,
                                    check=check)
    except services.AttemptClosed as closed:
        keep_on_error()  # an automatic submission triggered here must stick
        return api_error(closed.message, 409, closed.detail)
    data = {"saved": True, "question_id": item.question_id, "answered_at": present.iso(item.answered_at),
            "remaining_seconds": services.remaining_seconds(attempt, now)}
    if item.checked and item.question_id not in services.exam_secrets(current_api_user(), now):
        data["feedback"] = services.feedback(item)
    return jsonify(data)


MARK_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["question_id", "marked"], "x-message": "请求体应为 JSON:{\"question_id\": …, \"marked\": true}",
    "properties": {
        "question_id": {"type": "integer"},
        "marked": {"type": "boolean", "x-message": "marked 应为 true 或 false。", "description": "标记(true)或取消标记(false)本题,便于交卷前回头检查;不影响评分"},
    }}}}}


@operation("/attempts/<int:attempt_id>/marks", "POST", summary="标记或取消标记一道题(答题卡上的“待检查”,可重复发送)",
           tags=("quiz",), request_body=MARK_BODY,
           responses={"200": {"description": "已保存", "content": {"application/json": {"schema": {"type": "object", "properties": {
               "question_id": {"type": "integer"}, "marked": {"type": "boolean"}}}}}},
               "404": NOT_FOUND, "409": CONFLICT})
def quiz_mark(attempt_id: int):
    body = validated_body(MARK_BODY)
    now = utcnow()
    attempt = services.get_attempt(current_api_user(), attempt_id, now, write=True)
    try:
        item = services.set_marked(current_api_user(), attempt, body.get("question_id"), body["marked"], now)
    except services.AttemptClosed as closed:
        keep_on_error()
        return api_error(closed.message, 409, closed.detail)
    return jsonify({"question_id": item.question_id, "marked": item.marked})


SUBMITTED = {"description": "成绩(逐题解析见 result_url)", "content": {"application/json": {"schema": {
    "type": "object", "properties": {
        "id": {"type": "integer"}, "status": {"type": "string"}, "percent": {"type": "number"},
        "passed": {"type": "boolean"}, "points": {"type": "number"}, "max_points": {"type": "number"},
        "auto_submitted": {"type": "boolean"}, "result_url": {"type": "string"}, "review_url": {"type": "string"},
        "recorded": {"type": "boolean", "description": "false:考试截止前后交卷集中时,成绩已按冻结的答案算出,"
                                                      "几秒内写入成绩、学时与证书(分数不会改变)"},
    }}}}}


@operation("/attempts/<int:attempt_id>/submit", "POST", summary="交卷(重复交卷返回同一成绩)", tags=("quiz",),
           responses={"200": SUBMITTED, "403": FORBIDDEN, "404": NOT_FOUND})
def quiz_submit(attempt_id: int):
    now = utcnow()
    attempt = services.get_attempt(current_api_user(), attempt_id, now, write=True)
    graded_later = deferred.submit(attempt, now)
    # The score only: a whole exam submits within seconds of its deadline, and the per-question review (fifty
    # items with explanations) is a read the trainee's page makes afterwards (result_url, review_url), which
    # does not hold the database's write lock. The exam page throws the body away and opens review_url.
    body = {  # taken before the commit, which forgets the grades a deferred submission holds in memory only
        "id": attempt.id, "title": attempt.title, "mode": attempt.mode, "status": attempt.status,
        **present.result_summary(attempt), "recorded": not graded_later,
        "result_url": url_for("api.quiz_result", attempt_id=attempt.id),
        "review_url": url_for("quiz.review_attempt", attempt_id=attempt.id)}

    def respond():
        if graded_later:
            deferred.enqueue(attempt.id)  # committed: the grading thread may take it now
        return jsonify(body)

    return then(respond)


@operation("/attempts/<int:attempt_id>/result", "GET", summary="成绩与逐题解析(交卷后)", tags=("quiz",),
           responses={"200": RESULT, "404": NOT_FOUND, "409": CONFLICT})
def quiz_result(attempt_id: int):
    attempt = services.get_attempt(current_api_user(), attempt_id, utcnow())
    if attempt.status != "submitted":
        return api_error("尚未交卷,交卷后才能查看成绩和解析。", 409, f"attempt {attempt_id} is open")
    return jsonify(_result(attempt))
