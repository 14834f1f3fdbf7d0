"""The path a practice session takes through a scenario: from the first turn, each turn's counting (best)
answer decides the next turn and the customer's mood (:mod:`trainer.scoring.dialogue`). Computed on read,
never stored, so a better retry of an earlier turn re-routes the conversation and a page view writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from trainer.roleplay.models import RoleplayAttempt, RoleplaySession, ScenarioTurn
from trainer.scoring.dialogue import UPSET, Outcome, choose


@dataclass(frozen=True)
class PathStep:
    """One turn on the path: the mood the customer is in when saying it, the answer that counts (None: not
    answered yet), and how the conversation got here (the branch note; ``branched`` when a condition held)."""

    turn: ScenarioTurn
    mood: str
    attempt: RoleplayAttempt | None
    note: str = ""
    branched: bool = False


def outcome(attempt: RoleplayAttempt) -> Outcome:
    """What the answer did; a trainer's override decides the verdict, the recognised items the rest."""
    return Outcome.of(attempt.items, attempt.forbidden, attempt.effective_passed, attempt.effective_score)


@dataclass(frozen=True)
class Path:
    steps: list[PathStep]
    ended: bool  # the last step closed the conversation with a scored answer

    @property
    def ending(self) -> ScenarioTurn | None:
        return self.steps[-1].turn if self.ended else None


def walk(session: RoleplaySession, counting: dict[int, RoleplayAttempt]) -> Path:
    """The steps so far: every turn reached, up to the first one whose answer is missing or not yet scored,
    or to the closing turn."""
    turns = {turn.turn_key or f"t{turn.position}": turn for turn in session.scenario.active_turns}
    steps: list[PathStep] = []
    turn: ScenarioTurn | None = next(iter(turns.values()), None)
    mood, note, branched = session.scenario.initial_mood or "平静", "", False
    while turn is not None and len(steps) <= len(turns):  # the content check forbids loops; this bounds them
        attempt = counting.get(turn.id)
        steps.append(PathStep(turn, mood, attempt, note, branched))
        if attempt is None or not attempt.resolved:
            return Path(steps, False)
        if turn.is_end:
            break
        step = choose(turn.branches, turn.default_next, outcome(attempt), mood)
        mood, note, branched = step.mood, step.note, step.branched
        turn = turns.get(step.goto) if step.goto else None
    return Path(steps, bool(steps))


def recovered(path: Path) -> bool:
    """The customer was upset at some turn and calm (or pleased) again at a later one."""
    seen_upset = False
    for step in path.steps:
        if step.mood in UPSET:
            seen_upset = True
        elif seen_upset:
            return True
    return False


def customer_line(session_id: int, turn: ScenarioTurn) -> tuple[int, dict]:
    """The wording of ``turn``'s line this session hears, and its index: picked from the line and its variants
    by a hash of session and turn, so it is stable across page views and needs no stored choice."""
    lines = turn.lines
    digest = hashlib.sha256(f"{session_id}:{turn.id}".encode()).digest()
    index = digest[0] % len(lines)
    return index, lines[index]
