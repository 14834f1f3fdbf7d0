"""The annual self-assessment with a database: the 班组长 fills and submits, the 供电所 returns and accepts,
the platform figures come from the records and freeze at submission, every change is audited."""

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from trainer.assessment import reading, services
from trainer.assessment.models import AssessmentScore, TeamAssessment
from trainer.audit import AuditEvent
from trainer.certification.models import Qualification, QualificationGrant
from trainer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.quiz.models import Exam, QuizAttempt
from trainer.records import services as hours
from trainer.roleplay.models import RoleplaySession, Scenario

YEAR = 2026
NOW = datetime(2026, 11, 20, 2, 0)  # 20 November, Shanghai: before both dates
FULL = {"checks": ("20", "四个季度均有检查记录"), "complaints": ("8", "一件投诉超期")}


@pytest.fixture
def team(people, units, make_user, content):
    """east_team with its 班组长 and two more members (营业厅 clerks); the 供电所 trainer is trainer_east."""
    leader = make_user("trainer", units["east_team"], username="leader_east", position="班组长")
    people["trainee_east"].position = "营业厅"
    clerk = make_user("trainee", units["east_team"], username="clerk_east", position="营业厅")
    db.session.commit()
    return {"unit": units["east_team"], "leader": leader, "clerk": clerk, **people}


def _actions(report):
    return [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.target == report.target).order_by(AuditEvent.id))]


def test_saving_starts_the_report_with_a_copy_of_the_standard_and_audits_changes(team):
    report = services.save(team["leader"], team["unit"], YEAR, {"checks": ("15", " 缺第三季度检查 ")}, NOW)
    db.session.commit()
    assert report.status == "draft" and report.standard_key == "standard-test" and report.created_by_id == team["leader"].id
    score = db.session.scalar(select(AssessmentScore).where(AssessmentScore.assessment_id == report.id))
    assert (score.item_key, score.points, score.evidence) == ("checks", 15.0, "缺第三季度检查")
    services.save(team["leader"], team["unit"], YEAR, {"checks": ("15", "缺第三季度检查")}, NOW)  # nothing changed
    db.session.commit()
    assert _actions(report) == ["assessment.start", "assessment.save"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.save"))
    assert json.loads(event.details)["changes"] == {"checks": {"points": [None, 15.0], "evidence": "缺第三季度检查"}}


@pytest.mark.parametrize("who", ["trainer_east", "admin", "trainee_east", "trainer_west"])
def test_only_the_teams_leader_fills_it(team, who):
    with pytest.raises(Forbidden):
        services.save(team[who], team["unit"], YEAR, FULL, NOW)


def test_bad_scores_and_unknown_items_are_refused(team):
    with pytest.raises(ValidationFailed, match="“季度检查”的得分应在 0 到 20 分之间"):
        services.save(team["leader"], team["unit"], YEAR, {"checks": ("21", "")}, NOW)
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="请刷新页面"):
        services.save(team["leader"], team["unit"], YEAR, {"hours": ("40", "")}, NOW)  # a platform item
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="2000 字"):
        services.save(team["leader"], team["unit"], YEAR, {"checks": ("1", "长" * 2001)}, NOW)


def test_an_incomplete_report_cannot_be_submitted(team):
    with pytest.raises(ValidationFailed) as caught:
        services.submit(team["leader"], team["unit"], YEAR, {"checks": ("20", "")}, NOW)
    assert caught.value.message == "还不能报送:“季度检查”缺少佐证说明;“受理投诉”尚未打分;“受理投诉”缺少佐证说明。"


