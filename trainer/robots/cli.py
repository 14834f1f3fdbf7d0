"""``trainer robots deliver``: send the group-robot messages still pending (cron it every few minutes as the net
under the web process's own delivery)."""

import click
from flask.cli import with_appcontext


@click.group()
def robots():
    """群机器人 / Group robots (企业微信, 钉钉)."""


@robots.command("deliver")
@with_appcontext
def deliver_command():
    """Send pending messages, retrying per ROBOT_RETRY_INTERVALS; exit 1 if any failed for good."""
    from trainer.robots import services

    sent, failed = services.deliver_with_retries()
    click.echo(f"Group robots: {sent} sent, {failed} failed")
    if failed:
        raise SystemExit(1)
