"""Authentication: password check with throttling, password change, API tokens."""

from datetime import datetime, timedelta

from sqlalchemy import select

from trainer.auth.models import ApiToken, LoginThrottle, User
from trainer.errors import Forbidden, ValidationFailed
from trainer.extensions import db


class LoginLocked(Forbidden):
    status_code = 429


def authenticate(username: str, password: str, *, now: datetime, max_failures: int, lock_minutes: int) -> User:
    """Return the user for a correct password. After ``max_failures`` wrong tries the username is locked
    for ``lock_minutes``, whether or not it exists, so the lock does not reveal which accounts exist."""
    username = username.strip()
    throttle = db.session.get(LoginThrottle, username) or LoginThrottle(username=username, failures=0)
    if throttle.locked_until and throttle.locked_until > now:
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        raise LoginLocked(f"登录失败次数过多,请 {minutes} 分钟后再试。", f"login locked for {username!r}")
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.check_password(password) or not user.active:
        throttle.failures += 1
        if throttle.failures >= max_failures:
            throttle.locked_until = now + timedelta(minutes=lock_minutes)
            throttle.failures = 0
        db.session.add(throttle)
        if user is not None and user.check_password(password) and not user.active:
            raise ValidationFailed("该账号已停用,请联系管理员。", f"inactive user {username!r}")
        raise ValidationFailed("用户名或密码错误。", f"bad credentials for {username!r}")
    if throttle in db.session:
        db.session.delete(throttle)
    return user


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
