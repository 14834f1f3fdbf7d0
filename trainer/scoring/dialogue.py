"""Branching role-play dialogues: which customer turn follows an answer, the customer's mood, and the checks a
scenario graph must pass. Pure: no Flask, no database.

A turn may carry ``next``, a list of branches tried in order; the first whose ``when`` holds decides, and a
branch without ``when`` is the default::

    next:
      - when: {forbidden: true}            # a push-off was said
        goto: wants-supervisor
        mood: 愤怒
        note: 推诿让客户要求找领导
      - when: {missed: [apologize]}        # any of these items missed
        goto: still-upset
        mood: 不满
      - goto: calmed                        # default
        mood: 平静

Conditions (all given ones must hold): ``met`` (every listed item heard), ``missed`` (any listed item not heard),
``forbidden`` (true: a forbidden phrase counted; false: none), ``passed``, ``score_at_least``, ``score_below``.
Items are named as the scorer keys them: an intent id, or a standard phrase as written in ``phrases``.

A turn without ``next`` continues with the following turn in the file; the last turn, or one marked
``end: true``, closes the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MOODS = {"平静": "calm", "不满": "upset", "愤怒": "angry", "满意": "pleased"}
UPSET = frozenset({"不满", "愤怒"})
MAX_PATH_TURNS = 12
CONDITION_KEYS = ("met", "missed", "forbidden", "passed", "score_at_least", "score_below")


@dataclass(frozen=True)
class Branch:
    goto: str
    when: dict = field(default_factory=dict)
    mood: str | None = None
    note: str = ""

    def holds(self, outcome: Outcome) -> bool:
        checks = {
            "met": lambda want: all(outcome.hit(item) for item in _listed(want)),
            "missed": lambda want: any(not outcome.hit(item) for item in _listed(want)),
            "forbidden": lambda want: bool(outcome.forbidden) == bool(want),
            "passed": lambda want: outcome.passed == bool(want),
            "score_at_least": lambda want: outcome.score >= want,
            "score_below": lambda want: outcome.score < want,
        }
        return all(checks[key](value) for key, value in self.when.items())

    def to_dict(self) -> dict:
        return {"goto": self.goto, "when": dict(self.when), "mood": self.mood, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict) -> Branch:
        return cls(data["goto"], dict(data.get("when") or {}), data.get("mood"), data.get("note") or "")


@dataclass(frozen=True)
class Outcome:
    """What an answer did, as stored with an attempt: item keys heard, forbidden phrases said, verdict, score."""

    heard: frozenset[str]
    forbidden: tuple[str, ...]
    passed: bool
    score: int

    def hit(self, item: str) -> bool:
        return item in self.heard

    @classmethod
    def of(cls, items: list[dict], forbidden: list, passed: bool, score: int | None) -> Outcome:
        heard = frozenset(i.get("key") or i.get("expect", "") for i in items if i.get("hit"))
        said = tuple(f["phrase"] if isinstance(f, dict) else str(f) for f in forbidden)
        return cls(heard, said, bool(passed), int(score or 0))


@dataclass(frozen=True)
class Step:
    """Where the conversation went after a turn: the next turn's key (``None``: it ended), the mood the
    customer is in for that turn, and the branch's note (empty for the default path)."""

    goto: str | None
    mood: str
    note: str = ""
    branched: bool = False


def _listed(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def choose(branches: list[Branch], default_next: str | None, outcome: Outcome, mood: str) -> Step:
    """The step after a turn answered with ``outcome``; ``default_next`` is the following turn in the file."""
    for branch in branches:
        if branch.holds(outcome):
            return Step(branch.goto, branch.mood or mood, branch.note, bool(branch.when))
    return Step(default_next, mood)


@dataclass(frozen=True)
class Node:
    """A turn as the graph checks see it."""

    key: str
    branches: tuple[Branch, ...]
    default_next: str | None  # None: the turn closes the conversation
    items: frozenset[str]


def successors(node: Node) -> list[str]:
    targets = [b.goto for b in node.branches]
    if node.default_next and not any(not b.when for b in node.branches):
        targets.append(node.default_next)
    return targets


def check_graph(nodes: list[Node]) -> list[tuple[str, str]]:
    """Problems of a scenario graph as ``(turn key, message)``: unknown targets or items, unknown conditions
    or moods, turns nobody reaches, cycles, paths longer than ``MAX_PATH_TURNS``."""
    by_key = {node.key: node for node in nodes}
    problems = []
    for node in nodes:
        for branch in node.branches:
            if branch.goto not in by_key:
                problems.append((node.key, f"branch goes to unknown turn '{branch.goto}'"))
            if branch.mood is not None and branch.mood not in MOODS:
                problems.append((node.key, f"unknown mood '{branch.mood}' (use {', '.join(MOODS)})"))
            for key in branch.when:
                if key not in CONDITION_KEYS:
                    problems.append((node.key, f"unknown condition '{key}' (use {', '.join(CONDITION_KEYS)})"))
            for key in ("met", "missed"):
                for item in _listed(branch.when.get(key, [])):
                    if item not in node.items:
                        problems.append((node.key, f"condition names '{item}', which this turn does not score"))
    if problems or not nodes:
        return problems
    reached: set[str] = set()
    longest: dict[str, int] = {}

    def walk(key: str, trail: tuple[str, ...]) -> int:
        if key in trail:
            problems.append((key, "the conversation can loop back to this turn: " + " → ".join((*trail, key))))
            return 0
        reached.add(key)
        if key not in longest:
            longest[key] = 1 + max((walk(nxt, (*trail, key)) for nxt in successors(by_key[key])), default=0)
        return longest[key]

    if walk(nodes[0].key, ()) > MAX_PATH_TURNS:
        problems.append((nodes[0].key, f"a path is longer than {MAX_PATH_TURNS} turns"))
    problems += [(node.key, "no path reaches this turn") for node in nodes if node.key not in reached]
    return problems
