"""Sign-in with throttling, for the login page and ``POST /api/v1/tokens`` alike.

Three limits, counted by the rate limiter's storage (``RATELIMIT_STORAGE_URI``: per-process memory, or
Redis shared by every worker), whose counters are atomic, so parallel requests cannot slip past them:

1. **Per client address** (``LOGIN_RATE_PER_ADDRESS``, Flask-Limiter on both routes): failed sign-ins from
   one address, whatever the names, so one machine cannot spray passwords over many accounts.
2. **Per username and address** (``LOGIN_MAX_FAILURES`` per ``LOGIN_LOCK_MINUTES``): every try is counted
   *before* the password is checked, so twenty parallel requests get five checks, not twenty. A success
   starts the count again. Keyed by address too, so a stranger who types a name wrong five times locks
   out only themself, never the account's owner.
3. **Per username** (``LOGIN_NAME_MAX_FAILURES`` per hour, all addresses): against guessing spread over many
   addresses. Past it, only addresses that signed in to that account with its password in the last
   ``LOGIN_KNOWN_DAYS`` may still try, so the owner at their usual desk is not locked out either.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta

from flask import request
from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from trainer import settings
from trainer.auth import services
from trainer.auth.models import LoginAddress, User
from trainer.errors import TooMany, ValidationFailed
from trainer.extensions import db, limiter

KEY_CHARS = 100  # longer names cannot exist; they still count, under their first characters


class LoginLocked(TooMany):
    """Too many tries: 429 with a Chinese message saying how long to wait."""


def per_address_limit() -> str:
    return settings.current().login.rate_per_address


def counts_against_address(response) -> bool:
    """Flask-Limiter ``deduct_when``: only refused sign-ins use up the per-address allowance, so a whole
    office behind one address can still sign in at nine o'clock."""
    return response.status_code not in (201, 302)


def sign_in(username: str, password: str, *, now: datetime) -> User:
    """The user for a correct password from this request's client address; :class:`LoginLocked` (429) or
    :class:`ValidationFailed` otherwise. The caller commits (a success records the address)."""
    rules = settings.current().login
    name = username.strip()[:KEY_CHARS]
    address = (request.remote_addr or "-")[:64]
    pair_item = RateLimitItemPerMinute(rules.max_failures, rules.lock_minutes)
    pair = ("login-pair", name, address)
    name_item = RateLimitItemPerHour(rules.name_max_failures)
    strategy = limiter.limiter
    if not strategy.test(name_item, "login-name", name) and not _known_address(name, address, now):
        raise LoginLocked("该账号近期登录失败次数过多,暂时只能从您以前登录过的电脑登录,请稍后再试或联系管理员。",
                          f"login name {name!r} past LOGIN_NAME_MAX_FAILURES; {address} is not a known address")
    if not strategy.hit(pair_item, *pair):
        reset = strategy.get_window_stats(pair_item, *pair).reset_time
        minutes = max(1, math.ceil((reset - time.time()) / 60))
        raise LoginLocked(f"登录失败次数过多,请 {minutes} 分钟后再试。", f"login locked for {name!r} from {address}")
    try:
        user = services.authenticate(name, password)
    except ValidationFailed:
        strategy.hit(name_item, "login-name", name)
        raise
    strategy.clear(pair_item, *pair)
    _remember_address(user, address, now)
    return user


def _known_address(name: str, address: str, now: datetime) -> bool:
    since = now - timedelta(days=settings.current().login.known_days)
    return db.session.scalar(
        select(LoginAddress.user_id).join(User, User.id == LoginAddress.user_id)
        .where(User.username == name, LoginAddress.address == address, LoginAddress.last_success_at >= since)
    ) is not None


def _remember_address(user: User, address: str, now: datetime) -> None:
    """Upsert: two sign-ins at the same moment from one address must not collide on the primary key."""
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[db.session.get_bind().dialect.name]
    statement = insert(LoginAddress.__table__).values(user_id=user.id, address=address, last_success_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "address"], set_={"last_success_at": now}))
