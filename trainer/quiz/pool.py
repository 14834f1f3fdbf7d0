"""The questions an exam or quiz draws from, worked out once per content version and process (issue 18).

Every start used to read the whole pool (all questions of the blueprint's banks, their tags and options) and
compare every pair citing the same clause (``kept_apart``: regular expressions and a similarity matrix): on an
exam drawing from every bank, most of a start's time, paid again by each of a thousand trainees starting at
once. The pool only changes when the banks do, so it is cached per process, keyed by a *fingerprint* that one
aggregate query reads on every start: the number, id sum and latest ``updated_at`` of the live questions in
those banks. Editing, adding or retiring a question changes it (the ORM bumps ``updated_at``), retiring a bank
drops its questions from the count, so a stale pool is never used. The cache also keeps what an attempt freezes
of each question (type, stem, options, answer key) as of the same fingerprint, so a start reads no question row.
"""

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import func, select

from trainer.extensions import db
from trainer.quiz.draw import Candidate
from trainer.quiz.duplicates import kept_apart
from trainer.quiz.models import Question, QuestionBank

# What an attempt item freezes of its question (QuizItem columns of the same names).
SNAPSHOT = ("type", "stem", "options_json", "answer_json")
CACHE_SIZE = 64  # pools (bank sets × content versions) kept per process; a few KB to a few MB each

_cache: OrderedDict[tuple, "Pool"] = OrderedDict()
_lock = threading.Lock()


@dataclass(eq=False)
class Pool:
    """Live questions of some banks: draw candidates in id order, their frozen columns, near-duplicates."""

    candidates: list[Candidate]
    snapshots: dict[int, dict[str, str]] = field(repr=False)

    @cached_property
    def apart(self) -> Mapping[int, frozenset[int]]:
        """Exam draws only (practice quizzes ignore it), so worked out on first use."""
        return kept_apart([c.id for c in self.candidates])


def _live(bank_keys: list[str]):
    return ((Question.bank_id == QuestionBank.id), QuestionBank.key.in_(bank_keys), Question.retired.is_(False),
            QuestionBank.retired.is_(False))


def fingerprint(bank_keys: list[str]) -> tuple:
    """Changes whenever a live question of these banks is added, edited or retired, or a bank is retired."""
    join, *where = _live(bank_keys)
    row = db.session.execute(
        select(func.count(Question.id), func.coalesce(func.sum(Question.id), 0), func.max(Question.updated_at))
        .join(QuestionBank, join).where(*where)).one()
    return tuple(row)


def _load(bank_keys: list[str]) -> Pool:
    join, *where = _live(bank_keys)
    rows = db.session.execute(
        select(Question.id, QuestionBank.key, Question.difficulty, Question.tags_json, *(getattr(Question, c) for c in SNAPSHOT))
        .join(QuestionBank, join).where(*where).order_by(Question.id)).all()
    candidates, snapshots = [], {}
    for row in rows:
        frozen = {column: getattr(row, column) for column in SNAPSHOT}
        candidates.append(Candidate(row.id, row.key, row.type, row.difficulty, tuple(json.loads(row.tags_json)),
                                    len(json.loads(row.options_json))))
        snapshots[row.id] = frozen
    return Pool(candidates, snapshots)


def pool_for(bank_keys: Iterable[str]) -> Pool:
    """The live questions of ``bank_keys`` as of now (cached while the fingerprint holds)."""
    keys = sorted(set(bank_keys))
    key = (str(db.engine.url), tuple(keys), fingerprint(keys))
    with _lock:
        pool = _cache.get(key)
        if pool is not None:
            _cache.move_to_end(key)
            return pool
    pool = _load(keys)  # outside the lock: two misses may both load; the second result replaces the first
    with _lock:
        _cache[key] = pool
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return pool


def clear() -> None:
    """Forget every pool (tests that rebuild a database under the same URL within the same microsecond)."""
    with _lock:
        _cache.clear()
