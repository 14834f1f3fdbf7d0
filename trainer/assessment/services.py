"""Changing reports: the 班组长 saves and submits, the 供电所 returns (with a reason) or accepts.

Services flush, never commit; every change is audited (target ``team_assessment:<id>``). A change of
status is a conditional UPDATE on the expected status (a claim): a double click, or a save racing a
submission, changes the report once and the loser gets a Conflict. Saving claims the row too (it bumps
``updated_at`` only while the report is editable), so a save can never slip into a submitted report.
"""

import json
from datetime import datetime

from sqlalchemy import update

from trainer import audit
from trainer.assessment.models import AssessmentScore, TeamAssessment
from trainer.assessment.reading import EDITABLE, assessment_calendar, find_report, live_sheet, standard_row
from trainer.assessment.rules import parse_manual_points
from trainer.assessment.sheet import MAX_EVIDENCE
from trainer.auth import policy
from trainer.auth.models import User
from trainer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.inserts import insert_ignore
from trainer.org.models import Unit

MAX_REASON = 2000
STATUS_CONFLICTS = {  # why a report in this status cannot be changed by the 班组长
    "submitted": "自查表已报送供电所,正在等待审核,不能修改。",
    "accepted": "自查表已通过供电所审核,不能再修改。",
}


def _require_open_year(year: int, now: datetime) -> None:
    if not assessment_calendar().editable(now, year):
        raise Conflict(f"{year} 年度的考核自查已归档,只能查看。", f"year {year} is no longer editable")


def _require_leader(actor: User, team: Unit, year: int, now: datetime) -> None:
    if not policy.leads_team(actor, team):
        raise Forbidden("只有本班组的班组长可以填写和报送自查表。", f"user {actor.id} does not lead unit {team.id}")
    _require_open_year(year, now)


def _require_reviewer(actor: User, team: Unit, year: int, now: datetime) -> None:
    if not policy.reviews_team(actor, team):
        raise Forbidden("只有班组所属供电所的培训师可以审核自查表。", f"user {actor.id} may not review unit {team.id}")
    _require_open_year(year, now)


def _start(actor: User, team: Unit, year: int, now: datetime) -> TeamAssessment:
    """The team's report for ``year``, created on the first save with a copy of the standard in force.
    INSERT … ON CONFLICT DO NOTHING: two first saves at once make one report."""
    report = find_report(team, year)
    if report is not None:
        return report
    row = standard_row(year)
    if row is None:
        raise NotFound(f"{year} 年还没有考核标准,请联系管理员导入。", f"no assessment standard in force in {year}")
    created = insert_ignore(
        TeamAssessment, conflict=["unit_id", "year"], unit_id=team.id, year=year, standard_key=row.key,
        standard_json=row.definition_json, status="draft", return_reason="", created_at=now, created_by_id=actor.id,
        updated_at=now)
    report = find_report(team, year)
    if created is not None:
        audit.record(actor, "assessment.start", report.target, team=team.name, year=year, standard=row.key)
    return report


def _claim(report: TeamAssessment, allowed: set[str], now: datetime, **values) -> bool:
    """Conditional UPDATE: set ``values`` only while the status is one of ``allowed``. Returns whether it did."""
    result = db.session.execute(
        update(TeamAssessment).where(TeamAssessment.id == report.id, TeamAssessment.status.in_(allowed))
        .values(updated_at=now, **values).execution_options(synchronize_session=False))
    db.session.refresh(report)
    return result.rowcount == 1


