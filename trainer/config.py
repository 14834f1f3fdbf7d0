"""Configuration defaults. Order: these → instance/config.py → TRAINER_* environment → test config."""

import json
import os

DEFAULTS = {
    "SECRET_KEY": None,  # generated into the instance folder on first start when not set
    "SQLALCHEMY_DATABASE_URI": None,  # default: SQLite file in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # set TRAINER_SESSION_COOKIE_SECURE=1 behind HTTPS
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session; exams run for hours
    "CONTENT_DIR": None,  # default: the repository root holding courses/, question_banks/, scenarios/
    "PASSWORD_HASH_METHOD": "scrypt",
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "API_TOKEN_DAYS": 30,
    "DEMO_PASSWORD": "demo1234",
    "TIMEZONE": "Asia/Shanghai",
    "ASR_ENGINE": "faster-whisper",  # faster-whisper | vosk | fake (tests)
    "ASR_MODEL": None,  # folder; default: Whisper base assembled into instance/models/
    "ASR_DEVICE": "cpu",
    "ASR_COMPUTE_TYPE": "int8",
    "ASR_THREADS": 0,
    "AUDIO_MAX_BYTES": 2 * 1024 * 1024,
    "AUDIO_MAX_SECONDS": 60,
    "AUDIO_DIR": None,  # default: instance/audio
    "REDIS_URL": None,
    "HOURS_TARGET_MINUTES": 16 * 60,
    "HOURS_CATEGORIES": ["ethics", "law"],
}


def _coerce(raw: str, default):
    """Environment values are strings; give them the type of the default where that is clear."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int) and not isinstance(default, bool):
        return int(raw)
    if isinstance(default, list | dict):
        return json.loads(raw)
    return raw


def from_environment(environ=os.environ) -> dict:
    """Every ``TRAINER_<KEY>`` variable overrides ``<KEY>``; ``TRAINER_DATABASE_URL`` names the database."""
    values = {}
    for name, raw in environ.items():
        if not name.startswith("TRAINER_"):
            continue
        key = name.removeprefix("TRAINER_")
        if key == "DATABASE_URL":
            key = "SQLALCHEMY_DATABASE_URI"
        values[key] = _coerce(raw, DEFAULTS.get(key))
    return values
