"""``trainer quiz close-expired``: submit every attempt whose time is up (``trainer bench quiz``, the exam-day
load test, lives in benchmarks/quiz_load and is attached in trainer/quiz/__init__.py).

close-expired is not required for correctness (an expired attempt is submitted by the next write that
touches it, and pages show it closed meanwhile), but run from cron it makes results, hours and review cards
appear even for attempts nobody touches again. It also grades submissions left waiting (status ``grading``)
by a web process that stopped before its grading queue got to them.
"""

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
    """Submit and grade every open attempt past its deadline, and grade submissions still waiting."""
    from trainer.quiz import grading
    from trainer.quiz.services import close_expired

    started, now, closed, waiting = time.perf_counter(), utcnow(), 0, 0
    while True:  # one transaction per batch: web requests wait for the write lock one batch at most
        batch = close_expired(now, limit=grading.BATCH)
        db.session.commit()
        closed += batch
        if not batch:
            break
    while True:  # submissions a stopped web process left for its grading queue (trainer/quiz/deferred.py)
        batch = grading.grade_ids(grading.waiting(grading.BATCH))
        db.session.commit()
        waiting += batch
        if not batch:
            break
    click.echo(f"Closed {closed} expired attempt(s); graded {waiting} waiting submission(s). "
               f"({time.perf_counter() - started:.2f} s)")
