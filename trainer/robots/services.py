"""Group robots: configuration (admin), messages announcing notices, and their delivery.

Delivery runs outside the request that wrote the messages: :func:`kick_after_request` starts it once the
request's unit of work has committed (a thread of the web process, or inline under ``ROBOT_DELIVERY=inline``),
and the daily reminder run and ``trainer robots deliver`` (cron) send whatever is still pending. Each message
is claimed by a conditional UPDATE and committed before the HTTP call (no database lock is held while a
robot answers), tried up to ``len(ROBOT_RETRY_INTERVALS) + 1`` times, and every try's outcome is kept on the
robot (last status, error, time) for the admin page. A robot that fails never fails the request or the run.
"""

import json
import logging
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from flask import after_this_request, current_app, g, has_request_context
from sqlalchemy import func, select, update

from trainer import audit
from trainer.auth.models import User
from trainer.errors import ValidationFailed
from trainer.extensions import db
from trainer.links import external_url
from trainer.org.models import Unit
from trainer.robots.formats import KINDS, Group, compose
from trainer.robots.models import RobotMessage, UnitRobot
from trainer.timeutil import utcnow

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)  # a claim older than this belonged to a process that died mid-send
REMINDER_TITLE = "培训提醒"
TEST_TITLE = "测试消息"


# --- configuration ------------------------------------------------------------------------------------


def masked(url: str) -> str:
    """The webhook with its key/token hidden: scheme, host and path, then ``…`` and the last 4 characters."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?…{url[-4:]}" if parts.query else url


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500 or any(c.isspace() for c in url):
        raise ValidationFailed("Webhook 地址格式不正确,应以 https:// 开头,从群机器人设置中整段复制。", f"bad webhook URL {url!r}")
    return url


def save_robot(actor: User, unit: Unit, *, kind: str, webhook_url: str, secret: str = "", clear_secret: bool = False,
               enabled: bool = True, now: datetime | None = None) -> UnitRobot:
    """Create or change the unit's robot. An empty ``webhook_url`` or ``secret`` keeps the stored one (the page
    never shows them); ``clear_secret`` removes the secret."""
    if kind not in KINDS:
        raise ValidationFailed("请选择机器人类型。", f"unknown robot kind {kind!r}")
    now = now or utcnow()
    robot = db.session.scalar(select(UnitRobot).where(UnitRobot.unit_id == unit.id))
    if robot is None and not (webhook_url or "").strip():
        raise ValidationFailed("请填写 Webhook 地址。", f"no webhook URL for unit {unit.id}")
    secret = (secret or "").strip()
    if len(secret) > 200 or any(c.isspace() for c in secret):
        raise ValidationFailed("加签密钥格式不正确。", "secret longer than 200 characters or with spaces")
    url = _checked_url(webhook_url) if (webhook_url or "").strip() else robot.webhook_url
    if robot is None:
        robot = UnitRobot(unit_id=unit.id, created_at=now, secret="")
        db.session.add(robot)
    robot.kind, robot.webhook_url = kind, url
    if clear_secret or not KINDS[kind].uses_secret:
        robot.secret = ""
    elif secret:
        robot.secret = secret
    robot.enabled = bool(enabled)
    robot.updated_at = now
    db.session.flush()
    audit.record(actor, "robot.save", f"unit:{unit.id}", kind=kind, enabled=robot.enabled, signed=bool(robot.secret))
    return robot


def delete_robot(actor: User, robot: UnitRobot) -> None:
    audit.record(actor, "robot.delete", f"unit:{robot.unit_id}", kind=robot.kind)
    db.session.execute(RobotMessage.__table__.delete().where(RobotMessage.robot_id == robot.id))
    db.session.delete(robot)
    db.session.flush()


def robot_for(unit: Unit | None, robots: dict[int, UnitRobot]) -> UnitRobot | None:
    """The robot of ``unit`` or of the nearest unit above it that has one (``robots``: enabled, by unit id)."""
    if unit is None:
        return None
    for unit_id in reversed([int(part) for part in unit.path.strip("/").split("/") if part]):
        if unit_id in robots:
            return robots[unit_id]
    return None


def enabled_robots() -> dict[int, UnitRobot]:
    return {r.unit_id: r for r in db.session.scalars(select(UnitRobot).where(UnitRobot.enabled.is_(True)))}


# --- messages -----------------------------------------------------------------------------------------


def post_notices(notices: list[tuple[User, str, str]], now: datetime) -> int:
    """Announce just-created notices ``(person, title, sentence)``: one message per robot, the people who got
    the same sentence listed together. Written to the outbox in the caller's transaction; returns how many
    messages. People whose unit (or any unit above it) has no enabled robot are not announced."""
    robots = enabled_robots()
    if not robots or not notices:
        return 0
    grouped: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_id: dict[int, UnitRobot] = {}
    for person, _title, sentence in notices:
        robot = robot_for(person.unit, robots)
        if robot is not None:
            by_id[robot.id] = robot
            grouped[robot.id][sentence].append(person.display_name)
    link = external_url("assignments.mine")
    for robot_id, sentences in grouped.items():
        groups = [Group(sentence, tuple(names)) for sentence, names in sentences.items()]
        text = compose(REMINDER_TITLE, groups, link, KINDS[by_id[robot_id].kind].max_bytes)
        db.session.add(RobotMessage(robot_id=robot_id, title=REMINDER_TITLE, text=text, state="pending", attempts=0,
                                    last_error="", created_at=now))
    db.session.flush()
    kick_after_request()
    return len(grouped)


def trial_text(robot: UnitRobot) -> str:
    unit = db.session.get(Unit, robot.unit_id)
    group = Group(f"这是来自供电服务规范培训平台的测试消息,{unit.name if unit else ''}的培训提醒将发到本群。", ())
    return compose(TEST_TITLE, [group], external_url("home.index"), KINDS[robot.kind].max_bytes)


# --- delivery -----------------------------------------------------------------------------------------


def http_send(url: str, payload: dict, timeout: float) -> dict:
    """POST the JSON (UTF-8, not \\u-escaped) and return the robot's JSON answer; raises on HTTP errors.
    Honours HTTPS_PROXY / HTTP_PROXY (requests reads them) for servers that reach the internet via a proxy."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    response = requests.post(url, data=body, timeout=timeout, headers={"Content-Type": "application/json; charset=utf-8"})
    response.raise_for_status()
    return response.json()


