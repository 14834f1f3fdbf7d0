"""Imports every feature's models so that the metadata (and Alembic) sees all tables."""

from trainer.assessment.models import AssessmentScore, AssessmentStandard, TeamAssessment  # noqa: F401
from trainer.assignments.models import (  # noqa: F401
    Assignment,
    AssignmentCompletion,
    AssignmentMember,
    AssignmentTarget,
    LearningPath,
    Notice,
    NoticeEmail,
    PathStep,
)
from trainer.audit import AuditEvent  # noqa: F401
from trainer.auth.models import ApiToken, LoginAddress, User  # noqa: F401
from trainer.certification.models import Qualification, QualificationEvidence, QualificationGrant  # noqa: F401
from trainer.courses.models import (  # noqa: F401
    Course,
    Module,
    Section,
    SectionRead,
)
from trainer.org.models import Unit  # noqa: F401
from trainer.quiz.models import (  # noqa: F401
    Exam,
    ModuleCompletion,
    Question,
    QuestionBank,
    QuizAttempt,
    QuizItem,
    ReviewCard,
)
from trainer.records.models import ClassroomSession, HoursEntry  # noqa: F401
from trainer.robots.models import RobotMessage, UnitRobot  # noqa: F401
from trainer.roleplay.models import RoleplayAttempt, RoleplaySession, Scenario, ScenarioTurn  # noqa: F401
