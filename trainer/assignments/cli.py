"""``trainer assignments remind``: the daily reminder run (cron it; running it twice sends nothing twice)."""

import click
from flask.cli import with_appcontext

from trainer import signals
from trainer.extensions import db
from trainer.timeutil import utcnow


@click.group()
def assignments():
    """培训任务 / Assignments: reminders."""


@assignments.command("remind")
@click.option("--dry-run", is_flag=True, help="Report what would be sent; write and send nothing.")
@with_appcontext
def remind_command(dry_run):
    """Onboard new hires, post due-date reminders in the app, and email them when MAIL_SERVER is set."""
    from trainer.assignments import reminders

    now = utcnow()
    report = reminders.plan_reminders(now)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run, nothing written: " + report.summary())
        return
    db.session.commit()  # claim the notices (and the robots' messages) before anything leaves
    click.echo("Reminders: " + report.summary())
    signals.notices_committed.send(None, now=now)  # group robots deliver (trainer/robots); they never fail the run
    if reminders.mail_enabled():
        sent, failed = reminders.deliver_emails(now)
        db.session.commit()
        click.echo(f"Email: {sent} sent, {failed} failed")
        if failed:
            raise SystemExit(1)
