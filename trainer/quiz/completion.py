"""Module completion: every active section read, and the module's quiz passed (or it has no quiz).

Checked when a section is first marked read (the ``section_read`` signal, connected by the quiz feature's
init_app) and after a practice quiz is passed (quiz grading calls it directly). The first time a module is
complete a ``module_completion`` row is written and
``trainer.signals.module_completed`` is sent; the row's unique key makes sure that happens once even
when both checks race.
"""

from datetime import datetime

from sqlalchemy import select

from trainer.auth.models import User
from trainer.courses.models import Module
from trainer.courses.services import read_section_ids
from trainer.extensions import db
from trainer.inserts import insert_ignore
from trainer.quiz.models import ModuleCompletion, QuizAttempt
from trainer.signals import module_completed, section_read


def quiz_passed(user: User, module: Module) -> bool:
    return db.session.scalar(
        select(QuizAttempt.id).where(
            QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id,
            QuizAttempt.mode == "practice", QuizAttempt.passed.is_(True),
        ).limit(1)
    ) is not None


def is_completed(user: User, module: Module) -> bool:
    return db.session.scalar(
        select(ModuleCompletion.id).where(ModuleCompletion.user_id == user.id, ModuleCompletion.module_id == module.id)
    ) is not None


def check_module_completion(user: User, module: Module, now: datetime) -> bool:
    """Record the completion and send the signal if the module has just become complete; True if so."""
    if module.retired or is_completed(user, module):
        return False
    if not {s.id for s in module.active_sections} <= read_section_ids(user, module):
        return False
    if module.quiz_bank_key and not quiz_passed(user, module):
        return False
    if insert_ignore(ModuleCompletion, user_id=user.id, module_id=module.id, completed_at=now) is None:
        return False  # a concurrent request recorded it first and sent the signal
    module_completed.send(user, module=module, completed_at=now)
    return True


def _section_read(sender, section=None, read_at=None, **_extra) -> None:
    check_module_completion(sender, section.module, read_at)


def connect() -> None:
    """Idempotent (blinker keeps one connection per receiver); weak=False: module-level functions anyway."""
    section_read.connect(_section_read, weak=False)


def completed_module_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user.id)))
