"""Daily review: questions a learner missed come back on an FSRS spaced-repetition schedule.

- A card per (learner, question) is made the first time the question is missed (credit < 1) in a
  quiz or exam. Every later result for that question — in a quiz, an exam or the review itself — is a
  review of the card: wrong → Again, partly right → Hard, right → Good (``marking.rating_for``).
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
from sqlalchemy import func, select, tuple_, update

from trainer.auth.models import User
from trainer.extensions import db
from trainer.inserts import INSERTS
from trainer.quiz import marking
from trainer.quiz.models import Question, ReviewCard
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
    """Feed (question id, credit) results into the learner's cards; returns how many cards were reviewed."""
    return record_many([(user.id, results, now)])


def record_many(batch: list[tuple[int, list[tuple[int, float]], datetime]]) -> int:
    """Feed graded attempts ``(user id, [(question id, credit)], when)``, in order, into the cards; returns how
    many card reviews were made.

    A few statements for any batch (a submit, or close-expired's hundreds of attempts): one query reads the
    existing cards, each missed question without a card gets one inserted already reviewed (multi-row insert
    that skips any a parallel request created first: those are then read and reviewed like the others), and
    one executemany writes the reviewed existing cards. A new card's review depends only on the rating and
    the moment, so it is worked out once per (rating, moment) and copied.
    """
    keys = {(user_id, qid) for user_id, results, _at in batch for qid, _credit in results}
    if not keys:
        return 0
    cards = _load_cards(keys)
    reviews: dict[tuple[int, int], list[tuple[str, datetime]]] = {}
    created: dict[tuple[int, int], dict] = {}
    fresh: dict[tuple[str, datetime], dict] = {}
    for user_id, results, at in batch:
        for question_id, credit in results:
            key, rating = (user_id, question_id), marking.rating_for(credit)
            if key in cards or key in created:
                _apply(cards.get(key) or created[key], rating, at)
            elif credit < 1.0:
                created[key] = _new_card(user_id, question_id, rating, at, fresh)
            else:
                continue
            reviews.setdefault(key, []).append((rating, at))
    lost = set(created) - _insert_cards(list(created.values()))
    if lost:  # a parallel request created these first: review its cards with every result of this batch
        for key, card in _load_cards(lost).items():
            for rating, at in reviews[key]:
                _apply(card, rating, at)
            cards[key] = card
    changed = [cards[key] for key in reviews if key in cards]
    if changed:
        db.session.execute(update(ReviewCard), changed)  # bulk UPDATE by primary key
    for loaded in list(db.session.identity_map.values()):  # loaded copies must show the new state
        if isinstance(loaded, ReviewCard) and (loaded.__dict__.get("user_id"), loaded.__dict__.get("question_id")) in reviews:
            db.session.expire(loaded)
    return sum(len(done) for done in reviews.values())


# Rows per multi-row INSERT. SQLAlchemy's default (1,000 rows × 10 columns) made psycopg convert each huge
# statement's placeholders in Python, uncached: close-expired on PostgreSQL spent half its time there.
# 100 halved its CPU per attempt (4.9 → 2.6 ms; 20 and 50 the same, 300 no gain) and changes nothing on SQLite
# (benchmarks/quiz_profile.py --top 0, issue 18).
CARDS_PER_STATEMENT = 100
CARD_COLUMNS = ("id", "user_id", "question_id", "card_json", "due_at", "reps", "lapses", "last_rating", "last_review_at")


def _load_cards(keys: set[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    columns = [getattr(ReviewCard, c) for c in CARD_COLUMNS]
    found = {}
    pairs = sorted(keys)
    for start in range(0, len(pairs), 500):
        for row in db.session.execute(select(*columns).where(
                tuple_(ReviewCard.user_id, ReviewCard.question_id).in_(pairs[start:start + 500]))):
            found[(row.user_id, row.question_id)] = dict(row._mapping)
    return found


def _apply(card: dict, rating: str, at: datetime) -> None:
    """Review a card held as a row dict (the daily review's _review, without the ORM)."""
    state, _log = SCHEDULER.review_card(Card.from_dict(json.loads(card["card_json"])), RATINGS[rating], _aware(at))
    card.update(card_json=json.dumps(state.to_dict()), due_at=state.due.astimezone(UTC).replace(tzinfo=None),
                reps=card["reps"] + 1, lapses=card["lapses"] + (rating == "again"), last_rating=rating,
                last_review_at=at)


def _new_card(user_id: int, question_id: int, rating: str, at: datetime, fresh: dict) -> dict:
    """A card for a question just missed, already reviewed once (as inserting it and then reviewing it would)."""
    if (rating, at) not in fresh:
        state, _log = SCHEDULER.review_card(Card(card_id=0, due=_aware(at)), RATINGS[rating], _aware(at))
        fresh[(rating, at)] = state.to_dict()
    reviewed = dict(fresh[(rating, at)], card_id=question_id)
    return dict(user_id=user_id, question_id=question_id, card_json=json.dumps(reviewed),
                due_at=datetime.fromisoformat(reviewed["due"]).astimezone(UTC).replace(tzinfo=None), reps=1,
                lapses=int(rating == "again"), last_rating=rating, last_review_at=at, created_at=at)


def _insert_cards(rows: list[dict]) -> set[tuple[int, int]]:
    """Insert what no parallel request created first; the (user id, question id) of the rows inserted.
    One executemany of a cached statement (the driver batches it into multi-row inserts)."""
    if not rows:
        return set()
    table = ReviewCard.__table__
    statement = INSERTS[db.session.get_bind().dialect.name](table).on_conflict_do_nothing()
    return {tuple(row) for row in db.session.execute(statement.returning(table.c.user_id, table.c.question_id), rows,
                                                      execution_options={"insertmanyvalues_page_size": CARDS_PER_STATEMENT})}


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
    cleaned = marking.RESPONSE_CHECKERS[question.type](raw_response, option_count)
    response = marking.to_original(question.type, cleaned, order)
    credit = marking.score(question.type, question.answer, response, option_count)
    rating = marking.rating_for(credit)
    _review(card, rating, now)
    db.session.flush()
    return ReviewOutcome(card, credit, rating, response)
