"""Credits and time on task from other features, through the signals in :mod:`trainer.signals`.

Receivers run inside the sender's transaction (they flush, the sender commits) and are idempotent where a
signal can repeat: the ledger's unique key turns a repeated credit into a no-op, and ``quiz_submitted`` is
sent once per attempt (the submit is a conditional UPDATE).
"""

import logging

from trainer import signals
from trainer.hours import span_seconds
from trainer.records import services
from trainer.records.activity import active_policy, add_seconds
from trainer.records.crediting import grant_module_credit

log = logging.getLogger(__name__)


def on_module_completed(user, module, completed_at, **_extra) -> None:
    if grant_module_credit(user, module, completed_at):
        log.info("credited module %s to user %s", module.key, user.id)


def on_scenario_passed(user, scenario, passed_at, **_extra) -> None:
    if services.credit_scenario(user, scenario, passed_at):
        log.info("credited scenario %s to user %s", scenario.key, user.id)


def on_quiz_submitted(user, attempt, submitted_at, **_extra) -> None:
    """Start to submit, capped: an exam by its own deadline, a chapter quiz by its number of questions. Sent
    before the attempt completes its module, so this time already counts toward the module's credit."""
    if attempt.exam is not None:
        cap = int((attempt.deadline_at - attempt.started_at).total_seconds()) if attempt.deadline_at else 0
        add_seconds(user, "exam", attempt.exam.key, span_seconds(attempt.started_at, submitted_at, cap), at=submitted_at)
    elif attempt.module is not None:
        module = attempt.module
        cap = active_policy().practice_cap(len(attempt.items))
        add_seconds(user, "quiz", module.key, span_seconds(attempt.started_at, submitted_at, cap), at=submitted_at,
                    category=module.credit_category)
        if grant_module_credit(user, module, submitted_at):  # completed earlier, short of time until this quiz
            log.info("credited module %s to user %s", module.key, user.id)


def connect() -> None:
    """Idempotent: blinker keeps one connection per receiver."""
    signals.module_completed.connect(on_module_completed)
    signals.scenario_passed.connect(on_scenario_passed)
    signals.quiz_submitted.connect(on_quiz_submitted)
