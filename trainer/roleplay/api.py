"""/api/v1/roleplay: score a recorded answer (the page's upload uses this too), read and retry an attempt."""

from flask import jsonify, request

from trainer.api.core import api_error, current_api_user, operation
from trainer.auth import policy
from trainer.ids import db_int
from trainer.roleplay import services
from trainer.roleplay.presentation import attempt_json
from trainer.timeutil import utcnow
from trainer.unit_of_work import keep_on_error, then

ITEM = {"type": "object", "properties": {"expect": {"type": "string"}, "hit": {"type": "boolean"},
                                         "heard": {"type": "string"}, "label": {"type": "string"}}}
ATTEMPT_SCHEMA = {
    "type": "object",
    "required": ["attempt_id", "status"],
    "properties": {
        "attempt_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["pending", "scored", "rejected"]},
        "file": {"type": "string", "nullable": True, "description": "stored recording name"},
        "transcript": {"type": "string"},
        "items": {"type": "array", "items": ITEM},
        "forbidden": {"type": "array", "items": {"type": "string"}},
        "passed": {"type": "boolean", "nullable": True},
        "score": {"type": "integer", "nullable": True, "minimum": 0, "maximum": 100},
        "audio_seconds": {"type": "number", "nullable": True},
        "asr_seconds": {"type": "number", "nullable": True},
        "chars_per_second": {"type": "number", "nullable": True},
        "response_delay_seconds": {"type": "number", "nullable": True},
        "feedback": {"type": "array", "items": {"type": "string"}},
        "segments": {"type": "array", "items": {"type": "object", "properties": {
            "text": {"type": "string"}, "kind": {"type": "string", "enum": ["", "hit", "forbidden"]}}}},
        "error_code": {"type": "string", "nullable": True, "description": "too_large, too_long, too_short, undecodable, "
                  "silent, nothing_heard, recognizer, audio_missing"},
        "message": {"type": "string", "nullable": True, "description": "what to tell the trainee (Chinese)"},
        "override": {"type": "object", "nullable": True},
        "session": {"type": "object"},
        "status_url": {"type": "string", "description": "poll this (GET) while status is pending"},
        "queued": {"type": "boolean", "description": "pending and waiting for recognition (poll status_url)"},
        "queue": {"type": "object", "nullable": True, "description": "while queued: answers ahead of this one "
                  "(ahead), waiting or recognising (state) and seconds waited so far (waited_s)",
                  "properties": {"ahead": {"type": "integer", "minimum": 0},
                                 "state": {"type": "string", "enum": ["waiting", "recognising"]},
                                 "waited_s": {"type": "number", "nullable": True}}},
    },
}
ATTEMPT_RESPONSE = {"content": {"application/json": {"schema": ATTEMPT_SCHEMA}}}


def _attempt_response(attempt, status_code=None):
    body = attempt_json(attempt)
    if attempt.status == "rejected":
        keep_on_error()  # the rejection is the record of this answer (and its deleted recording): keep it
        # The error shape every API error has, plus the attempt it was recorded as.
        body = {**body, "error": attempt.message, "detail": attempt.error}
        return jsonify(body), 422
    return jsonify(body), status_code or (200 if attempt.status == "scored" else 202)


@operation(
    "/roleplay/score", "POST", summary="上传一段作答录音并评分(同时记录一次作答)", tags=("roleplay",),
    request_body={"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["audio", "scenario", "turn"],
        "properties": {
            "audio": {"type": "string", "format": "binary", "description": "WAV(PCM 或 float),≤ AUDIO_MAX_BYTES"},
            "scenario": {"type": "string", "description": "情景 id,例如 counter-greeting"},
            "turn": {"type": "integer", "minimum": 1, "description": "第几轮(从 1 起)"},
            "session": {"type": "integer", "description": "练习 id;省略时续用未完成的练习或新建一个"},
            "response_delay": {"type": "number", "description": "客户说完到开口的秒数"},
        }}}}},
    responses={
        "200": {"description": "已评分", **ATTEMPT_RESPONSE},
        "202": {"description": "录音已保存,正在排队识别(queued)或识别暂不可用,稍后评分(status = pending)",
                **ATTEMPT_RESPONSE},
        "404": {"description": "情景、轮次或练习不存在"},
        "413": {"description": "请求超过服务器上限"},
        "422": {"description": "录音无效(过大、过长、无法解码、无声),已记为 rejected", **ATTEMPT_RESPONSE},
    },
)
def roleplay_score():
    user = current_api_user()
    upload = request.files.get("audio")
    if upload is None:
        return api_error("请上传录音(表单字段 audio)。", 400, "multipart field 'audio' missing")
    key = (request.form.get("scenario") or "").strip()
    position = request.form.get("turn", type=db_int)
    if not key or not position:
        return api_error("请指定情景(scenario)和轮次(turn)。", 400, "fields 'scenario' and 'turn' are required")
    scenario = services.get_scenario(key)
    turn = services.get_turn(scenario, position)
    session_id = request.form.get("session", type=db_int)
    if session_id:
        session = services.get_session(session_id)
        if session.scenario_id != scenario.id:
            return api_error("练习与情景不符。", 400, f"session {session.id} is not of scenario {key!r}")
    else:
        session = services.open_session_for(user, scenario, now=utcnow())
    attempt = services.receive_upload(user, session, turn, upload.read(), now=utcnow(),
                                      response_delay=request.form.get("response_delay"))
    # The recording and its pending row are committed first: recognition (in the workers, the process's
    # queue, or here in eager mode) runs as a second unit of work, so a failing engine never loses the answer.
    attempt_id = attempt.id
    return then(lambda: _attempt_response(services.dispatch(services.get_attempt(attempt_id), now=utcnow())))


@operation("/roleplay/attempts/<int:attempt_id>", "GET", summary="一次作答的结果", tags=("roleplay",),
           responses={"200": {"description": "作答", **ATTEMPT_RESPONSE}, "404": {"description": "不存在"}})
def roleplay_attempt(attempt_id: int):
    attempt = services.get_attempt(attempt_id)
    if not policy.can_see_user(current_api_user(), attempt.user):
        return api_error("没有权限。", 403)
    body = attempt_json(attempt)
    return jsonify(body), 200


@operation("/roleplay/attempts/<int:attempt_id>/retry", "POST", summary="重新识别一次待识别的作答", tags=("roleplay",),
           responses={"200": {"description": "已评分", **ATTEMPT_RESPONSE},
                      "202": {"description": "仍待识别", **ATTEMPT_RESPONSE},
                      "422": {"description": "录音无效", **ATTEMPT_RESPONSE}, "404": {"description": "不存在"}})
def roleplay_retry(attempt_id: int):
    attempt = services.get_attempt(attempt_id)
    if not policy.can_see_user(current_api_user(), attempt.user):
        return api_error("没有权限。", 403)
    services.dispatch(attempt, now=utcnow())  # an explicit POST: may recognise (eager mode) or queue
    return _attempt_response(attempt)
