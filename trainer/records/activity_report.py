"""Time on task for reports: per person and year, per activity kind, next to the credited hours.

Stored time (reading, quizzes, exams, classroom) is one grouped query over ``activity_day``, served from the
covering index ``ix_activity_day_year_user``. Role-play practice is read from the role-play records: per session
the span from its start to its last recorded answer, at most ``roleplay_seconds_per_answer`` per answer
(listening to the customer, thinking, answering), dated on the day the session started.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from trainer.auth.models import User
from trainer.courses.models import Module
from trainer.extensions import db
from trainer.hours import ActiveTotals, HoursPolicy, span_seconds
from trainer.quiz.models import Exam
from trainer.records.activity import SubjectTime, active_policy, in_activity_order, person_activity
from trainer.records.models import ActivityDay, ClassroomSession
from trainer.roleplay.models import RoleplayAttempt, RoleplaySession, Scenario


@dataclass(frozen=True)
class PracticeSession:
    user_id: int
    scenario_key: str
    category: str | None
    day: date
    seconds: int


def roleplay_sessions(year: int, rules: HoursPolicy, *, user_ids=None) -> Iterable[PracticeSession]:
    """Role-play sessions started in the training year that have at least one answer; ``user_ids`` a list or a
    subquery of user ids (None: everyone)."""
    start, end = rules.year_bounds(year)
    per_answer = active_policy().roleplay_seconds_per_answer
    query = (
        select(RoleplaySession.user_id, Scenario.key, Scenario.credit_category, RoleplaySession.started_at,
               func.max(RoleplayAttempt.created_at), func.count(RoleplayAttempt.id))
        .join(RoleplayAttempt, RoleplayAttempt.session_id == RoleplaySession.id)
        .join(Scenario, Scenario.id == RoleplaySession.scenario_id)
        .where(RoleplaySession.started_at >= start, RoleplaySession.started_at < end)
        .group_by(RoleplaySession.id, RoleplaySession.user_id, Scenario.key, Scenario.credit_category, RoleplaySession.started_at)
    )
    if user_ids is not None:
        query = query.where(RoleplaySession.user_id.in_(user_ids))
    for user_id, key, category, started_at, last_answer, answers in db.session.execute(query):
        yield PracticeSession(user_id, key, category, rules.today(started_at),
                              span_seconds(started_at, last_answer, answers * per_answer))


def active_totals(year: int, rules: HoursPolicy, *, user_ids=None) -> dict[int, ActiveTotals]:
    """user id → the year's active seconds per kind and in the counted categories (summed by the database, one
    row per person and kind)."""
    counted = case((ActivityDay.category.in_(rules.categories), ActivityDay.seconds), else_=0)
    query = (select(ActivityDay.user_id, ActivityDay.kind, func.sum(ActivityDay.seconds), func.sum(counted))
             .where(ActivityDay.year == year).group_by(ActivityDay.user_id, ActivityDay.kind))
    if user_ids is not None:
        query = query.where(ActivityDay.user_id.in_(user_ids))
    rows = [(u, k, int(s), int(c)) for u, k, s, c in db.session.execute(query)]
    rows += [(p.user_id, "roleplay", p.seconds, p.seconds if rules.counts(p.category or "") else 0)
             for p in roleplay_sessions(year, rules, user_ids=user_ids)]
    by_kind: dict[int, dict[str, int]] = {}
    in_counted: dict[int, int] = {}
    for user_id, kind, seconds, counted_seconds in rows:
        kinds = by_kind.setdefault(user_id, {})
        kinds[kind] = kinds.get(kind, 0) + seconds
        in_counted[user_id] = in_counted.get(user_id, 0) + counted_seconds
    return {user_id: ActiveTotals(kinds, in_counted[user_id]) for user_id, kinds in by_kind.items()}


def person_time(person: User, year: int, rules: HoursPolicy) -> list[SubjectTime]:
    """One person's year, one row per activity and subject (role-play per scenario)."""
    practice: dict[str, list[PracticeSession]] = {}
    for session in roleplay_sessions(year, rules, user_ids=[person.id]):
        practice.setdefault(session.scenario_key, []).append(session)
    rows = person_activity(person, year)
    for key, sessions in practice.items():
        days = {s.day for s in sessions}
        rows.append(SubjectTime("roleplay", key, sessions[0].category, sum(s.seconds for s in sessions), min(days), max(days),
                                len(days)))
    return in_activity_order(rows)


def person_totals(person: User, year: int, rules: HoursPolicy) -> ActiveTotals:
    return active_totals(year, rules, user_ids=[person.id]).get(person.id, ActiveTotals())




def _module_titles(keys: set[str]) -> dict[str, str]:
    return dict(db.session.execute(select(Module.key, Module.title).where(Module.key.in_(keys))).all())


def _exam_titles(keys: set[str]) -> dict[str, str]:
    return dict(db.session.execute(select(Exam.key, Exam.title).where(Exam.key.in_(keys))).all())


def _scenario_titles(keys: set[str]) -> dict[str, str]:
    return dict(db.session.execute(select(Scenario.key, Scenario.title).where(Scenario.key.in_(keys))).all())


def _classroom_titles(keys: set[str]) -> dict[str, str]:
    ids = [int(k) for k in keys if k.isdigit()]
    return {str(i): topic for i, topic in db.session.execute(
        select(ClassroomSession.id, ClassroomSession.topic).where(ClassroomSession.id.in_(ids)))}


# Where the name of each kind's subject comes from (the key is shown when the subject is gone).
SUBJECT_TITLES = {"reading": _module_titles, "quiz": _module_titles, "exam": _exam_titles, "roleplay": _scenario_titles,
                  "classroom": _classroom_titles}


def subject_titles(rows: list[SubjectTime]) -> dict[tuple[str, str], str]:
    """(kind, subject key) → title, one query per kind present."""
    titles: dict[tuple[str, str], str] = {}
    for kind, lookup in SUBJECT_TITLES.items():
        keys = {r.subject_key for r in rows if r.kind == kind}
        if keys:
            titles.update({(kind, key): title for key, title in lookup(keys).items()})
    return titles
