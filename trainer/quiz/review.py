"""Daily review: questions a learner missed come back on an FSRS spaced-repetition schedule.

- A card per (learner, question) is made the first time the question is missed (credit < 1) in a
  quiz or exam. Every later result for that question — in a quiz, an exam or the review itself — is a
  review of the card: wrong → Again, partly right → Hard, right → Good (``scoring.rating_for``).
- The scheduler runs without intra-day learning steps, so every interval is whole days: a missed
  question comes back tomorrow, then at growing intervals as it is answered right.
- "Today" is the calendar day in Asia/Shanghai: a card is due today if it falls due before local midnight.
"""

import json
import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler
from sqlalchemy import func, select

from trainer.auth.models import User
from trainer.courses.models import Question
from trainer.extensions import db
from trainer.quiz import scoring
from trainer.quiz.dbutil import insert_ignore_many
from trainer.quiz.models import ReviewCard
from trainer.timeutil import SHANGHAI, to_local

SESSION_SIZE = 10  # questions per daily session: short enough for a shift break
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good}
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), desired_retention=0.9)


def end_of_local_day(now: datetime) -> datetime:
    """Naive-UTC moment of the next local midnight after ``now`` (naive UTC)."""
    local = to_local(now)
    midnight = datetime(local.year, local.month, local.day, tzinfo=SHANGHAI) + timedelta(days=1)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _review(card_row: ReviewCard, rating: str, now: datetime) -> None:
    card = Card.from_dict(json.loads(card_row.card_json))
    card, _log = SCHEDULER.review_card(card, RATINGS[rating], _aware(now))
    card_row.card_json = json.dumps(card.to_dict())
    card_row.due_at = card.due.astimezone(UTC).replace(tzinfo=None)
    card_row.reps += 1
    card_row.lapses += rating == "again"
    card_row.last_rating = rating
    card_row.last_review_at = now


def record_results(user: User, results: list[tuple[int, float]], now: datetime) -> int:
    """Feed (question id, credit) results into the learner's cards; returns how many cards were reviewed.

    New cards for missed questions are inserted in one statement that skips any a parallel request
    created first, then every card concerned is reviewed.
    """
    if not results:
        return 0

    def load(ids) -> dict[int, ReviewCard]:
        return {c.question_id: c for c in db.session.scalars(
            select(ReviewCard).where(ReviewCard.user_id == user.id, ReviewCard.question_id.in_(ids)))}

    cards = load([qid for qid, _credit in results])
    missed = [qid for qid, credit in results if credit < 1.0 and qid not in cards]
    insert_ignore_many(ReviewCard, [
        dict(user_id=user.id, question_id=qid, card_json=json.dumps(Card(card_id=qid, due=_aware(now)).to_dict()),
             due_at=now, reps=0, lapses=0, last_rating="", created_at=now)
        for qid in missed
    ])
    if missed:
        cards.update(load(missed))
    reviewed = 0
    for question_id, credit in results:
        card = cards.get(question_id)
        if card is not None:
            _review(card, scoring.rating_for(credit), now)
            reviewed += 1
    db.session.flush()
    return reviewed


def _due_query(user: User, now: datetime, held: Collection[int]):
    """Cards due today, except those of the questions in ``held`` (a running exam's: services.exam_secrets)."""
    query = (
        select(ReviewCard).join(Question, ReviewCard.question_id == Question.id)
        .where(ReviewCard.user_id == user.id, ReviewCard.due_at < end_of_local_day(now), Question.retired.is_(False))
    )
    return query.where(ReviewCard.question_id.not_in(list(held))) if held else query


def due_count(user: User, now: datetime, held: Collection[int] = ()) -> int:
    return db.session.scalar(select(func.count()).select_from(_due_query(user, now, held).subquery())) or 0


def next_card(user: User, now: datetime, held: Collection[int] = ()) -> ReviewCard | None:
    return db.session.scalar(_due_query(user, now, held).order_by(ReviewCard.due_at, ReviewCard.id).limit(1))


def get_card(user: User, card_id: int) -> ReviewCard | None:
    card = db.session.get(ReviewCard, card_id)
    return card if card is not None and card.user_id == user.id else None


def shuffled_order(question: Question, rng: random.Random | None = None) -> list[int]:
    order = list(range(len(question.options)))
    (rng or random.Random()).shuffle(order)
    return order


@dataclass
class ReviewOutcome:
    card: ReviewCard
    credit: float
    rating: str
    response: list  # in the question's own option indexes


def answer_card(user: User, card: ReviewCard, raw_response, order: list[int], now: datetime) -> ReviewOutcome:
    """Score a review answer (``raw_response`` in shown positions, ``order`` as shown) and reschedule the card.

    Raises ValueError for a malformed response or order (the page sends both; a tampered form gets a 400).
    """
    question = card.question
    option_count = len(question.options)
    if sorted(order) != list(range(option_count)):
        raise ValueError("option order is not a permutation of the options")
    cleaned = scoring.RESPONSE_CHECKERS[question.type](raw_response, option_count)
    response = scoring.to_original(question.type, cleaned, order)
    credit = scoring.score(question.type, question.answer, response, option_count)
    rating = scoring.rating_for(credit)
    _review(card, rating, now)
    db.session.flush()
    return ReviewOutcome(card, credit, rating, response)
