"""A learning path's order is enforced where the path says so: an exam or role-play step whose prerequisites
(``after``) are not done cannot be started, by the page or the API, and the refusal says what to finish first.
Only people the path is assigned to are held; an attempt already running is always resumed."""

import random
from datetime import date, datetime

import pytest
from sqlalchemy import select

from trainer import gates, signals
from trainer.assignments import services as assignments
from trainer.courses.models import Module
from trainer.errors import Forbidden
from trainer.extensions import db
from trainer.quiz import services as quiz
from trainer.quiz.exams import get_exam
from trainer.roleplay import services as roleplay
from trainer.roleplay.models import Scenario

NOW = datetime(2026, 3, 1, 2, 0)


@pytest.fixture
def assigned(units, people, content):
    """The test onboarding path (phone → counter → greeting → exam, the exam after all three) for 东区."""
    assignments.create_assignment(people["admin"], item_kind="path", item_key="new-hire-onboarding",
                                  due_date=date(2026, 3, 31), units=[units["east"]], now=NOW)
    db.session.commit()
    return people["trainee_east"]


def start_exam(user):
    return quiz.start_exam(user, get_exam("demo-exam", user), NOW, random.Random(1))


def test_the_exam_step_cannot_be_started_before_its_prerequisites(assigned):
    lock = gates.lock_for(assigned, "exam", "demo-exam")
    assert lock is not None
    assert "测试考试" in lock.message and "电话服务基础" in lock.message and "客户来到柜台" in lock.message
    with pytest.raises(Forbidden) as refused:
        start_exam(assigned)
    assert refused.value.message == lock.message and "locked" in refused.value.detail
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    with pytest.raises(Forbidden, match="柜台服务基础"):
        roleplay.start_session(assigned, scenario, now=NOW)


def test_done_prerequisites_unlock_the_step(assigned):
    for key in ("phone-basics", "counter-basics"):
        module = db.session.scalar(select(Module).where(Module.key == key))
        signals.module_completed.send(assigned, module=module, completed_at=NOW)
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    assert gates.lock_for(assigned, "scenario", "counter-greeting") is None
    assert gates.lock_for(assigned, "exam", "demo-exam") is not None  # still waits for the role-play
    signals.scenario_passed.send(assigned, scenario=scenario, score=90, attempt_id=1, passed_at=NOW)
    attempt, created = start_exam(assigned)
    assert created and attempt.status == "open"


def test_people_without_the_path_and_running_attempts_are_not_held(assigned, people):
    attempt, created = start_exam(people["trainee_west"])  # 西区 has no such assignment
    assert created
    early, _ = start_exam(people["trainer_east"])  # assignments reach trainers only by name
    assert early.status == "open"


def test_an_attempt_started_before_the_assignment_is_resumed(units, people, content):
    learner = people["trainee_east"]
    attempt, _ = start_exam(learner)
    assignments.create_assignment(people["admin"], item_kind="path", item_key="new-hire-onboarding",
                                  due_date=date(2026, 3, 31), people=[learner], now=NOW)
    db.session.commit()
    again, created = start_exam(learner)
    assert again.id == attempt.id and not created
