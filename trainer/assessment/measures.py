"""The platform's figures for the training items, read from the other features' records (hours ledger,
qualifications, exams, role-play) without changing them. Reads only; one registry entry per measure.

Who counts: the team's active staff (trainees and trainers, as in the hours report; admin accounts are
system accounts) at the moment of measuring. A report freezes its figures when it is submitted.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from trainer.assessment.rules import Rate
from trainer.auth.models import User
from trainer.certification import services as certification
from trainer.certification.models import Qualification
from trainer.content.assessment import ItemDef
from trainer.extensions import db
from trainer.hours import HoursPolicy
from trainer.org.models import Unit
from trainer.quiz.models import Exam, QuizAttempt
from trainer.records import report as hours_report
from trainer.roleplay.models import RoleplaySession


@dataclass(frozen=True)
class Scope:
    team: Unit
    people: list[User]
    year: int
    now: datetime
    actor: User  # the hours report is scoped to what its caller may see; the 班组长 and the 供电所 see the team
    rules: HoursPolicy

    @property
    def ids(self) -> list[int]:
        return [p.id for p in self.people]

    def bounds(self) -> tuple[datetime, datetime]:
        return self.rules.year_bounds(self.year)


def team_people(team: Unit) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.unit_id.in_(team.subtree_ids()), User.active.is_(True),
                           User.role.in_(hours_report.REPORTED_ROLES)).order_by(User.username)))


def hours_rate(scope: Scope, item: ItemDef) -> Rate:
    rows = hours_report.hours_report(scope.actor, scope.year, scope.team, scope.rules)
    ids = set(scope.ids)
    met = sum(1 for row in rows if row.user_id in ids and row.summary.compliant)
    return Rate(met, len(ids), f"年度要求 {scope.rules.target_minutes / 60:g} 学时")


def _applies(qualification: Qualification, person: User) -> bool:
    return not qualification.positions or person.position in qualification.positions


def qualification_rate(scope: Scope, item: ItemDef) -> Rate:
    """People for whom at least one qualification is meant (by 岗位; one without positions is meant for
    everyone), and of them those holding every such qualification, valid at the end of the year (or now)."""
    start, end = scope.bounds()
    at = min(scope.now, end - timedelta(seconds=1))
    quals = certification.active_qualifications()
    cells = certification.cells(scope.ids, quals, at) if quals else {}
    needing = [(p, [q for q in quals if _applies(q, p)]) for p in scope.people]
    needing = [(p, qs) for p, qs in needing if qs]
    met = sum(1 for p, qs in needing if all(certification.held(cells[(p.id, q.id)]) for q in qs))
    names = "、".join(q.title for q in quals) or "暂无上岗资格"
    return Rate(met, len(needing), f"按岗位应持:{names}")


def exam_pass_rate(scope: Scope, item: ItemDef) -> Rate:
    """Everyone counts; someone who did not sit the exam this year has not passed it."""
    start, end = scope.bounds()
    exam = db.session.scalar(select(Exam).where(Exam.key == item.params["exam"]))
    if exam is None or not scope.ids:
        return Rate(0, len(scope.ids), "考试不存在" if exam is None else "")
    # MAX over 1/0 rather than over the boolean: PostgreSQL has no MAX(boolean).
    taken = (select(QuizAttempt.user_id, func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)))
             .where(QuizAttempt.exam_id == exam.id, QuizAttempt.mode == "exam", QuizAttempt.status == "submitted",
                    QuizAttempt.submitted_at >= start, QuizAttempt.submitted_at < end, QuizAttempt.user_id.in_(scope.ids))
             .group_by(QuizAttempt.user_id))
    rows = db.session.execute(taken).all()
    passed = sum(1 for _uid, ok in rows if ok)
    return Rate(passed, len(scope.ids), f"{exam.title}:参考 {len(rows)} 人")


def roleplay_pass_rate(scope: Scope, item: ItemDef) -> Rate:
    start, end = scope.bounds()
    needed = int(item.params.get("min_passed", 1))
    if not scope.ids:
        return Rate(0, 0)
    rows = db.session.execute(
        select(RoleplaySession.user_id, func.count(func.distinct(RoleplaySession.scenario_id)))
        .where(RoleplaySession.passed.is_(True), RoleplaySession.passed_at >= start, RoleplaySession.passed_at < end,
               RoleplaySession.user_id.in_(scope.ids))
        .group_by(RoleplaySession.user_id)).all()
    met = sum(1 for _uid, count in rows if count >= needed)
    return Rate(met, len(scope.ids), f"每人至少通过 {needed} 个情景")


# measure key (trainer/assessment/rules.py MEASURES, platform ones) → how to read it
MEASURE_SOURCES: dict[str, Callable[[Scope, ItemDef], Rate]] = {
    "hours_compliance": hours_rate,
    "qualification_rate": qualification_rate,
    "exam_pass_rate": exam_pass_rate,
    "roleplay_pass_rate": roleplay_pass_rate,
}


def measure_all(scope: Scope, items: list[ItemDef]) -> dict[str, Rate]:
    return {item.id: MEASURE_SOURCES[item.measure](scope, item) for item in items if item.platform}
