"""Imports every feature's models so that the metadata (and Alembic) sees all tables."""

from trainer.audit import AuditEvent  # noqa: F401
from trainer.auth.models import ApiToken, LoginThrottle, User  # noqa: F401
from trainer.courses.models import (  # noqa: F401
    Course,
    Module,
    Question,
    QuestionBank,
    Section,
    SectionRead,
)
from trainer.org.models import Unit  # noqa: F401
from trainer.roleplay.models import Scenario, ScenarioTurn  # noqa: F401
