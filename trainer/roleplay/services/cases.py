"""评分分歧: verdicts a trainer overrode to the other outcome, and turning each into content in one step.

A case is an attempt whose trainer verdict (``override_passed``) differs from the automatic one (``passed``).
A trainer or author closes it by writing it into the scenario file (an accept or reject example, optionally
with a new wording for one of the turn's intents), or dismisses it. Writing checks the file the way
``trainer content check`` does (the rubric still parses, every example of the scenario agrees) before
anything is kept: a failed check restores the file and nothing else changes. The turn's stored rubric is
refreshed from the file, so the next practice answer is scored with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from trainer import audit
from trainer.auth import policy
from trainer.auth.models import User
from trainer.content.editing import EditError, add_example, add_wording, diff
from trainer.content.loader import load_scenario_file
from trainer.content.rubrics import verify_examples
from trainer.errors import Conflict, Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.roleplay.models import CASE_OUTCOMES, RoleplayAttempt, Scenario, ScenarioTurn
from trainer.roleplay.services.review import can_review

_DISAGREE = (RoleplayAttempt.overridden_at.is_not(None) & (RoleplayAttempt.status == "scored")
             & (RoleplayAttempt.override_passed != RoleplayAttempt.passed))


@dataclass(frozen=True)
class Change:
    """A proposed edit of a scenario file: what would be written, and its diff."""

    path: Path
    relative: str
    old: str
    new: str

    @property
    def diff(self) -> str:
        return diff(self.old, self.new, self.relative)


def _visible(query, actor: User):
    ids = policy.visible_unit_ids(actor)
    if ids is not None:
        query = query.join(User, RoleplayAttempt.user_id == User.id).where(User.unit_id.in_(ids))
    return query


def case_query(actor: User, *, scenario_id: int | None = None, closed: bool = False):
    """Disagreements on answers of people ``actor`` may see: open ones (default) or closed ones."""
    query = select(RoleplayAttempt).where(_DISAGREE).order_by(RoleplayAttempt.overridden_at.desc())
    query = query.where(RoleplayAttempt.case_outcome.is_not(None) if closed else RoleplayAttempt.case_outcome.is_(None))
    if scenario_id is not None:
        query = query.join(ScenarioTurn, RoleplayAttempt.turn_id == ScenarioTurn.id).where(
            ScenarioTurn.scenario_id == scenario_id)
    return _visible(query, actor)


def agreement_by_scenario(actor: User) -> dict[int, tuple[int, int]]:
    """scenario id → (answers a trainer reviewed with an override, of which kept the automatic verdict)."""
    agreed = func.sum(func.cast(RoleplayAttempt.override_passed == RoleplayAttempt.passed, db.Integer))
    query = (select(ScenarioTurn.scenario_id, func.count(RoleplayAttempt.id), agreed)
             .join(ScenarioTurn, RoleplayAttempt.turn_id == ScenarioTurn.id)
             .where(RoleplayAttempt.overridden_at.is_not(None), RoleplayAttempt.status == "scored")
             .group_by(ScenarioTurn.scenario_id))
    return {scenario_id: (total, int(kept or 0)) for scenario_id, total, kept in db.session.execute(_visible(query, actor))}


def deciding_items(attempt: RoleplayAttempt) -> list[str]:
    """What decided the automatic verdict: the items missed and the forbidden phrases heard, or, for a pass
    the trainer failed, every item that was credited (one of them was credited too easily)."""
    missed = [item.get("expect", "") for item in attempt.items if not item.get("hit")]
    said = [f"禁语“{hit['phrase']}”" for hit in attempt.forbidden]
    if missed or said:
        return [f"缺少:{m}" for m in missed] + said
    return [f"判为已说到:{item.get('expect', '')}(听到“{item.get('heard', '')}”)" for item in attempt.items]


def _scenario_file(content_dir: str | Path, scenario: Scenario) -> tuple[Path, str]:
    relative = f"scenarios/{scenario.key}.yaml"
    return Path(content_dir) / relative, relative


def propose(attempt: RoleplayAttempt, content_dir, *, example: str | None, intent_id: str | None = None,
            wording: str | None = None) -> Change:
    """The edit that closing ``attempt`` with ``example`` ("accept"/"reject"/None) and an optional new
    ``wording`` for ``intent_id`` would make. Writes nothing."""
    path, relative = _scenario_file(content_dir, attempt.turn.scenario)
    try:
        old = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise Conflict("找不到该情景的内容文件,无法写入。", f"cannot read {path}: {exc}") from exc
    new = old
    try:
        if wording:
            new = add_wording(new, attempt.turn.position, intent_id or "", wording)
        if example:
            new = add_example(new, attempt.turn.position, example, attempt.transcript)
    except EditError as exc:
        raise ValidationFailed(f"无法修改内容文件:{exc}", str(exc)) from exc
    if new == old:
        raise ValidationFailed("请选择加为样例,或填写新的说法。", "nothing to change")
    return Change(path, relative, old, new)


def apply(actor: User, attempt: RoleplayAttempt, change: Change, content_dir, *, example: str | None,
          now: datetime) -> None:
    """Write ``change``, check the scenario, refresh its stored rubrics and close the case (outcome: the
    example kind, or "wording"). On a failed check the file is restored and :class:`ValidationFailed`
    lists the problems. The file is written before the request's transaction commits; a failed commit
    leaves the example in the file and the case open, which a second try reports as "already there"."""
    _require_open(actor, attempt)
    if change.path.read_text(encoding="utf-8") != change.old:
        raise Conflict("内容文件刚被别人修改过,请刷新后重试。", f"{change.path} changed since the preview")
    change.path.write_text(change.new, encoding="utf-8")
    try:
        scenario_def = load_scenario_file(Path(content_dir), attempt.turn.scenario.key)
        problems = [str(error) for error in verify_examples([scenario_def])]
    except ValueError as exc:
        problems = [str(exc)]
    if problems:
        change.path.write_text(change.old, encoding="utf-8")
        raise ValidationFailed("内容检查未通过,文件未修改:" + ";".join(problems[:5]), "; ".join(problems))
    for turn in attempt.turn.scenario.turns:
        if turn.position <= len(scenario_def.turns):
            turn.rubric_json = json.dumps(scenario_def.turns[turn.position - 1].rubric.to_dict(), ensure_ascii=False)
    _close(actor, attempt, example or "wording", now, file=change.relative, diff=change.diff)


def dismiss(actor: User, attempt: RoleplayAttempt, *, now: datetime) -> None:
    _require_open(actor, attempt)
    _close(actor, attempt, "dismissed", now)


def _require_open(actor: User, attempt: RoleplayAttempt) -> None:
    if not can_review(actor, attempt.user):
        raise Forbidden("无权处理这条评分分歧。", f"user {actor.id} may not close case {attempt.id}")
    if attempt.case_outcome is not None or not attempt.overridden or attempt.override_passed == attempt.passed:
        raise Conflict("这条评分分歧已经处理过或不存在。", f"attempt {attempt.id} is not an open case")


def _close(actor: User, attempt: RoleplayAttempt, outcome: str, now: datetime, **details) -> None:
    if outcome not in CASE_OUTCOMES:
        raise ValidationFailed("请选择处理方式。", f"unknown case outcome {outcome!r}")
    attempt.case_outcome, attempt.case_closed_by_id, attempt.case_closed_at = outcome, actor.id, now
    audit.record(actor, "roleplay.case", f"roleplay_attempt:{attempt.id}", outcome=outcome,
                 scenario=attempt.turn.scenario.key, turn=attempt.turn.position, **details)
    db.session.flush()
