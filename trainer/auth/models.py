import hashlib
import secrets
from datetime import datetime, timedelta

from flask import has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from trainer import settings
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.timeutil import utcnow

ROLES = {"trainee": "学员", "trainer": "培训师", "admin": "管理员"}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    employee_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="trainee", index=True)
    position: Mapped[str] = mapped_column(String(32), default="")  # 岗位: 营业厅, 95598, 抄表, 用电检查…
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every login session's id (see get_id): replacing it ends all the account's sessions at once
    # (logout, password change), even a copied cookie, which Flask's signed cookies cannot do on their own.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    unit: Mapped[Unit | None] = relationship()

    ROLE_LABELS = ROLES

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Every login session of this account stops working (checked by the user loader)."""
        self.session_token = secrets.token_hex(16)

    def set_password(self, password: str) -> None:
        # werkzeug's hashes carry their own random salt. Tests set a cheaper method to stay fast.
        method = settings.current().password_hash_method if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)


class LoginAddress(db.Model):
    """A client address that signed in to an account with its password: when the account is under a
    spread-out guessing attack, these addresses may still sign in (see :mod:`trainer.auth.throttle`)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_success_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(db.Model):
    """Bearer token for /api/v1. Only the SHA-256 of the token is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str] = mapped_column(String(40), default="", server_default="")  # revoked | password

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now and self.user.active

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, days: int) -> tuple["ApiToken", str]:
        token = secrets.token_urlsafe(32)
        row = cls(user=user, token_hash=cls.hash(token), expires_at=utcnow() + timedelta(days=days))
        db.session.add(row)
        return row, token
