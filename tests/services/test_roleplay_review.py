"""Trainer overrides (kept beside the original, audited, scoped) and who may hear a recording."""

import json

import pytest
from sqlalchemy import select

from tests.roleplay_support import GOOD_ANSWER, GOOD_BYE, answer, silent_wav
from trainer.audit import AuditEvent
from trainer.errors import Conflict, Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.roleplay import services
from trainer.timeutil import utcnow


@pytest.fixture
def session(app, people, content):
    s = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    return s


def test_override_is_kept_beside_the_original_and_audited(app, people, session):
    from trainer import signals

    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.scenario_passed.connect(receiver)
    trainee, trainer = people["trainee_east"], people["trainer_east"]
    first = answer(app, trainee, session, 1, "您好,请问您需要什么帮助?")  # 请坐 missing: fails
    answer(app, trainee, session, 2, GOOD_BYE)
    assert session.finished and not session.passed and received == []
    services.override(trainer, first, score=90, passed=True, reason="请坐已说出,录音清楚,识别漏字。", now=utcnow())
    db.session.commit()
    assert first.score < 60 and first.passed is False  # the automatic result stays
    assert (first.override_score, first.override_passed, first.overridden_by_id) == (90, True, trainer.id)
    assert first.effective_score == 90 and first.effective_passed
    assert session.passed and len(received) == 1 and received[0]["score"] == session.score
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roleplay.override"))
    details = json.loads(event.details)
    assert event.actor_id == trainer.id and event.target == f"roleplay_attempt:{first.id}"
    assert details["automatic"] == {"score": first.score, "passed": False}
    assert details["after"] == {"score": 90, "passed": True} and "识别漏字" in details["reason"]
    # Overriding back to a fail re-evaluates the session but does not take the credit back.
    services.override(people["admin"], first, score=50, passed=False, reason="复核后认定未示座。", now=utcnow())
    assert not session.passed and session.passed_at is not None and len(received) == 1
    signals.scenario_passed.disconnect(receiver)


def test_override_completes_a_session_waiting_on_recognition(app, people, session):
    def broken(audio, prompt):
        raise RuntimeError("down")

    trainee = people["trainee_east"]
    answer(app, trainee, session, 1, GOOD_ANSWER)
    app.config["ASR_FAKE_TRANSCRIPT"] = broken
    pending = answer(app, trainee, session, 2, None)
    assert pending.status == "pending" and not session.finished
    services.override(people["trainer_east"], pending, score=85, passed=True, reason="听录音确认已道别。", now=utcnow())
    assert session.finished and session.passed


def test_override_scoping_and_validation(app, people, session):
    attempt = answer(app, people["trainee_east"], session, 1, GOOD_ANSWER)
    for outsider in (people["trainer_west"], people["trainee_west"], people["trainee_east"]):
        with pytest.raises(Forbidden):
            services.override(outsider, attempt, score=10, passed=False, reason="x", now=utcnow())
    trainer = people["trainer_east"]
    for bad in ({"score": 101}, {"score": "abc"}, {"reason": "  "}, {"reason": "长" * 501}, {"passed": "yes"}):
        kwargs = {"score": 70, "passed": True, "reason": "理由", **bad}
        with pytest.raises(ValidationFailed):
            services.override(trainer, attempt, **kwargs, now=utcnow())
    assert not attempt.overridden
    rejected = answer(app, people["trainee_east"], session, 1, "", data=silent_wav())
    with pytest.raises(Conflict):
        services.override(trainer, rejected, score=70, passed=True, reason="理由", now=utcnow())
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roleplay.override")) is None


def test_who_may_hear_a_recording(app, people, session):
    attempt = answer(app, people["trainee_east"], session, 1, GOOD_ANSWER)
    allowed = {name: services.can_hear(user, attempt) for name, user in people.items()}
    assert allowed == {"admin": True, "trainer_east": True, "trainer_west": False,
                       "trainee_east": True, "trainee_west": False}


def test_review_query_shows_only_visible_people(app, people, units, content):
    east = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    west = services.start_session(people["trainee_west"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    mine = answer(app, people["trainee_east"], east, 1, GOOD_ANSWER)
    answer(app, people["trainee_west"], west, 1, "您好。")

    def ids(actor, **filters):
        return [a.id for a in db.session.scalars(services.review_query(actor, **filters))]

    assert ids(people["trainer_east"]) == [mine.id]
    assert len(ids(people["admin"])) == 2
    assert ids(people["admin"], status="failed") != ids(people["admin"], status="scored")
    assert ids(people["trainer_east"], status="pending") == []
    assert ids(people["trainer_east"], unit=units["east_team"]) == [mine.id]
    assert ids(people["trainer_east"], scenario_id=east.scenario_id) == [mine.id]
    with pytest.raises(Forbidden):
        ids(people["trainer_east"], unit=units["west_team"])
