"""Reading reports: which teams a person sees, one team's sheet for a year, the overview of a year, the
history of a report. Reads only (a GET never writes)."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from trainer import settings
from trainer.assessment.dates import AssessmentCalendar, DeadlineNote, deadline_note
from trainer.assessment.measures import Scope, measure_all, team_people
from trainer.assessment.models import AssessmentStandard, TeamAssessment
from trainer.assessment.rules import Rate
from trainer.assessment.sheet import Entry, Sheet, score_sheet
from trainer.audit import AuditEvent
from trainer.auth import policy
from trainer.auth.models import User
from trainer.content.assessment import StandardDef, standard_for
from trainer.errors import Forbidden, NotFound
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.services import hours_policy

FROZEN = {"submitted", "accepted"}  # the platform figures are those of the submission
EDITABLE = {"draft", "returned"}
ACTIONS = {"assessment.start": "开始填写", "assessment.save": "保存", "assessment.submit": "报送供电所",
           "assessment.return": "供电所退回", "assessment.accept": "供电所审核通过"}


def assessment_calendar() -> AssessmentCalendar:
    return settings.current().assessment


def visible_team(actor: User, unit_id: int) -> Unit:
    """The 班组 ``unit_id`` if ``actor`` leads it or reviews it: 404 when there is no such 班组, 403 otherwise."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.kind != "team":
        raise NotFound("没有这个班组。", f"unit {unit_id} is not a team")
    if not policy.can_see_assessment(actor, unit):
        raise Forbidden("您无权查看该班组的考核自查。", f"user {actor.id} may not see the assessment of unit {unit_id}")
    return unit


def visible_teams(actor: User) -> list[Unit]:
    return [u for u in policy.visible_units(actor) if u.kind == "team" and policy.can_see_assessment(actor, u)]


def standard_row(year: int) -> AssessmentStandard | None:
    rows = db.session.scalars(select(AssessmentStandard).where(AssessmentStandard.retired.is_(False)))
    return standard_for(list(rows), year)


def find_report(team: Unit, year: int) -> TeamAssessment | None:
    return db.session.scalar(select(TeamAssessment).where(TeamAssessment.unit_id == team.id, TeamAssessment.year == year))


def standard_of(report: TeamAssessment | None, year: int) -> StandardDef:
    """The report's own copy of the standard; before there is a report, the standard in force in ``year``."""
    if report is not None:
        return report.standard
    row = standard_row(year)
    if row is None:
        raise NotFound(f"{year} 年还没有考核标准,请联系管理员导入。", f"no assessment standard in force in {year}")
    return row.definition


def frozen_rates(report: TeamAssessment) -> dict[str, Rate]:
    return {s.item_key: s.measured for s in report.scores if s.measured is not None}


def live_sheet(actor: User, team: Unit, year: int, standard: StandardDef, report: TeamAssessment | None,
               now: datetime) -> Sheet:
    """The sheet as it would be submitted now: entries as saved, platform figures measured now."""
    entries = {s.item_key: Entry(s.points, s.evidence) for s in report.scores} if report else {}
    scope = Scope(team, team_people(team), year, now, actor, hours_policy())
    return score_sheet(standard.items, entries, measure_all(scope, standard.items))


@dataclass(frozen=True)
class TeamView:
    team: Unit
    year: int
    report: TeamAssessment | None
    standard: StandardDef
    sheet: Sheet
    status: str
    note: DeadlineNote
    can_fill: bool
    can_review: bool

    @property
    def frozen(self) -> bool:
        return self.status in FROZEN


def team_view(actor: User, team: Unit, year: int, now: datetime) -> TeamView:
    calendar = assessment_calendar()
    report = find_report(team, year)
    standard = standard_of(report, year)
    status = report.status if report else "not_started"
    sheet = frozen_sheet(report) if status in FROZEN else live_sheet(actor, team, year, standard, report, now)
    editable_year = calendar.editable(now, year)
    return TeamView(
        team=team, year=year, report=report, standard=standard, sheet=sheet, status=status,
        note=deadline_note(calendar, year=year, first_submitted_at=report and report.first_submitted_at, now=now),
        can_fill=editable_year and policy.leads_team(actor, team) and status in EDITABLE | {"not_started"},
        can_review=editable_year and policy.reviews_team(actor, team) and status == "submitted",
    )


@dataclass(frozen=True)
class TeamRow:
    team: Unit
    report: TeamAssessment | None
    note: DeadlineNote

    @property
    def status(self) -> str:
        return self.report.status if self.report else "not_started"

    @property
    def total(self) -> float | None:
        return self.report.total if self.report and self.report.status in FROZEN else None


def overview(actor: User, year: int, now: datetime) -> list[TeamRow]:
    """Every team ``actor`` sees, with its report for ``year`` (or none yet), in unit-tree order."""
    calendar = assessment_calendar()
    teams = visible_teams(actor)
    reports = {r.unit_id: r for r in db.session.scalars(
        select(TeamAssessment).where(TeamAssessment.year == year, TeamAssessment.unit_id.in_([t.id for t in teams])))}
    rows = []
    for team in teams:
        report = reports.get(team.id)
        rows.append(TeamRow(team, report, deadline_note(calendar, year=year, now=now,
                                                        first_submitted_at=report and report.first_submitted_at)))
    return rows


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    actor: str
    label: str
    details: dict


def history(report: TeamAssessment | None) -> list[HistoryEvent]:
    """The report's audit trail, oldest first: who started, saved, submitted, returned (and why), accepted."""
    if report is None:
        return []
    rows = db.session.execute(
        select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.target == report.target).order_by(AuditEvent.created_at, AuditEvent.id))
    return [HistoryEvent(event.created_at, name or "系统", ACTIONS.get(event.action, event.action), json.loads(event.details))
            for event, name in rows]


@dataclass(frozen=True)
class Result:
    """A team's row for an export, with its sheet (None unless submitted or accepted: only then are its
    figures fixed) and the standard it was filled against."""

    row: TeamRow
    sheet: Sheet | None
    standard: StandardDef | None


def frozen_sheet(report: TeamAssessment) -> Sheet:
    entries = {s.item_key: Entry(s.points, s.evidence) for s in report.scores}
    return score_sheet(report.standard.items, entries, frozen_rates(report))


def results(actor: User, year: int, now: datetime, teams: list[Unit] | None = None) -> list[Result]:
    """Rows for the exports: every team ``actor`` sees (or just ``teams``)."""
    rows = overview(actor, year, now)
    if teams is not None:
        wanted = {t.id for t in teams}
        rows = [r for r in rows if r.team.id in wanted]
    found = []
    for row in rows:
        report = row.report
        frozen = report is not None and report.status in FROZEN
        standard = report.standard if report else None
        found.append(Result(row, frozen_sheet(report) if frozen else None, standard))
    return found


def years_to_show(now: datetime) -> list[int]:
    """The current year and the five before it, newest first (the years a report can have)."""
    current = assessment_calendar().current_year(now)
    return list(range(current, current - 6, -1))
