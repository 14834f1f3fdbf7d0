"""The bench's database: schema, content, the bench exam, fresh trainee accounts per run, and the one write
the bench makes behind the server's back (moving cohort B's deadline into the past)."""

import json
import secrets
from datetime import timedelta
from typing import NamedTuple

import click

BENCH_EXAM = "t-bench-exam"
# 50 questions, the shape of a real final exam: every bank, every type.
BENCH_RULES = (("single", 20), ("multiple", 10), ("true_false", 10), ("fill_blank", 5), ("ordering", 5))


class Trainee(NamedTuple):
    username: str
    token: str  # API bearer token


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database of ``url``; only a scratch database whose name says 'bench'."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if "bench" not in (parsed.database or ""):
        raise click.ClickException(f"--recreate-database only drops a scratch database named *bench*, not {parsed.database!r}")
    admin = parsed.set(database="postgres").render_as_string(hide_password=False).replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')


def _app(database_url: str):
    from trainer import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def prepare(database_url: str, cohorts: dict[str, int]) -> dict[str, list[Trainee]]:
    """Schema, content, the bench exam and ``{cohort: count}`` new trainees (a fresh prefix per run, so
    every trainee has exactly one attempt to check), each with an API token."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from trainer.auth.models import ApiToken, User
    from trainer.content import load_content
    from trainer.extensions import db
    from trainer.importing import import_content
    from trainer.org.services import ensure_unit
    from trainer.quiz.models import Exam

    app = _app(database_url)
    with app.app_context():
        upgrade(revision="heads")
        content, errors = load_content(app.config["CONTENT_DIR"])
        if errors:
            raise click.ClickException(f"content has {len(errors)} error(s); run 'trainer content check'")
        import_content(content)
        if db.session.scalar(select(Exam).where(Exam.key == BENCH_EXAM)) is None:
            rules = [{"banks": sorted(content.banks), "type": t, "count": n, "points": 2, "difficulty": [], "tags": []}
                     for t, n in BENCH_RULES]
            db.session.add(Exam(key=BENCH_EXAM, title="压测考试", description="trainer bench quiz", duration_minutes=600,
                                pass_percent=80, max_attempts=0, rules_json=json.dumps(rules), origin="trainer"))
        team = ensure_unit("压测班组", "team", ensure_unit("压测供电所", "station", ensure_unit("压测公司", "company", None)))
        run = secrets.token_hex(3)
        trainees: dict[str, list[Trainee]] = {}
        for cohort, count in cohorts.items():
            trainees[cohort] = []
            for n in range(1, count + 1):
                user = User(username=f"bench-{run}-{cohort}{n:05d}", display_name=f"压测学员{cohort}{n}", role="trainee",
                            unit=team, password_hash="")
                db.session.add(user)
                trainees[cohort].append(Trainee(user.username, ApiToken.issue(user, 1)[1]))
        db.session.commit()
        db.engine.dispose()
    return trainees


def expire(database_url: str, attempt_ids: list[int]) -> None:
    """Move the deadlines of these open attempts past ``now - GRACE``, as if the exam's time had run out."""
    from sqlalchemy import update

    from trainer.extensions import db
    from trainer.quiz.models import QuizAttempt
    from trainer.quiz.services import GRACE
    from trainer.timeutil import utcnow

    app = _app(database_url)
    with app.app_context():
        past = utcnow() - GRACE - timedelta(seconds=1)
        for start in range(0, len(attempt_ids), 500):
            db.session.execute(update(QuizAttempt).where(QuizAttempt.id.in_(attempt_ids[start:start + 500]),
                                                         QuizAttempt.status == "open").values(deadline_at=past))
        db.session.commit()
        db.engine.dispose()
