"""``trainer quiz close-expired``: submit every attempt whose time is up; ``trainer bench quiz``: the exam-day
load test, whose harness lives outside the package (benchmarks/quiz_load, a source checkout only).

close-expired is not required for correctness (an expired attempt is submitted by the next write that
touches it, and pages show it closed meanwhile), but run from cron it makes results, hours and review cards
appear even for attempts nobody touches again.
"""

import importlib
import sys
import time

import click
from flask.cli import with_appcontext

from trainer.extensions import db
from trainer.timeutil import utcnow


@click.group("quiz")
def quiz():
    """考试与测验 / Quizzes and exams."""


@quiz.command("close-expired")
@with_appcontext
def close_expired_command():
    """Submit and grade every open attempt past its deadline."""
    from trainer.quiz.grading import BATCH
    from trainer.quiz.services import close_expired

    started, now, closed = time.perf_counter(), utcnow(), 0
    while True:  # one transaction per batch: web requests wait for the write lock one batch at most
        batch = close_expired(now, limit=BATCH)
        db.session.commit()
        closed += batch
        if not batch:
            break
    click.echo(f"Closed {closed} expired attempt(s). ({time.perf_counter() - started:.2f} s)")


@click.command("quiz", add_help_option=False,
               context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def bench_quiz(ctx):
    """Exam-day load test: start and submit bursts, autosave, deadline closing (--help: its options)."""
    from trainer import REPO_ROOT

    if not (REPO_ROOT / "benchmarks" / "quiz_load").is_dir():
        raise click.ClickException("the load test ships with the source checkout (benchmarks/quiz_load), not the package")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    harness = importlib.import_module("benchmarks.quiz_load.command")
    harness.bench_quiz.main(ctx.args, prog_name="trainer bench quiz")
