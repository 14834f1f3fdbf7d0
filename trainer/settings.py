"""The rules services need from the configuration, built once per app (``create_app``) into frozen objects.

Services read :func:`current` (or take one of its parts as an argument), never ``current_app.config``: a
setting is parsed and checked once, at start-up, where a mistake stops the app instead of failing a request,
and a service cannot see a half-changed configuration. Changing the configuration of a running app (tests do)
means calling :func:`init_app` again.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, current_app

from trainer.assessment.dates import AssessmentCalendar
from trainer.hours import ActiveTimePolicy, HoursPolicy

KEY = "trainer.settings"


@dataclass(frozen=True)
class LoginRules:
    """Sign-in throttling (trainer/auth/throttle.py); the LOGIN_* settings in trainer/config.py."""

    max_failures: int  # per (username, address) …
    lock_minutes: int  # … per this many minutes
    rate_per_address: str  # Flask-Limiter string, failed sign-ins per address
    name_max_failures: int  # per username per hour, all addresses
    known_days: int  # addresses that signed in within this many days may still try

    @classmethod
    def from_config(cls, config: Mapping) -> "LoginRules":
        return cls(int(config["LOGIN_MAX_FAILURES"]), int(config["LOGIN_LOCK_MINUTES"]), str(config["LOGIN_RATE_PER_ADDRESS"]),
                   int(config["LOGIN_NAME_MAX_FAILURES"]), int(config["LOGIN_KNOWN_DAYS"]))


@dataclass(frozen=True)
class Onboarding:
    """New hires' learning path (trainer/assignments/services.py)."""

    positions: tuple[str, ...]  # 岗位 whose new accounts get the path
    path: str  # its content id
    days: int  # due this many days after the account is created

    @classmethod
    def from_config(cls, config: Mapping) -> "Onboarding":
        return cls(tuple(config.get("NEW_HIRE_POSITIONS") or ()), str(config["ONBOARDING_PATH"]), int(config["ONBOARDING_DAYS"]))


@dataclass(frozen=True)
class Settings:
    hours: HoursPolicy  # training year, deadline, counted categories, time zone
    active_time: ActiveTimePolicy  # how much time on task a credit needs; reading heartbeats
    assessment: AssessmentCalendar  # self-assessment and report due dates
    expiring_days: int  # a qualification is "expiring" this many days before it lapses
    login: LoginRules
    onboarding: Onboarding
    password_hash_method: str  # werkzeug method for new hashes (tests use a cheap one)
    cert_seal: str | None = None  # image printed as the issuer's seal on certificates; None: a drawn one

    @classmethod
    def from_config(cls, config: Mapping) -> "Settings":
        return cls(hours=HoursPolicy.from_config(config), active_time=ActiveTimePolicy.from_config(config),
                   assessment=AssessmentCalendar.from_config(config),
                   expiring_days=int(config.get("EXPIRING_DAYS", 30)), login=LoginRules.from_config(config),
                   onboarding=Onboarding.from_config(config),
                   password_hash_method=str(config.get("PASSWORD_HASH_METHOD") or "scrypt"),
                   cert_seal=_seal(config.get("CERT_SEAL")))


def _seal(path: str | None) -> str | None:
    """A configured seal must open as an image now, not on the first certificate someone downloads."""
    if not path:
        return None
    from trainer.certification.seal import check_configured

    return check_configured(path)


def init_app(app: Flask) -> Settings:
    app.extensions[KEY] = Settings.from_config(app.config)
    return app.extensions[KEY]


def current() -> Settings:
    return current_app.extensions[KEY]
