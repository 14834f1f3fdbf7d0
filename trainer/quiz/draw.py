"""Drawing an attempt's questions. Pure: the caller passes the candidates and a random generator.

- Exams follow their blueprint's rules in order; no question is drawn twice in one attempt, nor two
  questions kept apart (near-duplicates citing the same clause, see ``draw_exam``'s ``apart``).
- Practice quizzes draw ``count`` questions from the module's bank, any type.
- Questions the learner has not seen in earlier attempts of the same exam/quiz are preferred, so a
  retake shows new questions where the bank has them.
- Items are grouped by type (单选, 多选, 判断, 填空, 排序, the usual paper order), shuffled within a type;
  options are shuffled per item when the blueprint says so (ordering steps always are, since their
  listed order would otherwise give the answer away as often as the author happened to list them right).
"""

import random
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from trainer.content.exams import DrawRule, rule_matches
from trainer.question_types import QUESTION_TYPES


@dataclass(frozen=True)
class Candidate:
    id: int
    bank: str
    type: str
    difficulty: int
    tags: tuple[str, ...] = ()
    option_count: int = 0


@dataclass
class DrawnItem:
    question_id: int
    type: str
    points: float
    option_order: list[int] = field(default_factory=list)


class DrawError(Exception):
    """A rule's pool is smaller than its count (the banks changed since the blueprint was checked)."""

    def __init__(self, rule_index: int, wanted: int, available: int):
        super().__init__(f"rule {rule_index + 1} wants {wanted} question(s), {available} available")
        self.rule_index, self.wanted, self.available = rule_index, wanted, available


def _prefer_unseen(pool: list[Candidate], count: int, seen: frozenset[int] | set[int], rng: random.Random) -> list[Candidate]:
    fresh = [c for c in pool if c.id not in seen]
    old = [c for c in pool if c.id in seen]
    rng.shuffle(fresh)
    rng.shuffle(old)
    return (fresh + old)[:count]


def _arrange(chosen: list[tuple[Candidate, float]], rng: random.Random, shuffle_options: bool) -> list[DrawnItem]:
    rng.shuffle(chosen)
    section = {name: rank for rank, name in enumerate(QUESTION_TYPES)}  # a paper's sections, in registry order
    chosen.sort(key=lambda pair: section[pair[0].type])  # stable: keeps the shuffle within a type
    items = []
    for candidate, points in chosen:
        kind = QUESTION_TYPES[candidate.type]
        order = list(range(candidate.option_count)) if kind.indexed else []
        if order and (shuffle_options or kind.always_shuffle):
            rng.shuffle(order)
        items.append(DrawnItem(candidate.id, candidate.type, points, order))
    return items


def _apart_from(ordered: list[Candidate], count: int, blocked: set[int], apart: Mapping[int, AbstractSet[int]]) -> list[Candidate]:
    """The first ``count`` of ``ordered`` that are not kept apart from a question already on the paper.

    ``blocked`` (the ids the paper's questions must not share it with) grows with every question taken."""
    picked: list[Candidate] = []
    for candidate in ordered:
        if len(picked) == count:
            break
        if candidate.id not in blocked:
            picked.append(candidate)
            blocked.update(apart.get(candidate.id, ()))
    return picked


def draw_exam(rules: list[DrawRule], candidates: list[Candidate], rng: random.Random, *,
              seen: frozenset[int] | set[int] = frozenset(), shuffle_options: bool = True,
              apart: Mapping[int, AbstractSet[int]] | None = None) -> list[DrawnItem]:
    """``apart``: question id -> ids that must not share its paper (near-duplicates citing the same clause,
    ``trainer.content.similarity.keep_apart``); a rule that cannot fill its count without them fails."""
    taken: set[int] = set()
    blocked: set[int] = set()
    chosen: list[tuple[Candidate, float]] = []
    for index, rule in enumerate(rules):
        pool = [c for c in candidates
                if c.id not in taken and rule_matches(rule, c.bank, c.type, c.difficulty, list(c.tags))]
        if len(pool) < rule.count:
            raise DrawError(index, rule.count, len(pool))
        picked = _apart_from(_prefer_unseen(pool, len(pool), seen, rng), rule.count, blocked, apart or {})
        if len(picked) < rule.count:
            raise DrawError(index, rule.count, len(picked))
        for candidate in picked:
            taken.add(candidate.id)
            chosen.append((candidate, rule.points))
    return _arrange(chosen, rng, shuffle_options)


def draw_practice(candidates: list[Candidate], count: int, rng: random.Random, *,
                  seen: frozenset[int] | set[int] = frozenset()) -> list[DrawnItem]:
    if len(candidates) < count:
        raise DrawError(0, count, len(candidates))
    return _arrange([(c, 1.0) for c in _prefer_unseen(candidates, count, seen, rng)], rng, True)