def save(actor: User, team: Unit, year: int, values: dict[str, tuple[str, str]], now: datetime) -> TeamAssessment:
    """Store the 班组长's scores and evidence for manual items: ``values`` maps item id → (points as typed,
    evidence). Blank points leave an item unscored. Only what changed is audited."""
    _require_leader(actor, team, year, now)
    report = _start(actor, team, year, now)
    if not _claim(report, EDITABLE, now):
        raise Conflict(STATUS_CONFLICTS.get(report.status, "自查表当前不能修改。"), f"report {report.id} is {report.status}")
    manual = {item.id: item for item in report.standard.items if not item.platform}
    scores = {s.item_key: s for s in report.scores}
    changes = {}
    for key, (raw_points, raw_evidence) in values.items():
        item = manual.get(key)
        if item is None:
            raise ValidationFailed("自查表已更新,请刷新页面后重新填写。", f"no manual item {key!r} in report {report.id}")
        points = parse_manual_points(raw_points, item.points, item.title)
        evidence = (raw_evidence or "").strip()
        if len(evidence) > MAX_EVIDENCE:
            raise ValidationFailed(f"“{item.title}”的佐证说明不能超过 {MAX_EVIDENCE} 字。", f"evidence of {key} too long")
        score = scores.get(key)
        if score is None:
            if points is None and not evidence:
                continue
            score = AssessmentScore(assessment=report, item_key=key, evidence="")
            db.session.add(score)
        if score.points == points and score.evidence == evidence:
            continue
        changes[key] = {"points": [score.points, points], "evidence": evidence}
        score.points, score.evidence, score.updated_at, score.updated_by_id = points, evidence, now, actor.id
    db.session.flush()
    if changes:
        audit.record(actor, "assessment.save", report.target, team=team.name, year=year, changes=changes)
    return report


def submit(actor: User, team: Unit, year: int, values: dict[str, tuple[str, str]], now: datetime) -> TeamAssessment:
    """Save ``values``, then submit to the 供电所: every manual item scored with evidence; the platform
    figures are measured now and frozen into the report with the total."""
    report = save(actor, team, year, values, now)
    sheet = live_sheet(actor, team, year, report.standard, report, now)
    if not sheet.complete:
        shown = ";".join(sheet.missing[:3]) + (f" 等 {len(sheet.missing)} 项" if len(sheet.missing) > 3 else "")
        raise ValidationFailed(f"还不能报送:{shown}。", f"report {report.id} incomplete: {len(sheet.missing)} problems")
    resubmission = report.first_submitted_at is not None
    claimed = _claim(report, EDITABLE, now, status="submitted", total=sheet.total, submitted_at=now,
                     submitted_by_id=actor.id, first_submitted_at=report.first_submitted_at or now)
    if not claimed:
        raise Conflict(STATUS_CONFLICTS.get(report.status, "自查表当前不能报送。"), f"report {report.id} is {report.status}")
    scores = {s.item_key: s for s in report.scores}
    for line in sheet.lines:
        if not line.item.platform:
            continue
        score = scores.get(line.item.id) or AssessmentScore(assessment=report, item_key=line.item.id, evidence="")
        db.session.add(score)
        score.points, score.updated_at, score.updated_by_id = line.points, now, actor.id
        score.measured_json = json.dumps(line.rate.as_dict(), ensure_ascii=False)
    db.session.flush()
    calendar = assessment_calendar()
    audit.record(actor, "assessment.submit", report.target, team=team.name, year=year, total=sheet.total,
                 late=calendar.is_late(report.first_submitted_at, year), resubmission=resubmission,
                 scores={line.item.id: line.points for line in sheet.lines})
    return report


def return_report(actor: User, team: Unit, year: int, reason: str, now: datetime) -> TeamAssessment:
    """The 供电所 sends a submitted report back to the team; the reason is required and shown to the team."""
    _require_reviewer(actor, team, year, now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("退回时必须填写原因,告诉班组需要修改什么。", "return without reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"退回原因不能超过 {MAX_REASON} 字。", "return reason too long")
    report = _submitted(team, year)
    if not _claim(report, {"submitted"}, now, status="returned", reviewed_at=now, reviewed_by_id=actor.id,
                  return_reason=reason):
        raise Conflict("只有已报送、待审核的自查表可以退回。", f"report {report.id} is {report.status}")
    audit.record(actor, "assessment.return", report.target, team=team.name, year=year, reason=reason)
    return report


def accept(actor: User, team: Unit, year: int, now: datetime) -> TeamAssessment:
    _require_reviewer(actor, team, year, now)
    report = _submitted(team, year)
    if not _claim(report, {"submitted"}, now, status="accepted", reviewed_at=now, reviewed_by_id=actor.id):
        raise Conflict("只有已报送、待审核的自查表可以审核通过。", f"report {report.id} is {report.status}")
    audit.record(actor, "assessment.accept", report.target, team=team.name, year=year, total=report.total)
    return report


def _submitted(team: Unit, year: int) -> TeamAssessment:
    report = find_report(team, year)
    if report is None:
        raise Conflict("该班组还没有报送自查表。", f"no report of unit {team.id} for {year}")
    return report
