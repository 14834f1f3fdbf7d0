"""Credits from other features, through the signals in :mod:`trainer.signals`.

Receivers run inside the sender's transaction (they flush, the sender commits) and are idempotent:
the ledger's unique key turns a repeated signal into a no-op.
"""

import logging

from trainer import signals
from trainer.records import services

log = logging.getLogger(__name__)


def on_module_completed(user, module, completed_at, **_extra) -> None:
    if services.credit_module(user, module, completed_at):
        log.info("credited module %s to user %s", module.key, user.id)


def on_scenario_passed(user, scenario, passed_at, **_extra) -> None:
    if services.credit_scenario(user, scenario, passed_at):
        log.info("credited scenario %s to user %s", scenario.key, user.id)


def connect() -> None:
    """Idempotent: blinker keeps one connection per receiver."""
    signals.module_completed.connect(on_module_completed)
    signals.scenario_passed.connect(on_scenario_passed)
