"""Authentication: password check with throttling, password change, API tokens."""

import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.auth.models import ApiToken, User
from trainer.errors import ValidationFailed
from trainer.extensions import db


def authenticate(username: str, password: str) -> User:
    """The active user whose password this is, else :class:`ValidationFailed`. Throttling is the caller's
    (:func:`trainer.auth.throttle.sign_in`). Takes as long for a name that does not exist as for one that
    does: a password hash is checked either way, so timing does not tell which accounts exist."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        raise ValidationFailed("用户名或密码错误。", f"bad credentials for {username!r}")
    if not user.check_password(password):
        raise ValidationFailed("用户名或密码错误。", f"bad credentials for {username!r}")
    if not user.active:
        raise ValidationFailed("该账号已停用,请联系管理员。", f"inactive user {username!r}")
    return user


def _dummy_hash() -> str:
    """A hash made with the configured method (same cost as a real one), once per process and method."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


_DUMMY_HASHES: dict[str, str] = {}


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise ValidationFailed("当前密码不正确。")
    if new == current:
        raise ValidationFailed("新密码不能与当前密码相同。")
    user.set_password(new)
    user.must_change_password = False


def issue_token(user: User, days: int) -> str:
    _row, token = ApiToken.issue(user, days)
    return token


def user_for_token(token: str, *, now: datetime) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    return row.user
