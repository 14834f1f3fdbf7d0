"""Configuration defaults. Order: these → instance/config.py → TRAINER_* environment → test config.

The instance folder (database, recordings, secret key, the assembled Whisper model, TTS cache) is
:func:`instance_path`: ``$TRAINER_INSTANCE``, else ``instance/`` of a source checkout, else a per-installation
folder outside the package (``<sys.prefix>/var/trainer-instance``, Flask's convention for installed apps), so
that ``pip install .`` never writes data into ``site-packages``.
"""

import json
import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

DEFAULTS = {
    "SECRET_KEY": None,  # generated into the instance folder on first start when not set
    "SQLALCHEMY_DATABASE_URI": None,  # default: SQLite file in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLITE_SYNCHRONOUS": "FULL",  # FULL: every commit on disk; NORMAL: faster, may lose the last commits to a power cut
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # set TRAINER_SESSION_COOKIE_SECURE=1 behind HTTPS
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": False,  # TRAINER_REMEMBER_COOKIE_SECURE=1 behind HTTPS
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "BANK_IMPORT_DIR": None,  # uploaded bank files awaiting confirmation (quiz/pending_imports.py); default instance/bank-imports
    "BANK_IMPORT_MINUTES": 30,  # how long an import preview may be confirmed
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session; exams run for hours
    "CONTENT_DIR": None,  # default: the repository root holding courses/, question_banks/, scenarios/
    "SEEDS_DIR": None,  # source documents for `trainer content coverage`; default <repo>/../shared/seeds
    "PASSWORD_HASH_METHOD": "scrypt",
    # --- sign-in throttling (trainer/auth/throttle.py; README "Sign-in throttling") ---
    "LOGIN_MAX_FAILURES": 5,  # password tries per (username, client address) …
    "LOGIN_LOCK_MINUTES": 15,  # … per this many minutes; a successful sign-in starts the count again
    "LOGIN_RATE_PER_ADDRESS": "20 per minute;100 per hour",  # failed sign-ins per client address, any name
    "LOGIN_NAME_MAX_FAILURES": 50,  # failures per username per hour from all addresses; past it only
    "LOGIN_KNOWN_DAYS": 90,  # addresses that signed in to that account within this many days may try
    "RATELIMIT_STORAGE_URI": "memory://",  # per process; e.g. redis://127.0.0.1:6379/1 to share between workers
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "trainer",
    "RATELIMIT_SWALLOW_ERRORS": True,  # Redis down: log and fall back to per-process memory, not a 500
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "PROXY_COUNT": 0,  # reverse proxies in front (nginx: 1): client address from X-Forwarded-For
    "API_TOKEN_DAYS": 30,
    "DEMO_PASSWORD": "demo1234",
    "TIMEZONE": "Asia/Shanghai",
    "ASR_ENGINE": "faster-whisper",  # faster-whisper | vosk | fake (tests)
    "ASR_MODEL": None,  # folder; default: Whisper base assembled into instance/models/
    "ASR_DEVICE": "cpu",
    "ASR_COMPUTE_TYPE": "int8",
    "ASR_PARALLEL": 0,  # answers recognised at once per process; 0: every core without Redis, 1 with (recognition.lanes)
    "ASR_THREADS": 1,  # CTranslate2 threads per recognising process (trainer.speech.recognizer.DEFAULT_CPU_THREADS); 0: CTranslate2's default
    "AUDIO_MAX_BYTES": 2 * 1024 * 1024,
    "AUDIO_MAX_SECONDS": 60,
    "AUDIO_DIR": None,  # default: instance/audio
    "ASR_PROMPT": True,  # follow up an answer that misses a phrase (verification / biased decode, ASR_STRATEGY)
    "ASR_STRATEGY": None,  # verify | rescue | verify+rescue | none; default trainer.speech.assess.DEFAULT_STRATEGY
    "ASR_RESCUE_GATE": None,  # nats (18: calibrated): skip the biased decode for phrases farther from the audio; None: never skip
    "ASR_FAKE_TRANSCRIPT": None,  # engine "fake": the text it "hears" (tests, demos without a model)
    "TTS_ENABLED": True,  # customer lines spoken by pyttsx3 when a turn has no recorded file
    "TTS_VOICE": None,  # pyttsx3 voice id; default: the first voice whose languages include cmn/zh
    "REDIS_URL": None,  # set: role-play recognition runs in `trainer worker` processes (RQ queue)
    "RECOGNITION_QUEUE": "recognition",
    "RECOGNITION_RETRIES": 3,
    "RECOGNITION_RETRY_INTERVALS": [5, 15, 60],  # seconds before each RQ retry
    "RECOGNITION_JOB_TIMEOUT": 300,  # seconds; a job past it is killed and retried
    "RECOGNITION_BATCH_SIZE": 8,  # answers recognised together (worker or the process's own queue)
    "RECOGNITION_WAIT_SECONDS": 6.0,  # without Redis: most an upload waits for its score (if next in line) before 202
    "RECOGNITION_INLINE": None,  # without Redis: "queue" (a recognition thread per lane) or "eager"; default eager when TESTING
    "UPLOAD_LIMIT_PER_HOUR": 120,  # role-play recordings per user per hour; 0 = no limit
    "LOG_JSON": False,  # TRAINER_LOG_JSON=1: one JSON object per log line, with the request id
    "HOURS_TARGET_MINUTES": 16 * 60,
    "HOURS_CATEGORIES": ["ethics", "law"],
    # --- active learning time (trainer/hours/active.py, README "有效学习时长") ---
    "ACTIVE_TIME_SHARE": 0.5,  # a module credits once its active time reaches this share of its nominal hours
    "READING_IDLE_SECONDS": 90,  # the module page's clock stops after this long without input
    "READING_BEAT_SECONDS": 30,  # how often the page reports its active seconds
    "READING_MAX_BEAT_SECONDS": 300,  # the most one report counts, whatever the wall clock says
    "READING_PAGE_HOURS": 12,  # a module page's clock token expires after this long
    "QUIZ_SECONDS_PER_QUESTION": 120,  # cap of an untimed chapter quiz's time
    "QUIZ_GRADING": None,  # exam submissions: auto (defer at a rush) | deferred | inline; default auto, inline when TESTING
    "QUIZ_GRADING_SETTLE_SECONDS": 0.5,  # deferred grading waits for this long without a new submission…
    "QUIZ_GRADING_MAX_DELAY_SECONDS": 10.0,  # …but never longer than this
    "ROLEPLAY_SECONDS_PER_ANSWER": 120,  # cap of a role-play session's time per recorded answer
    "ASSESSMENT_DEADLINE": "11-30",  # month-day of the annual self-assessment (001 篇1 第二则.四)
    "ASSESSMENT_REPORT_DUE": "12-05",  # month-day the teams' self-assessments are due at the 供电所 (trainer/assessment)
    "EXPIRING_DAYS": 30,  # a qualification this close to its expiry shows as "expiring"
    "PDF_FONT": None,  # a CJK .ttf/.otf/.ttc for PDFs; default: the first of a list of known system paths
    "VERIFY_RATE_PER_MINUTE": 30,  # public certificate look-ups per client address
    "CERT_SEAL": None,  # PNG/JPEG printed as the issuer's seal on certificates; default: a red round seal drawn per issuer
    # --- assignments and reminders (trainer/assignments) ---
    "NEW_HIRE_POSITIONS": ["新员工"],  # 岗位 whose new accounts get the onboarding path
    "ONBOARDING_PATH": "new-hire-onboarding",  # courses/paths/<id>.yaml
    "ONBOARDING_DAYS": 30,  # due this many days after the account is created
    "REMINDER_DAYS_BEFORE": [7, 1],  # in-app (and email) reminder this many days before the due date
    "REMINDER_DAYS_AFTER": [1, 7],  # … and this many days after it
    "MAIL_SERVER": "",  # SMTP host; empty: in-app notices only
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,  # STARTTLS
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SENDER": "training-noreply@localhost",
    "MAIL_DOMAIN": "",  # addresses <username>@MAIL_DOMAIN for people who gave none
    "MAIL_TIMEOUT": 10,  # seconds
    # --- group robots, 企业微信 / 钉钉 (trainer/robots; README "Notices") ---
    "ROBOT_DELIVERY": "thread",  # after the request: "thread" (in the web process), "inline" (tests), "cron" (commands only)
    "ROBOT_TIMEOUT": 5,  # seconds per HTTP call to a robot
    "ROBOT_RETRY_INTERVALS": [10, 60],  # seconds before each retry of a failed message (then it is marked failed)
    "PUBLIC_URL": "",  # e.g. https://train.example.internal: certificate QR/verification links, emails, robots (trainer/links.py)
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


def is_checkout(root: Path) -> bool:
    """A source checkout (``pyproject.toml`` beside the package), not a copy installed into site-packages."""
    return (root / "pyproject.toml").is_file() and root.name not in ("site-packages", "dist-packages")


def instance_path(environ=os.environ, *, package_dir: Path = PACKAGE_DIR, prefix: str | None = None) -> Path:
    """The instance folder (module doc), absolute. ``package_dir`` and ``prefix`` are parameters for tests."""
    explicit = environ.get("TRAINER_INSTANCE")
    if explicit:
        return Path(explicit).expanduser().resolve()
    root = Path(package_dir).parent
    if is_checkout(root):
        return root / "instance"
    return Path(prefix or sys.prefix).resolve() / "var" / "trainer-instance"
