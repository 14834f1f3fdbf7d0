"""Start gates: whether a person may start an item (an exam, a role-play scenario, a chapter quiz) now.

The feature that starts something asks here (its start POST and its confirmation page); features that know
an order register a check without the starting feature depending on them (learning paths:
trainer/assignments/gates.py). Here rather than in a feature so no feature imports another for it, like
trainer/widgets.py. Kinds are those of trainer/item_kinds.py.
"""

from dataclasses import dataclass

from trainer.errors import Forbidden


@dataclass(frozen=True)
class Lock:
    """Why an item cannot be started yet: ``message`` in Chinese for the person, ``detail`` for the log."""

    message: str
    detail: str


START_GATES: list = []  # functions (user, kind, key) -> Lock | None


def start_gate(func):
    """Register a check; it returns a Lock to refuse, None to let the start go on."""
    START_GATES.append(func)
    return func


def lock_for(user, kind: str, key: str) -> Lock | None:
    """The first Lock any gate gives ``user`` for item (kind, key), or None when it may be started."""
    for gate in START_GATES:
        lock = gate(user, kind, key)
        if lock is not None:
            return lock
    return None


def require_unlocked(user, kind: str, key: str) -> None:
    """Raise Forbidden with the lock's message when a gate refuses the start (a 403 page or API error)."""
    lock = lock_for(user, kind, key)
    if lock is not None:
        raise Forbidden(lock.message, lock.detail)
