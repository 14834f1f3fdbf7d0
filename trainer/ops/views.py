"""Health endpoint for load balancers and monitoring: no login, no personal data."""

import time

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from trainer.extensions import db

bp = Blueprint("ops", __name__)


def _check_database() -> str:
    db.session.execute(text("SELECT 1"))
    return "ok"


def _check_redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    return "ok"


CHECKS = {"database": _check_database, "redis": _check_redis}


@bp.route("/healthz")
def health():
    started = time.perf_counter()
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a health check reports every failure rather than raising
            current_app.logger.warning("health check %s failed: %s", name, exc)
            results[name] = "error"
            healthy = False
    body = {"status": "ok" if healthy else "error", "checks": results,
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}
    return jsonify(body), 200 if healthy else 503


from trainer.ops import audit_views  # noqa: E402,F401  (registers the audit log pages on bp)
