"""Which way conversations went: per scenario, how many of the sessions a trainer may see passed each turn,
ended at each closing turn, and calmed an upset customer. Computed on read from each session's path."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer.auth import policy
from trainer.auth.models import User
from trainer.extensions import db
from trainer.roleplay.models import RoleplaySession, Scenario
from trainer.roleplay.services import paths
from trainer.roleplay.services.attempts import counting_attempts

MAX_SESSIONS = 2000  # the newest ones: enough for a unit's picture, bounded for the page


@dataclass
class BranchStats:
    sessions: int = 0
    finished: int = 0
    recovered: int = 0
    turns: Counter = field(default_factory=Counter)  # turn key → sessions that reached it
    endings: Counter = field(default_factory=Counter)  # closing turn key → finished sessions ending there


def branch_stats(actor: User, scenario: Scenario) -> BranchStats:
    query = (select(RoleplaySession).join(User, RoleplaySession.user_id == User.id)
             .where(RoleplaySession.scenario_id == scenario.id)
             .order_by(RoleplaySession.id.desc()).limit(MAX_SESSIONS))
    ids = policy.visible_unit_ids(actor)
    if ids is not None:
        query = query.where(User.unit_id.in_(ids))
    stats = BranchStats()
    for session in db.session.scalars(query):
        path = paths.walk(session, counting_attempts(session))
        stats.sessions += 1
        stats.turns.update(step.turn.turn_key for step in path.steps if step.attempt is not None)
        if path.ended:
            stats.finished += 1
            stats.endings[path.ending.turn_key] += 1
            stats.recovered += paths.recovered(path)
    return stats