def test_submit_freezes_the_figures_and_the_total(team):
    adjust_to_target(team, team["leader"], team["clerk"])  # 2 of 3 members reach 16 hours
    report = services.submit(team["leader"], team["unit"], YEAR, FULL, NOW)
    db.session.commit()
    # hours: 66.7 % → 40 − 33.3 = 6.7; exam: nobody sat it → 0; no qualification is meant for anyone → 10;
    # role-play: nobody passed → 0; manual 20 + 8
    assert report.status == "submitted" and report.total == 44.7
    assert report.first_submitted_at == NOW and report.submitted_by_id == team["leader"].id
    frozen = reading.frozen_rates(report)
    assert (frozen["hours"].met, frozen["hours"].of) == (2, 3)
    adjust_to_target(team, team["trainee_east"])  # after submission: the report keeps its figures
    view = reading.team_view(team["trainer_east"], team["unit"], YEAR, NOW + timedelta(days=1))
    assert view.frozen and view.sheet.total == 44.7 and view.can_review and not view.can_fill
    submit_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.submit"))
    details = json.loads(submit_event.details)
    assert details["total"] == 44.7 and details["late"] is False and details["resubmission"] is False
    assert details["scores"]["hours"] == 6.7


def test_a_submitted_report_is_locked_and_moves_once(team):
    services.submit(team["leader"], team["unit"], YEAR, FULL, NOW)
    db.session.commit()
    with pytest.raises(Conflict, match="正在等待审核"):
        services.save(team["leader"], team["unit"], YEAR, FULL, NOW)
    db.session.rollback()
    with pytest.raises(Conflict):
        services.submit(team["leader"], team["unit"], YEAR, {}, NOW)


