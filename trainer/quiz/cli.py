"""``trainer quiz close-expired``: submit every attempt whose time is up.

Not required for correctness (an expired attempt is submitted the moment anyone touches it), but run
from cron it makes results, hours and review cards appear even for attempts nobody looks at again.
"""

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
    from trainer.quiz.services import close_expired

    closed = close_expired(utcnow())
    db.session.commit()
    click.echo(f"Closed {closed} expired attempt(s).")
