"""Exam results by unit and item analysis, for trainers (scoped to the units they may see).

Item analysis, per question, over the submitted attempts of the people the trainer can see:
- **facility**: the mean credit (0–1): the share of the question's points people earned.
- **discrimination**: the point-biserial correlation, in its *corrected* form: Pearson's r between the
  item's credit and the rest of the attempt's score (the score without this item), so an item does not
  correlate with itself. Good items are ≥ 0.3; < 0.2 means strong and weak candidates do about equally
  well on it (ambiguous wording, a wrong key). Undefined (shown "—") when either side has no variance.
- **option frequencies**: how often each option was chosen (single/multiple), 对/错 (true_false), the most
  common answers (fill_blank) or orders (ordering), and how many left it blank.
- **flags**: facility < 0.2 (too hard or a wrong key), facility > 0.95 (too easy), discrimination < 0.2,
  shown only once at least ``MIN_SAMPLE`` attempts answered the question.
"""

import json
import math
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from trainer.auth import policy
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.question_types import QUESTION_TYPES
from trainer.quiz.models import Exam, Question, QuizAttempt, QuizItem

MIN_SAMPLE = 5
LOW_FACILITY, HIGH_FACILITY, LOW_DISCRIMINATION = 0.2, 0.95, 0.2


@dataclass
class ItemStats:
    question_id: int
    n: int = 0
    facility: float | None = None
    discrimination: float | None = None
    counts: Counter = field(default_factory=Counter)  # raw response parts → times chosen
    unanswered: int = 0
    flags: list[str] = field(default_factory=list)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def _tally(stats: ItemStats, qtype: str, response) -> None:
    if not response:
        stats.unanswered += 1
    else:
        QUESTION_TYPES[qtype].tally(stats.counts, response)


def analyse(attempts: list[list[tuple[int, str, float, float, list | None]]]) -> dict[int, ItemStats]:
    """Pure. ``attempts``: per attempt, its items as (question id, type, credit, points, response)."""
    pairs: dict[int, tuple[list[float], list[float]]] = {}
    stats: dict[int, ItemStats] = {}
    for items in attempts:
        earned = sum(credit * points for _q, _t, credit, points, _r in items)
        total = sum(points for _q, _t, _c, points, _r in items)
        for qid, qtype, credit, points, response in items:
            item = stats.setdefault(qid, ItemStats(qid))
            item.n += 1
            _tally(item, qtype, response)
            rest_total = total - points
            rest = (earned - credit * points) / rest_total if rest_total > 0 else 0.0
            credits, rests = pairs.setdefault(qid, ([], []))
            credits.append(credit)
            rests.append(rest)
    for qid, item in stats.items():
        credits, rests = pairs[qid]
        item.facility = sum(credits) / len(credits)
        item.discrimination = pearson(credits, rests)
        if item.n >= MIN_SAMPLE:
            if item.facility < LOW_FACILITY:
                item.flags.append("太难或答案有误")
            elif item.facility > HIGH_FACILITY:
                item.flags.append("太容易")
            if item.discrimination is not None and item.discrimination < LOW_DISCRIMINATION:
                item.flags.append("区分度低")
    return stats


def _visible_trainees(actor: User):
    return policy.visible_users_query(actor).where(User.role == "trainee")


def exam_item_analysis(actor: User, exam: Exam) -> list[tuple[Question, ItemStats, list[tuple[str, int, bool]]]]:
    """Rows for the analysis page: (question, stats, [(choice label, times, is the right answer)])."""
    people = _visible_trainees(actor).with_only_columns(User.id)
    rows = db.session.execute(
        select(QuizItem.attempt_id, QuizItem.question_id, QuizItem.type, QuizItem.credit, QuizItem.points, QuizItem.response_json)
        .join(QuizAttempt, QuizItem.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.exam_id == exam.id, QuizAttempt.status == "submitted", QuizAttempt.user_id.in_(people))
        .order_by(QuizItem.attempt_id, QuizItem.position)
    ).all()
    by_attempt: dict[int, list] = {}
    for attempt_id, qid, qtype, credit, points, response in rows:
        by_attempt.setdefault(attempt_id, []).append((qid, qtype, credit or 0.0, points, json.loads(response) if response else None))
    stats = analyse(list(by_attempt.values()))
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(stats)))}
    result = []
    for qid, item in sorted(stats.items(), key=lambda pair: (pair[1].facility or 0)):
        question = questions[qid]
        result.append((question, item, choice_labels(question, item)))
    return result


def choice_labels(question: Question, item: ItemStats) -> list[tuple[str, int, bool]]:
    return QUESTION_TYPES[question.type].choice_labels(question, item.counts)


# --- results by unit --------------------------------------------------------------------------------------

@dataclass
class PersonResult:
    user: User
    attempts: int = 0
    best: float | None = None
    passed: bool = False
    last_at: object = None


@dataclass
class UnitResult:
    unit: Unit
    people: list[PersonResult] = field(default_factory=list)

    @property
    def took(self) -> int:
        return sum(1 for p in self.people if p.attempts)

    @property
    def passed(self) -> int:
        return sum(1 for p in self.people if p.passed)

    @property
    def pass_rate(self) -> float | None:
        return round(100 * self.passed / len(self.people), 1) if self.people else None

    @property
    def mean_best(self) -> float | None:
        scores = [p.best for p in self.people if p.best is not None]
        return round(sum(scores) / len(scores), 1) if scores else None


def exam_results(actor: User, exam: Exam) -> list[UnitResult]:
    """One row per visible unit (its own trainees, not those of units below), in tree order."""
    trainees = list(db.session.scalars(_visible_trainees(actor).where(User.active.is_(True))))
    stats = {
        user_id: (count, best, bool(passed), last)
        for user_id, count, best, passed, last in db.session.execute(
            select(QuizAttempt.user_id, func.count(QuizAttempt.id), func.max(QuizAttempt.percent),
                   func.max(QuizAttempt.passed.cast(db.Integer)), func.max(QuizAttempt.submitted_at))
            .where(QuizAttempt.exam_id == exam.id, QuizAttempt.status == "submitted")
            .group_by(QuizAttempt.user_id)
        ).all()
    }
    units = {u.id: UnitResult(u) for u in policy.visible_units(actor)}
    for user in trainees:
        if user.unit_id in units:
            count, best, passed, last = stats.get(user.id, (0, None, False, None))
            units[user.unit_id].people.append(PersonResult(user, count, best, passed, last))
    return [row for row in units.values() if row.people]
