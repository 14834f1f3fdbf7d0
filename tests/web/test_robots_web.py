"""The 群机器人 admin page (admin only): add a robot, its address shown masked, 发送测试消息 with its outcome
on the page, and a trainer's one-click reminder announced after the request, never failing it."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import Auth
from tests.http_sink import HttpSink
from trainer.assignments import services as assignment_services
from trainer.assignments.models import Notice
from trainer.extensions import db
from trainer.robots.models import RobotMessage, UnitRobot
from trainer.timeutil import utcnow


@pytest.fixture
def sink():
    with HttpSink() as server:
        yield server


def add_robot(client, unit_id, url, kind="wecom", **extra):
    return client.post("/admin/robots", data={"unit_id": unit_id, "kind": kind, "webhook_url": url, "enabled": "y", **extra},
                       follow_redirects=True)


def test_admin_adds_a_robot_and_sends_a_test_message(app, client, units, people, sink):
    app.config["PUBLIC_URL"] = "https://train.example.internal"
    Auth(client).login("admin")
    page = add_robot(client, units["east"].id, sink.url("/cgi-bin/webhook/send?key=secret-key-5678")).get_data(as_text=True)
    assert "机器人已保存" in page and "东区供电所" in page
    assert "secret-key-5678" not in page and "…5678" in page  # the key is never shown whole
    robot = db.session.scalar(select(UnitRobot))
    page = client.post(f"/admin/robots/{robot.id}/test", follow_redirects=True).get_data(as_text=True)
    assert "测试消息已发送" in page and "成功" in page
    [request] = sink.requests
    assert request["json"]["msgtype"] == "markdown" and "测试消息" in request["json"]["markdown"]["content"]
    assert "东区供电所" in request["json"]["markdown"]["content"]

    sink.answers.append((200, {"errcode": 93000, "errmsg": "invalid webhook url"}))
    page = client.post(f"/admin/robots/{robot.id}/test", follow_redirects=True).get_data(as_text=True)
    assert "发送失败" in page and "invalid webhook url" in page
    db.session.refresh(robot)
    assert robot.last_status == "failed"


def test_a_bad_address_is_refused_with_a_message(client, units, people):
    Auth(client).login("admin")
    page = add_robot(client, units["east"].id, "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k").get_data(as_text=True)
    assert "Webhook 地址格式不正确" in page
    assert db.session.scalars(select(UnitRobot)).all() == []


def test_only_the_admin_configures_robots(client, units, people):
    Auth(client).login("trainer_east")
    assert client.get("/admin/robots").status_code == 403
    assert add_robot(client, units["east"].id, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k").status_code == 403
    assert db.session.scalars(select(UnitRobot)).all() == []


def test_delete(client, units, people):
    Auth(client).login("admin")
    add_robot(client, units["east"].id, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    robot = db.session.scalar(select(UnitRobot))
    page = client.post(f"/admin/robots/{robot.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "机器人已删除" in page and db.session.scalars(select(UnitRobot)).all() == []


@pytest.mark.parametrize("reachable", [True, False])
def test_a_trainers_reminder_reaches_the_group_after_the_request(app, client, units, people, content, sink, reachable):
    app.config.update(ROBOT_DELIVERY="inline", ROBOT_RETRY_INTERVALS=[0])
    url = sink.url("/cgi-bin/webhook/send?key=k") if reachable else "http://127.0.0.1:9/cgi-bin/webhook/send?key=k"
    db.session.add(UnitRobot(unit_id=units["east"].id, kind="wecom", webhook_url=url, secret="", enabled=True,
                             last_status="", last_error=""))
    assignment = assignment_services.create_assignment(people["trainer_east"], item_kind="path", item_key="new-hire-onboarding",
                                                       due_date=date(2099, 1, 1), units=[units["east"]], now=utcnow())
    db.session.commit()
    Auth(client).login("trainer_east")
    response = client.post(f"/assignments/{assignment.id}/remind")
    assert response.status_code == 302  # a robot that cannot be reached never fails the request
    assert db.session.scalar(select(Notice).where(Notice.user_id == people["trainee_east"].id)) is not None
    message = db.session.scalar(select(RobotMessage))
    if reachable:
        [request] = sink.requests
        text = request["json"]["markdown"]["content"]
        assert people["trainee_east"].display_name in text and "trainer_east" not in text
        assert f"({people['trainer_east'].display_name}提醒)" in text
        assert message.state == "sent"
    else:
        assert sink.requests == [] and message.state == "failed" and message.attempts == 2