def send_now(robot: UnitRobot, title: str, text: str, now: datetime, send=None) -> str | None:
    """One try: post to the robot and record the outcome on it. None when the robot took it, else the error
    (in English, for the log and the admin page). Never raises for a robot's or the network's failure."""
    send = send or http_send
    kind = KINDS[robot.kind]
    timeout = float(current_app.config.get("ROBOT_TIMEOUT") or 5)
    try:
        answer = send(kind.url(robot.webhook_url, robot.secret, int(time.time() * 1000)), kind.payload(title, text), timeout)
        error = kind.error(answer) if isinstance(answer, dict) else f"unexpected answer {answer!r}"[:300]
    except Exception as exc:  # a network, HTTP or JSON error fails this try only
        error = f"{type(exc).__name__}: {exc}"[:300]
    robot.last_status, robot.last_error, robot.last_sent_at = ("failed", error, now) if error else ("sent", "", now)
    if error:
        log.warning("robot %s (unit %s, %s) refused or unreachable: %s", robot.id, robot.unit_id, robot.kind, error)
    return error


def max_attempts() -> int:
    return len(current_app.config.get("ROBOT_RETRY_INTERVALS") or []) + 1


def _claim(message_id: int, now: datetime) -> bool:
    result = db.session.execute(update(RobotMessage).where(RobotMessage.id == message_id, RobotMessage.state == "pending")
                                .values(state="sending", claimed_at=now))
    db.session.commit()
    return result.rowcount == 1


def deliver_round(now: datetime | None = None, send=None) -> tuple[int, int]:
    """Try every pending message once; returns (sent, failed for good). Commits (cron, thread, after the
    request: never inside a view's unit of work). Claims older than STALE_CLAIM go back to pending first."""
    now = now or utcnow()
    db.session.execute(update(RobotMessage).where(RobotMessage.state == "sending", RobotMessage.claimed_at < now - STALE_CLAIM)
                       .values(state="pending"))
    db.session.commit()
    ids = list(db.session.scalars(select(RobotMessage.id).where(RobotMessage.state == "pending").order_by(RobotMessage.id)))
    sent = failed = 0
    for message_id in ids:
        if not _claim(message_id, now):
            continue  # another sender has it
        message = db.session.get(RobotMessage, message_id)
        robot = db.session.get(UnitRobot, message.robot_id)
        error = send_now(robot, message.title, message.text, now, send)
        message.attempts += 1
        if error is None:
            message.state, message.sent_at, message.last_error = "sent", now, ""
            sent += 1
        else:
            message.last_error = error
            message.state = "failed" if message.attempts >= max_attempts() else "pending"
            failed += message.state == "failed"
        db.session.commit()
    return sent, failed


def pending_count() -> int:
    return db.session.scalar(select(func.count(RobotMessage.id)).where(RobotMessage.state == "pending"))


def deliver_with_retries(send=None, sleep=time.sleep) -> tuple[int, int]:
    """Rounds of :func:`deliver_round`, waiting ``ROBOT_RETRY_INTERVALS`` seconds between them while messages
    are still pending; returns the totals."""
    totals = [0, 0]
    intervals = list(current_app.config.get("ROBOT_RETRY_INTERVALS") or [])
    for wait in [None, *intervals]:
        if wait is not None:
            if not pending_count():
                break
            sleep(wait)
        sent, failed = deliver_round(send=send)
        totals[0] += sent
        totals[1] += failed
    return totals[0], totals[1]


def _deliver_in_thread(app) -> None:
    with app.app_context():
        try:
            deliver_with_retries()
        except Exception:  # the thread must not die silently: the cron run will pick up what is left
            log.exception("robot delivery thread failed")
        finally:
            db.session.remove()


def kick_after_request() -> None:
    """Inside a request: once its unit of work has committed, deliver (``ROBOT_DELIVERY``: ``thread``, the
    default; ``inline`` in tests; ``cron`` leaves it to the scheduled commands). Outside a request: nothing (the
    command that wrote the messages delivers them itself)."""
    if not has_request_context() or g.get("robot_kick"):
        return
    g.robot_kick = True
    mode = current_app.config.get("ROBOT_DELIVERY") or "thread"

    @after_this_request
    def deliver(response):
        if response.status_code >= 400 or mode == "cron":
            return response  # rolled back: nothing was written; or left to cron
        if mode == "inline":
            try:
                deliver_with_retries(sleep=lambda _seconds: None)
            except Exception:
                log.exception("robot delivery after the request failed")
                db.session.rollback()
        else:
            app = current_app._get_current_object()
            threading.Thread(target=_deliver_in_thread, args=(app,), name="robot-delivery", daemon=True).start()
        return response


def recent_messages(limit: int = 20) -> list[RobotMessage]:
    return list(db.session.scalars(select(RobotMessage).order_by(RobotMessage.id.desc()).limit(limit)))
