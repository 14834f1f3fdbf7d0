"""The reading clock: heartbeats of the module page, counted no faster than the wall clock.

The page (static/js/reading-clock.js) counts seconds while it is visible and the learner has given input
within ``idle_seconds``, and reports them every ``beat_seconds``. A report counts at most the wall-clock time
since the person's previous counted report of *any* module (one clock per person, so two tabs read at once
share it) or since the page was served (a signed token carries that time; serving the page writes nothing),
and at most ``max_beat_seconds``. So a forged or replayed report can claim only time that really passed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from trainer.auth.models import User
from trainer.courses.models import Module
from trainer.errors import Conflict, ValidationFailed
from trainer.extensions import db
from trainer.hours import ActiveTimePolicy, beat_seconds
from trainer.inserts import insert_ignore
from trainer.org.services import hours_policy
from trainer.records.activity import active_policy, add_seconds
from trainer.records.crediting import ModuleTime, grant_module_credit, module_time
from trainer.records.models import ActivityClock

TOKEN_SALT = "trainer.reading-clock"
KIND = "reading"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def page_token(person: User, module: Module) -> str:
    """Signed (person, module) and the time the page was served."""
    return _serializer().dumps([person.id, module.id])


def _opened_at(token, person: User, module: Module, rules: ActiveTimePolicy) -> datetime:
    bad = ValidationFailed("学习计时信息无效,请刷新页面。", "bad reading clock token")
    if not isinstance(token, str) or not token:
        raise bad
    try:
        payload, issued = _serializer().loads(token, max_age=rules.page_hours * 3600, return_timestamp=True)
    except SignatureExpired as exc:
        raise Conflict("页面打开时间过长,请刷新页面后继续学习。", "reading clock token expired") from exc
    except BadSignature as exc:
        raise bad from exc
    if payload != [person.id, module.id]:
        raise ValidationFailed("学习计时信息无效,请刷新页面。",
                               f"token {payload!r} sent by user {person.id} for module {module.id}")
    # itsdangerous keeps whole seconds, rounded down; the page was served up to a second later. Count from the
    # next whole second, so the first beat can only ever count less than passed, never more.
    return issued.astimezone(UTC).replace(tzinfo=None) + timedelta(seconds=1)


class _ClockMoved(Exception):
    """A concurrent beat moved the clock first: that beat counted the interval, this one must not."""


def _claim_clock(person: User, now: datetime) -> datetime | None:
    """Move the person's clock to ``now`` by compare-and-set; the previous beat time, None for the first ever."""
    seen = db.session.scalar(select(ActivityClock.beat_at).where(ActivityClock.user_id == person.id, ActivityClock.kind == KIND))
    if seen is None:
        if insert_ignore(ActivityClock, user_id=person.id, kind=KIND, beat_at=now) is None:
            raise _ClockMoved
        return None
    moved = db.session.execute(
        update(ActivityClock).where(ActivityClock.user_id == person.id, ActivityClock.kind == KIND, ActivityClock.beat_at == seen)
        .values(beat_at=max(now, seen)), execution_options={"synchronize_session": False})
    if moved.rowcount != 1:
        raise _ClockMoved
    return seen


@dataclass(frozen=True)
class Beat:
    counted: int  # seconds this beat added
    state: ModuleTime  # the module's time, requirement and credit this training year, after the beat


def accept_beat(person: User, module: Module, claimed, token, now: datetime) -> Beat:
    """Count one heartbeat: ``claimed`` active seconds (an int; anything else counts 0), capped (module doc);
    then credit the module if it is complete and has now reached its required time."""
    rules = active_policy()
    opened = _opened_at(token, person, module, rules)
    try:
        previous = _claim_clock(person, now)
    except _ClockMoved:
        counted = 0
    else:
        since = max(opened, previous) if previous else opened
        counted = beat_seconds(claimed, elapsed=(now - since).total_seconds(), max_seconds=rules.max_beat_seconds)
    add_seconds(person, KIND, module.key, counted, at=now, category=module.credit_category)
    if counted:
        grant_module_credit(person, module, now)
    return Beat(counted, module_time(person, module, hours_policy().year_of(now)))
