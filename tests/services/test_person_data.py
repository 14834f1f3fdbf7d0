"""`trainer person export` / `trainer person delete`: one person's data on request."""

import json
import zipfile

from sqlalchemy import func, select

from tests.roleplay_support import GOOD_ANSWER, GOOD_BYE, answer
from trainer.audit import AuditEvent
from trainer.auth.models import User
from trainer.extensions import db
from trainer.ops.cli import person
from trainer.records import services as records
from trainer.records.models import HoursEntry
from trainer.roleplay import services
from trainer.roleplay.models import RoleplayAttempt, RoleplaySession
from trainer.roleplay.services import storage
from trainer.timeutil import utcnow


def _activity(app, people):
    """trainee_east: a passed role-play (2 recordings, hours credited) and a trainer's hours adjustment;
    trainee_west: one answer (must survive the deletion of trainee_east)."""
    east, west = people["trainee_east"], people["trainee_west"]
    scenario = services.get_scenario("counter-greeting")
    session = services.start_session(east, scenario, now=utcnow())
    db.session.commit()
    answer(app, east, session, 1, GOOD_ANSWER)
    answer(app, east, session, 2, GOOD_BYE)
    records.adjust(people["trainer_east"], east, year=utcnow().year, category="ethics", minutes=30,
                   reason="补登班组学习", now=utcnow())
    other = services.start_session(west, scenario, now=utcnow())
    db.session.commit()
    answer(app, west, other, 1, GOOD_ANSWER)
    db.session.commit()
    return east, west


def _files(app):
    from pathlib import Path

    return sorted(p for p in Path(app.config["AUDIO_DIR"]).rglob("*.wav"))


def test_export_holds_every_row_and_recording(app, people, content, tmp_path):
    east, _ = _activity(app, people)
    target = tmp_path / "east.zip"
    result = app.test_cli_runner().invoke(person, ["export", "trainee_east", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        user = json.loads(archive.read("data/user.json"))[0]
        attempts = json.loads(archive.read("data/roleplay_attempt.json"))
        hours = json.loads(archive.read("data/hours_entry.json"))
        events = json.loads(archive.read("data/audit_event.json"))
        audio = [n for n in names if n.startswith("audio/")]
    assert user["username"] == "trainee_east" and "password_hash" not in user
    assert {a["user_id"] for a in attempts} == {east.id} and len(attempts) == 2
    assert len(audio) == 2 and manifest["audio_files"] == 2
    assert {h["source"] for h in hours} >= {"adjustment"} and len(hours) >= 2
    assert "data/roleplay_session.json" in names
    assert any(e["action"] == "hours.adjust" and e["target"] == f"user:{east.id}" for e in events)
    assert "trainee_east" in result.output and "2 recordings" in result.output


def test_delete_removes_activity_keeps_records_and_anonymises(app, people, content):
    east, west = _activity(app, people)
    east_id = east.id
    hours_before = db.session.scalar(select(func.count(HoursEntry.id)).where(HoursEntry.user_id == east_id))
    east_files = {storage.path_for(app.config["AUDIO_DIR"], a.audio_name)
                  for a in db.session.scalars(select(RoleplayAttempt).where(RoleplayAttempt.user_id == east_id))}
    assert hours_before >= 2 and len(east_files) == 2
    refused = app.test_cli_runner().invoke(person, ["delete", "trainee_east"], input="n\n")
    assert refused.exit_code != 0
    result = app.test_cli_runner().invoke(person, ["delete", "trainee_east", "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.get(User, east_id)
    assert user.username == f"deleted-{east_id}" and user.display_name == "已删除用户"
    assert user.employee_no is None and not user.active and user.password_hash == ""
    count = lambda model, uid: db.session.scalar(select(func.count()).select_from(model).where(model.user_id == uid))  # noqa: E731
    assert count(RoleplayAttempt, east_id) == 0 and count(RoleplaySession, east_id) == 0
    assert count(HoursEntry, east_id) == hours_before  # the ledger is kept
    assert not any(p.exists() for p in east_files)
    assert count(RoleplayAttempt, west.id) == 1 and len(_files(app)) == 1  # nobody else's data touched
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"person.delete", "hours.adjust"} <= set(actions)  # the audit log is kept
    assert db.session.get(User, people["trainer_east"].id).username == "trainer_east"
    assert "recordings removed" in result.output


def test_export_holds_the_overrides_made_on_the_person(app, people, content, tmp_path):
    east, _ = _activity(app, people)
    attempt = db.session.scalars(select(RoleplayAttempt).where(RoleplayAttempt.user_id == east.id)).first()
    services.override(people["trainer_east"], attempt, score=40, passed=False, reason="漏说“您好”", now=utcnow())
    db.session.commit()
    target = tmp_path / "east.zip"
    assert app.test_cli_runner().invoke(person, ["export", "trainee_east", str(target)]).exit_code == 0
    with zipfile.ZipFile(target) as archive:
        rows = {r["id"]: r for r in json.loads(archive.read("data/roleplay_attempt.json"))}
        events = json.loads(archive.read("data/audit_event.json"))
    assert rows[attempt.id]["override_score"] == 40 and rows[attempt.id]["override_reason"] == "漏说“您好”"
    override = next(e for e in events if e["action"] == "roleplay.override")
    assert override["target"] == f"roleplay_attempt:{attempt.id}" and override["actor_id"] == people["trainer_east"].id
    assert "漏说" in override["details"]
    assert len({e["id"] for e in events}) == len(events)  # each event once