def test_return_needs_a_reason_and_the_resubmission_keeps_the_first_date(team):
    services.submit(team["leader"], team["unit"], YEAR, FULL, NOW)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="必须填写原因"):
        services.return_report(team["trainer_east"], team["unit"], YEAR, "  ", NOW)
    with pytest.raises(Forbidden):
        services.return_report(team["leader"], team["unit"], YEAR, "自己退回", NOW)
    with pytest.raises(Forbidden):
        services.return_report(team["trainer_west"], team["unit"], YEAR, "别的供电所", NOW)
    later = datetime(2026, 12, 6, 2, 0)  # returned and corrected after the report date: not late again
    report = services.return_report(team["trainer_east"], team["unit"], YEAR, "季度检查缺佐证附件", later)
    db.session.commit()
    assert (report.status, report.return_reason, report.reviewed_by_id) == ("returned", "季度检查缺佐证附件", team["trainer_east"].id)
    assert reading.team_view(team["leader"], team["unit"], YEAR, later).can_fill
    report = services.submit(team["leader"], team["unit"], YEAR, {"checks": ("18", "补充附件:第三季度检查记录")}, later)
    db.session.commit()
    assert report.first_submitted_at == NOW and report.submitted_at == later and report.total == 36  # 18 + 8 + 10 (no qualification needed)
    services.accept(team["trainer_east"], team["unit"], YEAR, later)
    db.session.commit()
    assert report.status == "accepted"
    assert _actions(report) == ["assessment.start", "assessment.save", "assessment.submit", "assessment.return",
                                "assessment.save", "assessment.submit", "assessment.accept"]
    details = [json.loads(e.details) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assessment.submit").order_by(AuditEvent.id))]
    assert [d["resubmission"] for d in details] == [False, True] and [d["late"] for d in details] == [False, False]
    with pytest.raises(Conflict):
        services.accept(team["trainer_east"], team["unit"], YEAR, later)
    with pytest.raises(Conflict):
        services.return_report(team["trainer_east"], team["unit"], YEAR, "再退回", later)
    history = reading.history(report)
    assert [h.label for h in history][-2:] == ["报送供电所", "供电所审核通过"] and history[3].details["reason"] == "季度检查缺佐证附件"


def test_a_report_first_sent_after_the_report_date_is_late(team):
    report = services.submit(team["leader"], team["unit"], YEAR, FULL, datetime(2026, 12, 5, 16, 30))  # 6 Dec 00:30
    db.session.commit()
    row = reading.overview(team["trainer_east"], YEAR, datetime(2026, 12, 7))[0]
    assert row.note.key == "late" and row.note.text == "逾期报送(晚 1 天)" and row.total == report.total


def test_old_years_are_history(team):
    with pytest.raises(Conflict, match="已归档"):
        services.save(team["leader"], team["unit"], 2024, FULL, NOW)
    with pytest.raises(NotFound, match="2019 年还没有考核标准"):
        reading.team_view(team["leader"], team["unit"], 2019, NOW)


def test_who_sees_which_team(team, units):
    assert [r.team.id for r in reading.overview(team["trainer_east"], YEAR, NOW)] == [units["east_team"].id]
    assert [r.team.id for r in reading.overview(team["leader"], YEAR, NOW)] == [units["east_team"].id]
    assert {r.team.id for r in reading.overview(team["admin"], YEAR, NOW)} == {units["east_team"].id, units["west_team"].id}
    assert reading.overview(team["trainee_east"], YEAR, NOW) == []
    with pytest.raises(Forbidden):
        reading.visible_team(team["trainer_west"], units["east_team"].id)
    with pytest.raises(NotFound):
        reading.visible_team(team["admin"], units["east"].id)  # a 供电所 is not a 班组


def test_the_platform_figures_come_from_each_record(team):
    leader, clerk, trainee = team["leader"], team["clerk"], team["trainee_east"]
    start = datetime(2026, 3, 1)
    exam = db.session.scalar(select(Exam).where(Exam.key == "demo-exam"))
    for number, (person, passed) in enumerate([(clerk, True), (trainee, False), (clerk, False)], start=1):
        db.session.add(QuizAttempt(user_id=person.id, mode="exam", scope=f"exam:{exam.id}", exam_id=exam.id, number=number,
                                   status="submitted", submitted_at=start, passed=passed, percent=90 if passed else 50))
    db.session.add(QuizAttempt(user_id=leader.id, mode="exam", scope=f"exam:{exam.id}", exam_id=exam.id, number=1,
                               status="submitted", submitted_at=datetime(2025, 6, 1), passed=True, percent=95))  # last year
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    db.session.add(RoleplaySession(user_id=trainee.id, scenario_id=scenario.id, status="finished", passed=True, passed_at=start))
    clerk_q = Qualification(key="clerk", title="柜台上岗资格", positions_json=["营业厅"], module_keys_json=[],
                            scenario_keys_json=[], validity_months=12)
    db.session.add(clerk_q)
    db.session.flush()
    db.session.add(QualificationGrant(user_id=clerk.id, qualification_id=clerk_q.id, kind="manual", granted_at=start,
                                      expires_at=start + timedelta(days=365), code="ABCDEFGHJKLM"))
    db.session.commit()
    sheet = reading.team_view(leader, team["unit"], YEAR, NOW).sheet
    figures = {line.item.id: (line.rate.met, line.rate.of, line.points) for line in sheet.lines if line.item.platform}
    assert figures["exam"] == (1, 3, 3.3)  # the clerk passed once this year; the leader's pass was last year
    assert figures["roleplay"] == (1, 3, 6.7)  # 33 % of the 50 % that earns full points
    assert figures["qualification"] == (1, 2, 5)  # the two 营业厅 people need it, the 班组长 does not
    assert "参考 2 人" in sheet.line("exam").rate.detail


def test_a_report_keeps_the_standard_it_was_started_with(team, tmp_path):
    import shutil

    from tests.conftest import CONTENT
    from trainer.content import load_content
    from trainer.importing import import_content

    report = services.save(team["leader"], team["unit"], YEAR, {"checks": ("20", "记录")}, NOW)
    db.session.commit()
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    path = root / "courses" / "assessment" / "standard-test.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 季度检查", "title: 季度检查(修订)"), encoding="utf-8")
    loaded, errors = load_content(root)
    assert errors == []
    assert import_content(loaded).updated.get("assessment standards") == 1
    db.session.commit()
    assert reading.standard_row(YEAR).definition.items[4].title == "季度检查(修订)"
    assert db.session.get(TeamAssessment, report.id).standard.items[4].title == "季度检查"


def adjust_to_target(team, *people):
    for person in people:
        hours.adjust(team["admin"], person, year=YEAR, category="ethics", minutes=16 * 60, reason="测试:补录学时", now=NOW)
    db.session.commit()
