"""Group robots (issue 16, point 8) against a local HTTP sink: the exact JSON each kind expects, DingTalk's
signature, one message per robot listing the people, the nearest robot up the unit tree, retries, claims,
and a robot that fails never failing the reminder run."""

import base64
import hashlib
import hmac
import time
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.http_sink import OK as OK_ANSWER
from tests.http_sink import HttpSink
from trainer.assignments import services as assignment_services
from trainer.extensions import db
from trainer.robots import formats, services
from trainer.robots.models import RobotMessage, UnitRobot

DUE = date(2026, 3, 31)
SECRET = "SECabc123"


@pytest.fixture
def sink():
    with HttpSink() as server:
        yield server


@pytest.fixture
def robots(app, units, people, sink):
    app.config.update(ROBOT_RETRY_INTERVALS=[0, 0], PUBLIC_URL="https://train.example.internal")
    east = services.save_robot(people["admin"], units["east"], kind="wecom", webhook_url=sink.url("/cgi-bin/webhook/send?key=east-key"))
    company = services.save_robot(people["admin"], units["company"], kind="dingtalk",
                                  webhook_url=sink.url("/robot/send?access_token=company-token"), secret=SECRET)
    db.session.commit()
    return {"east": east, "company": company}


@pytest.fixture
def company_path(units, people, content):
    assignment = assignment_services.create_assignment(
        people["admin"], item_kind="path", item_key="new-hire-onboarding", due_date=DUE, units=[units["company"]],
        now=datetime(2026, 3, 1, 1, 0))
    db.session.commit()
    return assignment


def by_path(sink) -> dict[str, dict]:
    return {r["path"]: r for r in sink.requests}


def test_reminder_run_announces_each_unit_in_its_nearest_robot(runner, robots, company_path, people, sink):
    result = runner.invoke(args=["assignments", "remind"])
    assert result.exit_code == 0, result.output
    requests = by_path(sink)
    assert set(requests) == {"/cgi-bin/webhook/send", "/robot/send"}

    wecom = requests["/cgi-bin/webhook/send"]
    assert wecom["query"] == {"key": "east-key"} and wecom["content_type"].startswith("application/json")
    assert set(wecom["json"]) == {"msgtype", "markdown"} and wecom["json"]["msgtype"] == "markdown"
    assert list(wecom["json"]["markdown"]) == ["content"]
    content = wecom["json"]["markdown"]["content"]
    assert content.startswith("### 培训提醒") and "测试入职路径" in content
    assert people["trainee_east"].display_name in content and people["trainee_west"].display_name not in content
    assert content.endswith("[在培训平台查看](https://train.example.internal/my/assignments)")
    assert "培训提醒".encode() in wecom["raw"]  # UTF-8 as is, not \u escapes

    ding = requests["/robot/send"]
    assert ding["json"]["msgtype"] == "markdown" and ding["json"]["markdown"]["title"] == "培训提醒"
    assert people["trainee_west"].display_name in ding["json"]["markdown"]["text"]  # west has no robot: the company's
    assert people["trainee_east"].display_name not in ding["json"]["markdown"]["text"]
    query = ding["query"]
    assert query["access_token"] == "company-token"
    timestamp = int(query["timestamp"])
    assert abs(timestamp - time.time() * 1000) < 3_600_000  # DingTalk refuses more than an hour off
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"] == expected  # parse_qs undid the URL encoding

    states = {m.robot_id: (m.state, m.attempts) for m in db.session.scalars(select(RobotMessage))}
    assert states == {robots["east"].id: ("sent", 1), robots["company"].id: ("sent", 1)}
    assert {r.last_status for r in db.session.scalars(select(UnitRobot))} == {"sent"}
    runner.invoke(args=["assignments", "remind"])
    assert len(sink.requests) == 2  # nothing new to remind of: nothing posted twice


def test_a_failing_robot_is_retried_then_marked_failed_without_failing_the_run(runner, robots, company_path, sink):
    db.session.get(UnitRobot, robots["company"].id).enabled = False
    db.session.commit()
    sink.answers[:] = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"}), (500, {"oops": 1})]
    result = runner.invoke(args=["assignments", "remind"])
    assert result.exit_code == 0, result.output
    assert len(sink.requests) == 3  # two failures, then the third try went through
    message = db.session.scalar(select(RobotMessage))
    assert (message.state, message.attempts, message.last_error) == ("sent", 3, "")

    sink.answers[:] = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})] * 3
    robot = db.session.get(UnitRobot, robots["east"].id)
    db.session.add(RobotMessage(robot_id=robot.id, title="培训提醒", text="### 培训提醒", state="pending", attempts=0,
                                last_error=""))
    db.session.commit()
    assert services.deliver_with_retries() == (0, 1)
    failed = db.session.scalar(select(RobotMessage).where(RobotMessage.state == "failed"))
    assert failed.attempts == 3 and "93000" in failed.last_error
    db.session.refresh(robot)
    assert robot.last_status == "failed" and "invalid webhook url" in robot.last_error
    assert services.deliver_with_retries() == (0, 0)  # failed for good: not tried again


