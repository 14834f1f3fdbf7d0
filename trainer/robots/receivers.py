"""Listeners for the notice signals (trainer/signals.py): announce new notices in the units' group robots,
and deliver once the reminder run has committed them."""

import logging

from trainer import signals

log = logging.getLogger(__name__)


def _notices_posted(_sender, notices=None, now=None, **_extra):
    from trainer.robots.services import post_notices

    post_notices(list(notices or []), now)


def _notices_committed(_sender, now=None, **_extra):
    """The reminder run (cron) delivers in its own process; a robot that fails never fails the run."""
    from trainer.robots.services import deliver_with_retries

    try:
        sent, failed = deliver_with_retries()
    except Exception:
        log.exception("group robot delivery after the reminder run failed")
        return
    if sent or failed:
        log.info("group robots: %s message(s) sent, %s failed for good", sent, failed)


def connect() -> None:
    signals.notices_posted.connect(_notices_posted, weak=False)
    signals.notices_committed.connect(_notices_committed, weak=False)
