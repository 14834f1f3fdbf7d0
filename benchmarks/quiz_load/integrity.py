"""After the load: is what the server acknowledged what the database holds, and was every attempt graded once?

Answers: the last acknowledged response to each (attempt, question) is the stored one (compared in the
shown order). Attempts: each bench trainee has exactly one attempt, submitted; every item's credit is the
score of its stored response against the answer key frozen in the item; the attempt's points add up. Graded
*exactly once* is read from grading's side effects, which a second grading would double: each missed
question has one review card reviewed once (reps = 1), no other question has a card, and the exam's time
on task (``activity_day``) is counted once. A cohort that submitted itself must not be marked automatic
and must match what its submit response said; one closed at the deadline must be automatic and dated at it.
"""

from collections import defaultdict

from sqlalchemy import func, select

from benchmarks.quiz_load.data import BENCH_EXAM, _app
from benchmarks.quiz_load.load import Cohort


def check_answers(items: dict, cohorts: list[Cohort]) -> tuple[int, int]:
    from trainer.quiz import marking

    good = total = 0
    for cohort in cohorts:
        shown = {(a["id"], i["question_id"]): i for a in cohort.attempts if a for i in a["items"]}
        for key, response in cohort.acknowledged.items():
            total += 1
            item, kind = items.get(key), shown[key]["type"]
            if item is not None and marking.to_shown(kind, item.response, item.option_order) == (
                    sorted(response) if kind == "multiple" else response):
                good += 1
    return good, total


def _attempt_problems(attempt, items, cards, seconds, automatic: bool | None, result: dict | None) -> list[str]:
    from trainer.hours import span_seconds
    from trainer.quiz import marking

    problems = []
    if attempt.status != "submitted":
        return [f"attempt {attempt.id} is {attempt.status}"]
    earned = 0.0
    for item in items:
        expected = marking.score(item.type, item.answer, item.response, len(item.options))
        if item.credit is None or abs(item.credit - expected) > 1e-9:
            problems.append(f"attempt {attempt.id} item {item.question_id}: credit {item.credit}, expected {expected}")
        earned += (item.credit or 0.0) * item.points
    if attempt.points is None or abs(attempt.points - round(earned, 4)) > 1e-6:
        problems.append(f"attempt {attempt.id}: points {attempt.points}, items add up to {earned}")
    missed = {i.question_id for i in items if (i.credit or 0.0) < 1.0}
    if set(cards) != missed or any(reps != 1 for reps in cards.values()):
        problems.append(f"attempt {attempt.id}: review cards {dict(cards)} for missed {sorted(missed)}")
    cap = int((attempt.deadline_at - attempt.started_at).total_seconds())
    if seconds != span_seconds(attempt.started_at, attempt.submitted_at, cap):
        problems.append(f"attempt {attempt.id}: exam time counted {seconds} s, once would be "
                        f"{span_seconds(attempt.started_at, attempt.submitted_at, cap)} s")
    if automatic is not None and attempt.auto_submitted != automatic:
        problems.append(f"attempt {attempt.id}: auto_submitted {attempt.auto_submitted}")
    if automatic and attempt.submitted_at != attempt.deadline_at:
        problems.append(f"attempt {attempt.id}: closed at {attempt.submitted_at}, deadline {attempt.deadline_at}")
    if result is not None and (result.get("percent") != attempt.percent or result.get("passed") != attempt.passed):
        problems.append(f"attempt {attempt.id}: submit answered {result.get('percent')} %, stored {attempt.percent} %")
    return problems


def verify(database_url: str, cohorts: list[tuple[Cohort, bool]]) -> tuple[bool, list[str]]:
    """``cohorts``: (cohort, whether its attempts were closed automatically). Returns (all good, report lines)."""
    from trainer.auth.models import ApiToken
    from trainer.extensions import db
    from trainer.quiz.models import QuizAttempt, QuizItem, ReviewCard
    from trainer.records.models import ActivityDay

    app = _app(database_url)
    with app.app_context():
        hashes = {ApiToken.hash(t): (c, i) for c, _auto in cohorts for i, t in enumerate(c.tokens)}
        users = dict(db.session.execute(select(ApiToken.user_id, ApiToken.token_hash).where(
            ApiToken.token_hash.in_(list(hashes)))).all())
        user_ids = list(users)
        attempts = defaultdict(list)
        for attempt in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id.in_(user_ids))):
            attempts[attempt.user_id].append(attempt)
        items = defaultdict(list)
        for item in db.session.scalars(select(QuizItem).join(QuizAttempt).where(QuizAttempt.user_id.in_(user_ids))):
            items[item.attempt_id].append(item)
        cards = defaultdict(dict)
        for user_id, question_id, reps in db.session.execute(select(ReviewCard.user_id, ReviewCard.question_id,
                                                                    ReviewCard.reps).where(ReviewCard.user_id.in_(user_ids))):
            cards[user_id][question_id] = reps
        seconds = dict(db.session.execute(
            select(ActivityDay.user_id, func.sum(ActivityDay.seconds)).where(
                ActivityDay.user_id.in_(user_ids), ActivityDay.kind == "exam", ActivityDay.subject_key == BENCH_EXAM)
            .group_by(ActivityDay.user_id)).all())
        by_key = {(i.attempt_id, i.question_id): i for group in items.values() for i in group}
        good_answers, answers = check_answers(by_key, [c for c, _auto in cohorts])
        problems, graded, expected = [], 0, 0
        for user_id, token_hash in users.items():
            cohort, index = hashes[token_hash]
            automatic = next(auto for c, auto in cohorts if c is cohort)
            started = cohort.attempts[index]
            if started is None:
                continue  # its start failed (counted as an error of the start phase)
            expected += 1
            mine = attempts[user_id]
            if len(mine) != 1:
                problems.append(f"user {user_id}: {len(mine)} attempts")
                continue
            attempt = mine[0]
            result = cohort.results.get(attempt.id)
            found = _attempt_problems(attempt, items[attempt.id], cards[user_id], int(seconds.get(user_id, 0)),
                                      None if not automatic and result is None else automatic, result)
            problems += found
            graded += not found
        db.engine.dispose()
    lines = [f"integrity     answers {good_answers}/{answers} acknowledged answers stored as sent",
             f"integrity     attempts {graded}/{expected} graded exactly once (credits match the frozen keys, one "
             f"attempt per trainee, each missed question reviewed once, exam time counted once)"]
    lines += [f"  problem: {p}" for p in problems[:20]]
    if len(problems) > 20:
        lines.append(f"  … and {len(problems) - 20} more")
    return good_answers == answers and graded == expected and not problems, lines
