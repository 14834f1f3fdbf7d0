"""Authentication: the password check, password changes, ending an account's sessions and tokens."""

import secrets
from datetime import datetime

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from trainer import audit, settings
from trainer.auth import tokens
from trainer.auth.models import User
from trainer.auth.passwords import check_new_password
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
    method = settings.current().password_hash_method
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


_DUMMY_HASHES: dict[str, str] = {}


def change_password(user: User, current: str, new: str, *, now: datetime) -> None:
    """Set a new password chosen by the user. Every other login session and every API token of the account
    stops working (the caller logs the current session in again with the new session token)."""
    if not user.check_password(current):
        raise ValidationFailed("当前密码不正确。")
    if new == current:
        raise ValidationFailed("新密码不能与当前密码相同。")
    check_new_password(new, user.username)
    user.set_password(new)
    user.must_change_password = False
    end_access(user, actor=user, reason="password", now=now)


def end_access(user: User, *, actor: User | None, reason: str, now: datetime) -> int:
    """End every login session and revoke every API token of ``user`` (password changed or reset, or
    logged out everywhere). Returns how many tokens were revoked; audited with who did it."""
    user.end_sessions()
    revoked = tokens.revoke_all(user, actor=actor, reason=reason, now=now)
    audit.record(actor, "user.sessions_end", f"user:{user.id}", username=user.username, reason=reason,
                 tokens_revoked=revoked, by=getattr(actor, "username", None))
    return revoked
