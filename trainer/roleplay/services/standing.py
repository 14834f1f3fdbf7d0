"""Where a trainee stands with each scenario, for the catalogue: passed or not, best score, and which
qualifications require it (必修). Qualifications are another feature's: it adds a function to ``REQUIRED_BY``
(trainer/certification/__init__.py), so role-play does not import it."""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from trainer.extensions import db
from trainer.roleplay.models import RoleplaySession

REQUIRED_BY: list = []  # functions () -> {scenario key: [titles of what requires it]}


@dataclass
class Standing:
    tried: bool = False
    passed: bool = False
    best: int | None = None  # the best finished run's score, 0–100
    required_for: list[str] = field(default_factory=list)  # titles of qualifications that require the scenario


def standings(user, scenario_ids: list[int], scenario_keys: dict[int, str]) -> dict[int, Standing]:
    """Per scenario id, in two queries (the person's sessions grouped; the active qualifications)."""
    result = {sid: Standing() for sid in scenario_ids}
    rows = db.session.execute(
        select(RoleplaySession.scenario_id, func.count(RoleplaySession.id), func.max(RoleplaySession.score),
               func.max(RoleplaySession.passed.cast(db.Integer)))
        .where(RoleplaySession.user_id == user.id, RoleplaySession.scenario_id.in_(scenario_ids))
        .group_by(RoleplaySession.scenario_id)).all()
    for scenario_id, count, best, passed in rows:
        result[scenario_id] = Standing(tried=count > 0, passed=bool(passed), best=best)
    by_key = {key: sid for sid, key in scenario_keys.items()}
    for source in REQUIRED_BY:
        for key, titles in source().items():
            if key in by_key:
                result[by_key[key]].required_for.extend(titles)
    return result
