"""/api/v1/roleplay: score a recorded answer (the page's upload uses this too), read and retry an attempt;
the scenario catalogue and a unit's results."""

from flask import jsonify, request
from sqlalchemy import case, func, select

from trainer.api.core import api_error, current_api_user, operation
from trainer.api.params import DATE_FROM, DATE_TO, PAGE_FIELDS, PAGED, date_range, ok, paginate, visible_unit
from trainer.auth import policy
from trainer.auth.models import User
from trainer.content.model import SETTINGS
from trainer.extensions import db
from trainer.ids import db_int
from trainer.roleplay import services
from trainer.roleplay.models import RoleplaySession, Scenario, ScenarioTurn
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
           parameters=[{"name": "wait", "in": "query", "required": False,
                        "schema": {"type": "number", "minimum": 0, "maximum": 20},
                        "description": "仍在识别队列中时,最多等待这么多秒,评分完成即返回(无 Redis 的单机部署)"}],
           responses={"200": {"description": "作答", **ATTEMPT_RESPONSE}, "404": {"description": "不存在"}})
def roleplay_attempt(attempt_id: int):
    attempt = services.get_attempt(attempt_id)
    if not policy.can_see_user(current_api_user(), attempt.user):
        return api_error("没有权限。", 403)
    attempt = services.wait_for_score(attempt, request.args.get("wait", default=0.0, type=float))
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


# --- catalogue and a unit's results (for an LMS or HR system) -------------------------------------------

SCENARIO_SCHEMA = {"type": "object", "required": ["id", "key", "title", "channel", "turns"], "properties": {
    "id": {"type": "integer"}, "key": {"type": "string"}, "title": {"type": "string"},
    "channel": {"type": "string", "enum": list(SETTINGS), "description": "counter 柜台 / phone 电话 / field 现场"},
    "channel_label": {"type": "string"}, "turns": {"type": "integer", "description": "学员需要回答的轮数"},
    "hours": {"type": "number", "description": "通过后计入的学时"}, "category": {"type": "string"}}}
RESULT_SCHEMA = {"type": "object", "required": ["employee_no", "scenario", "best_score", "passed"], "properties": {
    "user_id": {"type": "integer"}, "username": {"type": "string"}, "employee_no": {"type": "string", "nullable": True},
    "name": {"type": "string"}, "unit": {"type": "string", "nullable": True},
    "scenario": {"type": "string", "description": "情景 key"}, "scenario_title": {"type": "string"},
    "best_score": {"type": "integer", "nullable": True}, "passed": {"type": "boolean"},
    "sessions": {"type": "integer", "description": "期间内完成的次数"},
    "last_finished_at": {"type": "string", "format": "date-time"}}}


@operation("/scenarios", "GET", summary="情景演练目录(渠道、轮数、学时)", tags=("catalogue",),
           responses=ok("情景列表", {"type": "object", "properties": {"scenarios": {"type": "array", "items": SCENARIO_SCHEMA}}}))
def list_scenarios():
    turns = dict(db.session.execute(select(ScenarioTurn.scenario_id, func.count(ScenarioTurn.id))
                                    .where(ScenarioTurn.retired.is_(False)).group_by(ScenarioTurn.scenario_id)).all())
    scenarios = db.session.scalars(select(Scenario).where(Scenario.retired.is_(False)).order_by(Scenario.key))
    return jsonify(scenarios=[{
        "id": s.id, "key": s.key, "title": s.title, "channel": s.setting, "channel_label": SETTINGS.get(s.setting, s.setting),
        "turns": turns.get(s.id, 0), "hours": s.credit_minutes / 60, "category": s.credit_category} for s in scenarios])


@operation("/units/<int:unit_id>/roleplay-results", "GET", summary="单位(含下级)的情景演练成绩:每人每个情景的最好成绩",
           roles=("trainer", "admin"), tags=("results",), parameters=[DATE_FROM, DATE_TO, *PAGED],
           responses={**ok("一页成绩", {"type": "object", "properties": {
               "results": {"type": "array", "items": RESULT_SCHEMA}, **PAGE_FIELDS}}), "404": {"description": "单位不存在"}})
def unit_roleplay_results(unit_id: int):
    unit = visible_unit(current_api_user(), unit_id)
    start, end = date_range()
    query = (select(RoleplaySession.user_id, RoleplaySession.scenario_id, func.max(RoleplaySession.score),
                    func.max(case((RoleplaySession.passed.is_(True), 1), else_=0)), func.count(RoleplaySession.id),
                    func.max(RoleplaySession.finished_at))
             .join(User, User.id == RoleplaySession.user_id)
             .where(RoleplaySession.status == "finished", User.unit_id.in_(unit.subtree_ids()))
             .group_by(RoleplaySession.user_id, RoleplaySession.scenario_id)
             .order_by(RoleplaySession.user_id, RoleplaySession.scenario_id))
    if start is not None:
        query = query.where(RoleplaySession.finished_at >= start)
    if end is not None:
        query = query.where(RoleplaySession.finished_at < end)
    page = paginate(query, rows=True)
    rows = page.pop("items")
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({r[0] for r in rows})))}
    scenarios = {s.id: s for s in db.session.scalars(select(Scenario).where(Scenario.id.in_({r[1] for r in rows})))}
    results = []
    for user_id, scenario_id, best, passed, count, last in rows:
        person, scenario = people[user_id], scenarios[scenario_id]
        results.append({"user_id": user_id, "username": person.username, "employee_no": person.employee_no,
                        "name": person.display_name, "unit": person.unit.full_name.replace(" ", "") if person.unit else None,
                        "scenario": scenario.key, "scenario_title": scenario.title, "best_score": best,
                        "passed": bool(passed), "sessions": count, "last_finished_at": last.isoformat() + "Z"})
    return jsonify(results=results, **page)
