"""Learning-path order, enforced: a path step whose prerequisites (``after``) are not done cannot be started.

Registered as a start gate (trainer/gates.py): the exam, role-play and chapter-quiz start POSTs ask it, and so
do their pages, which then show the lock instead of a start button. Only paths assigned to the person count;
a step without ``after`` (or a path whose steps have none) leaves the order to the learner.
"""

from sqlalchemy import select

from trainer.assignments import progress
from trainer.assignments.models import LearningPath, PathStep
from trainer.assignments.services import assignments_for
from trainer.extensions import db
from trainer.gates import Lock, start_gate


def _ordered_paths(kind: str, key: str) -> set[str]:
    """Keys of active paths in which (kind, key) is a step with prerequisites: one query, usually empty."""
    return set(db.session.scalars(
        select(LearningPath.key).join(PathStep, PathStep.path_id == LearningPath.id)
        .where(PathStep.kind == kind, PathStep.ref == key, PathStep.retired.is_(False),
               PathStep.after_json != "[]", LearningPath.retired.is_(False))))


@start_gate
def path_order(user, kind: str, key: str) -> Lock | None:
    paths = _ordered_paths(kind, key)
    if not paths:
        return None
    mine = [a for a in assignments_for(user) if a.item_kind == "path" and a.item_key in paths]
    if not mine:
        return None
    learner = progress.load_learners([user])[user.id]
    for assignment in mine:
        state = progress.item_progress(learner, "path", assignment.item_key)
        for step in state.steps:
            if step.kind == kind and step.ref == key and step.state == "locked":
                return Lock(
                    f"“{step.title}”还不能开始:请先完成{'、'.join(f'“{m}”' for m in step.missing)}"
                    f"(学习路径“{assignment.title}”规定的顺序)。",
                    f"{kind} {key} is locked for user {user.id} by path {assignment.item_key}: "
                    f"step {step.key} waits for {', '.join(step.missing)}")
    return None
