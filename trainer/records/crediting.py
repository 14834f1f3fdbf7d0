"""When a module's hours are credited: the module is complete (every section read, its quiz passed) *and* the
person's active time on it in the training year (reading + chapter quiz) reaches ``ACTIVE_TIME_SHARE`` of its
nominal hours. Checked whenever either can have changed: the module just completed, a heartbeat or a quiz
added time. The credit goes into the year in which the second condition is met and keeps the evidence.

Credits written before this rule existed stay as they are (the ledger is append-only); they carry no evidence.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from trainer.auth.models import User
from trainer.courses.models import Module
from trainer.extensions import db
from trainer.hours import Evidence
from trainer.org.services import hours_policy
from trainer.quiz.completion import is_completed
from trainer.quiz.models import ModuleCompletion
from trainer.records.activity import active_policy, module_evidence
from trainer.records.models import HoursEntry
from trainer.records.services import credit_module


def _credited_minutes(person: User, module: Module, year: int) -> int | None:
    """The minutes the ledger credited for the module in ``year`` (None: not credited)."""
    return db.session.scalar(select(HoursEntry.minutes).where(
        HoursEntry.user_id == person.id, HoursEntry.year == year, HoursEntry.dedupe_key == f"module:{module.key}"))


def _credited(person: User, module: Module, year: int) -> bool:
    return _credited_minutes(person, module, year) is not None


def grant_module_credit(person: User, module: Module, now: datetime) -> bool:
    """Credit the module if it is due and not yet credited this year; True if this call wrote the entry."""
    if module.retired or not module.credit_category or module.credit_minutes <= 0:
        return False
    year = hours_policy().year_of(now)
    if _credited(person, module, year) or not is_completed(person, module):
        return False
    evidence = module_evidence(person, module, year)
    if not active_policy().qualifies(module.credit_minutes, evidence.seconds):
        return False
    return credit_module(person, module, now, evidence)


@dataclass(frozen=True)
class ModuleTime:
    """A module's state for the person this year: what the page and the hours page show."""

    module: Module
    evidence: Evidence
    required_seconds: int
    completed: bool
    credited: bool
    credited_minutes: int | None = None  # what the ledger holds for it this year, once credited

    @property
    def required_minutes(self) -> int:
        return -(-self.required_seconds // 60)  # rounded up: never promise credit a minute early

    @property
    def waiting_for_time(self) -> bool:
        return self.completed and not self.credited and self.evidence.seconds < self.required_seconds

    @property
    def status(self) -> str:
        """credited | waiting (complete, short of time) | studying (not complete yet): what the module page shows."""
        return "credited" if self.credited else "waiting" if self.completed else "studying"


def module_time(person: User, module: Module, year: int) -> ModuleTime:
    minutes = _credited_minutes(person, module, year)
    return ModuleTime(module, module_evidence(person, module, year), active_policy().required_seconds(module.credit_minutes),
                      is_completed(person, module), minutes is not None, minutes)


def waiting_modules(person: User, year: int) -> list[ModuleTime]:
    """Completed modules not credited this year that were completed or studied this year: what still needs time."""
    start, end = hours_policy().year_bounds(year)
    completions = db.session.execute(
        select(Module, ModuleCompletion.completed_at).join(ModuleCompletion, ModuleCompletion.module_id == Module.id)
        .where(ModuleCompletion.user_id == person.id, Module.retired.is_(False), Module.credit_minutes > 0)
        .order_by(ModuleCompletion.completed_at)
    ).all()
    found = []
    for module, completed_at in completions:
        state = module_time(person, module, year)
        if state.waiting_for_time and (start <= completed_at < end or state.evidence.seconds):
            found.append(state)
    return found