def test_an_unreachable_robot_fails_alone(app, robots, sink, units, people):
    dead = services.save_robot(people["admin"], units["west"], kind="wecom", webhook_url="http://127.0.0.1:9/nothing?key=x")
    for robot in (dead, robots["east"]):
        db.session.add(RobotMessage(robot_id=robot.id, title="t", text="x", state="pending", attempts=2, last_error=""))
    db.session.commit()
    assert services.deliver_round() == (1, 1)
    assert db.session.get(UnitRobot, dead.id).last_error.startswith("ConnectionError")


def test_a_claimed_message_is_not_sent_twice_and_a_stale_claim_is_released(app, robots, sink):
    message = RobotMessage(robot_id=robots["east"].id, title="t", text="x", state="pending", attempts=0, last_error="")
    db.session.add(message)
    db.session.commit()
    assert services._claim(message.id, datetime(2026, 3, 1, 1, 0))
    assert not services._claim(message.id, datetime(2026, 3, 1, 1, 0))
    assert services.deliver_round(datetime(2026, 3, 1, 1, 5)) == (0, 0)  # another sender holds it
    assert services.deliver_round(datetime(2026, 3, 1, 1, 11)) == (1, 0)  # that sender died 11 minutes ago
    assert len(sink.requests) == 1


def test_people_without_a_robot_up_their_tree_are_not_announced(app, units, people):
    services.save_robot(people["admin"], units["west"], kind="wecom", webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    assert services.post_notices([(people["trainee_east"], "t", "培训任务“A”将于3月31日到期,还有 7 天。")], datetime(2026, 3, 24)) == 0
    assert services.post_notices([(people["trainee_west"], "t", "s")], datetime(2026, 3, 24)) == 1


@pytest.mark.parametrize("url", ["", "ftp://x/y", "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "https://a b/"])
def test_bad_webhook_addresses_are_refused(app, units, people, url):
    from trainer.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.save_robot(people["admin"], units["east"], kind="wecom", webhook_url=url)
    assert db.session.scalars(select(UnitRobot)).all() == []


def test_a_blank_address_or_secret_keeps_the_stored_one(app, units, people):
    robot = services.save_robot(people["admin"], units["east"], kind="dingtalk", webhook_url="https://oapi.dingtalk.com/robot/send?access_token=t",
                                secret=SECRET)
    services.save_robot(people["admin"], units["east"], kind="dingtalk", webhook_url="", secret="", enabled=False)
    assert (robot.webhook_url, robot.secret, robot.enabled) == ("https://oapi.dingtalk.com/robot/send?access_token=t", SECRET, False)
    services.save_robot(people["admin"], units["east"], kind="dingtalk", webhook_url="", clear_secret=True)
    assert robot.secret == ""
    assert services.masked(robot.webhook_url) == "https://oapi.dingtalk.com/robot/send?…en=t"


def test_messages_stay_within_the_size_limit():
    groups = [formats.Group(f"培训任务“第{i}项”将于3月31日到期,还有 7 天。", tuple(f"员工{j}" for j in range(60))) for i in range(200)]
    text = formats.compose("培训提醒", groups, "https://train.example.internal/my/assignments", formats.KINDS["wecom"].max_bytes)
    assert len(text.encode()) <= 4096
    assert "等 60 人" in text and "条提醒,请登录平台查看。" in text and text.endswith("(https://train.example.internal/my/assignments)")
    assert "员工29" in text and "员工30" not in text  # 30 names shown per line


def test_dingtalk_signature_matches_the_documented_example():
    """Computed as DingTalk's Python sample does: HMAC-SHA256 keyed with the secret over "timestamp\\nsecret",
    Base64, then URL-encoded."""
    from urllib.parse import quote_plus

    digest = hmac.new(b"this is secret", b"1577262236757\nthis is secret", hashlib.sha256).digest()
    assert formats.dingtalk_sign("this is secret", 1577262236757) == quote_plus(base64.b64encode(digest))
    url = formats.KINDS["dingtalk"].url("https://oapi.dingtalk.com/robot/send?access_token=t", "this is secret", 1577262236757)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1577262236757&sign=")
    assert formats.KINDS["dingtalk"].url("https://oapi.dingtalk.com/robot/send?access_token=t", "", 1) == \
        "https://oapi.dingtalk.com/robot/send?access_token=t"


def test_the_cron_command_sends_what_is_pending_and_says_what_failed(runner, robots, sink):
    for robot in robots.values():
        db.session.add(RobotMessage(robot_id=robot.id, title="t", text="x", state="pending", attempts=0, last_error=""))
    db.session.commit()
    sink.answers[:] = [OK_ANSWER, (200, {"errcode": 310000, "errmsg": "sign not match"})] + [(200, {"errcode": 310000, "errmsg": "sign not match"})] * 2
    result = runner.invoke(args=["robots", "deliver"])
    assert result.exit_code == 1 and "1 sent, 1 failed" in result.output
    assert runner.invoke(args=["robots", "deliver"]).output.strip() == "Group robots: 0 sent, 0 failed"
