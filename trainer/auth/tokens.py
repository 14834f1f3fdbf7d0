"""API bearer tokens: issue, look up, list, revoke. Revocations are audited with who revoked them."""

from datetime import datetime

from sqlalchemy import select

from trainer import audit
from trainer.auth.models import ApiToken, User
from trainer.errors import Forbidden, NotFound
from trainer.extensions import db

FIRST_PASSWORD_MESSAGE = "请先登录网页修改初始密码,然后才能使用 API。"


def issue(user: User, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user``; refused until the account's first password is changed (batch-imported
    accounts share a starting password, so a token for one would be a token for anyone who knows it)."""
    if user.must_change_password:
        raise Forbidden(FIRST_PASSWORD_MESSAGE, f"user {user.id} must change the first password before API use")
    row, token = ApiToken.issue(user, days)
    db.session.flush()
    return row, token


def user_for(token: str, *, now: datetime) -> tuple[User, ApiToken] | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or not row.usable(now):
        return None
    return row.user, row


def active(user: User, now: datetime) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(actor: User, token_id: int, *, now: datetime) -> ApiToken:
    """Revoke one token: its owner or an admin. Anyone else gets 404, as if it did not exist."""
    row = db.session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and actor.role != "admin"):
        raise NotFound("访问令牌不存在。", f"no token {token_id} for user {actor.id}")
    if row.revoked_at is None:
        _mark(row, actor, "revoked", now)
        audit.record(actor, "token.revoke", f"user:{row.user_id}", token=row.id, by=actor.username,
                     owner=row.user.username)
    return row


def revoke_all(user: User, *, actor: User | None, reason: str, now: datetime) -> int:
    """Revoke every live token of ``user``; the caller audits (or use :func:`revoke_all_for`)."""
    rows = active(user, now)
    for row in rows:
        _mark(row, actor, reason, now)
    return len(rows)


def revoke_all_for(actor: User, person: User, *, now: datetime) -> int:
    """The revoke-all button: yourself, or anyone for an admin."""
    if actor.id != person.id and actor.role != "admin":
        raise Forbidden("只能撤销自己的访问令牌。", f"user {actor.id} cannot revoke tokens of {person.id}")
    count = revoke_all(person, actor=actor, reason="revoked", now=now)
    audit.record(actor, "token.revoke_all", f"user:{person.id}", tokens=count, by=actor.username, owner=person.username)
    return count


def _mark(row: ApiToken, actor: User | None, reason: str, now: datetime) -> None:
    row.revoked_at, row.revoked_by_id, row.revoke_reason = now, getattr(actor, "id", None), reason
