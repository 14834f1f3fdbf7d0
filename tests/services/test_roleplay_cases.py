"""评分分歧: a trainer's opposite verdict becomes a case; closing it writes the scenario file only when the
content check passes, refreshes the stored rubric, and is audited."""

import shutil

import pytest
from sqlalchemy import select

from tests.conftest import CONTENT
from tests.roleplay_support import GOOD_BYE, answer
from trainer.audit import AuditEvent
from trainer.errors import Conflict, Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.roleplay import services
from trainer.roleplay.services import cases
from trainer.timeutil import utcnow

OWN_WORDS = "您好,请坐,您办点啥?"  # a fair answer the shipped wordings do not know


@pytest.fixture
def content_copy(app, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    app.config["CONTENT_DIR"] = str(root)
    return root


@pytest.fixture
def case(app, people, content, content_copy):
    session = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    attempt = answer(app, people["trainee_east"], session, 1, OWN_WORDS)
    assert attempt.passed is False
    services.override(people["trainer_east"], attempt, score=90, passed=True, reason="意思到了", now=utcnow())
    db.session.commit()
    return attempt


def test_an_opposite_override_is_an_open_case_with_what_decided(people, case):
    assert db.session.scalars(cases.case_query(people["trainer_east"])).all() == [case]
    assert db.session.scalars(cases.case_query(people["trainer_west"])).all() == []  # not their people
    assert cases.deciding_items(case) == ["缺少:询问客户需要办理什么"]
    assert cases.agreement_by_scenario(people["admin"]) == {case.turn.scenario_id: (1, 0)}


def test_an_example_the_rubric_disagrees_with_is_refused_and_nothing_is_written(people, case, content_copy):
    path = content_copy / "scenarios/counter-greeting.yaml"
    before = path.read_text(encoding="utf-8")
    change = cases.propose(case, content_copy, example="accept")
    assert f'+        - "{OWN_WORDS}"' in change.diff
    with pytest.raises(ValidationFailed, match="内容检查未通过"):
        cases.apply(people["trainer_east"], case, change, content_copy, example="accept", now=utcnow())
    assert path.read_text(encoding="utf-8") == before and case.case_outcome is None


def test_an_example_with_a_new_wording_is_written_checked_and_used_at_once(app, people, case, content_copy):
    change = cases.propose(case, content_copy, example="accept", intent_id="ask-need", wording="办点啥")
    cases.apply(people["trainer_east"], case, change, content_copy, example="accept", now=utcnow())
    db.session.commit()
    text = (content_copy / "scenarios/counter-greeting.yaml").read_text(encoding="utf-8")
    assert "{id: ask-need, wordings: [办点啥]}" in text and OWN_WORDS in text
    assert case.case_outcome == "accept" and case.case_closed_by_id == people["trainer_east"].id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roleplay.case")).one()
    assert "办点啥" in event.details
    retry = answer(app, people["trainee_east"], case.session, 1, OWN_WORDS)
    assert retry.passed is True  # the stored rubric was refreshed from the file
    with pytest.raises(Conflict):
        cases.dismiss(people["trainer_east"], case, now=utcnow())


def test_dismissing_closes_without_writing_and_strangers_may_not(people, case, content_copy):
    with pytest.raises(Forbidden):
        cases.dismiss(people["trainer_west"], case, now=utcnow())
    cases.dismiss(people["trainer_east"], case, now=utcnow())
    assert case.case_outcome == "dismissed"
    assert db.session.scalars(cases.case_query(people["trainer_east"], closed=True)).all() == [case]


def test_a_file_changed_since_the_preview_is_not_overwritten(people, case, content_copy):
    change = cases.propose(case, content_copy, example=None, intent_id="ask-need", wording="办点啥")
    path = content_copy / "scenarios/counter-greeting.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited by someone else\n", encoding="utf-8")
    with pytest.raises(Conflict):
        cases.apply(people["trainer_east"], case, change, content_copy, example=None, now=utcnow())
    assert "edited by someone else" in path.read_text(encoding="utf-8")


def test_a_second_turn_answer_is_no_case(app, people, content, content_copy):
    session = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    attempt = answer(app, people["trainee_east"], session, 2, GOOD_BYE)
    services.override(people["trainer_east"], attempt, score=95, passed=True, reason="同意", now=utcnow())
    db.session.commit()
    assert db.session.scalars(cases.case_query(people["trainer_east"])).all() == []
    assert cases.agreement_by_scenario(people["trainer_east"]) == {attempt.turn.scenario_id: (1, 1)}
