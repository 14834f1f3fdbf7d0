"""Learning paths: imported from ``courses/paths/*.yaml``, or made by a trainer in the UI.

Content paths are read-only in the UI (the file is the source of truth) and are retired, never deleted,
when their file disappears. UI paths get keys ``ui-<n>``, a prefix content files may not use.
"""

import json

from sqlalchemy import func, select

from trainer import audit
from trainer.assignments import progress
from trainer.assignments.models import LearningPath, PathStep
from trainer.auth.models import User
from trainer.content.paths import STEP_KINDS, UI_PREFIX
from trainer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.importing import register
from trainer.lookup import active_by_key

# --- content import ----------------------------------------------------------------------------------


def _content_title(content, kind: str, ref: str) -> str:
    registry = {"module": content.modules, "scenario": content.scenarios, "exam": getattr(content, "exams", {})}[kind]
    found = registry.get(ref)
    return getattr(found, "title", "") or ref


def import_paths(content, report) -> None:
    """Upsert ``content.paths`` into the tables; ``report`` is the content importer's ImportReport."""
    existing = {p.key: p for p in db.session.scalars(select(LearningPath))}
    seen = set()
    for definition in content.paths.values():
        row = existing.get(definition.id)
        if row is not None and row.source != "content":
            raise Conflict(f"学习路径编号“{definition.id}”已被界面创建的路径占用。", f"path key {definition.id!r} is a UI path")
        values = dict(title=definition.title, description=definition.description, retired=False)
        if row is None:
            row = LearningPath(key=definition.id, source="content", **values)
            db.session.add(row)
            report.count("paths", "created")
            changed_steps = False
        else:
            changed = any(getattr(row, k) != v for k, v in values.items())
            for k, v in values.items():
                setattr(row, k, v)
            changed_steps = changed
        steps = {s.key: s for s in row.steps} if row.id else {}
        for position, step in enumerate(definition.steps):
            step_values = dict(position=position, kind=step.kind, ref=step.ref,
                               title=step.title or _content_title(content, step.kind, step.ref),
                               after_json=json.dumps(step.after, ensure_ascii=False), retired=False)
            current = steps.pop(step.id, None)
            if current is None:
                db.session.add(PathStep(learning_path=row, key=step.id, **step_values))
                changed_steps = changed_steps or row.id is not None
            else:
                changed_steps = changed_steps or any(getattr(current, k) != v for k, v in step_values.items())
                for k, v in step_values.items():
                    setattr(current, k, v)
        for leftover in steps.values():
            changed_steps = changed_steps or not leftover.retired
            leftover.retired = True
        if changed_steps:
            report.count("paths", "updated")
        seen.add(definition.id)
    for key, row in existing.items():
        if row.source == "content" and key not in seen and not row.retired:
            row.retired = True
            report.count("paths", "retired")


# --- paths made in the UI ----------------------------------------------------------------------------


def all_paths() -> list[LearningPath]:
    return list(db.session.scalars(select(LearningPath).where(LearningPath.retired.is_(False)).order_by(LearningPath.title)))


def get_path(key: str) -> LearningPath:
    return active_by_key(LearningPath, key, "学习路径不存在。")


def can_edit(actor: User, path: LearningPath) -> bool:
    return path.source == "ui" and (actor.role == "admin" or (actor.role == "trainer" and path.created_by_id == actor.id))


def _require_edit(actor: User, path: LearningPath) -> None:
    if path.source != "ui":
        raise Forbidden("这条学习路径来自课程文件,请修改 courses/paths/ 下的文件。", f"path {path.key} is content")
    if not can_edit(actor, path):
        raise Forbidden("只有创建者或管理员可以修改这条学习路径。", f"user {actor.id} cannot edit {path.key}")


def create_path(actor: User, title: str, description: str = "") -> LearningPath:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写路径名称。")
    if len(title) > 200:
        raise ValidationFailed("路径名称不能超过 200 个字。")
    row = LearningPath(key=f"{UI_PREFIX}tmp", title=title, description=(description or "").strip(), source="ui",
                       created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    row.key = f"{UI_PREFIX}{row.id}"
    audit.record(actor, "path.create", f"path:{row.key}", title=title)
    db.session.flush()
    return row


def add_step(actor: User, path: LearningPath, kind: str, ref: str, after: list[str]) -> PathStep:
    """Append a step; ``after`` names existing steps that must be done first."""
    _require_edit(actor, path)
    if kind not in STEP_KINDS:
        raise ValidationFailed("步骤类型无效。", f"bad step kind {kind!r}")
    title = progress.item_title(kind, ref)
    if title is None:
        raise ValidationFailed("所选内容不存在或已下线。", f"no {kind} {ref!r}")
    active = {s.key for s in path.active_steps}
    unknown = [a for a in after if a not in active]
    if unknown:
        raise ValidationFailed("前置步骤无效,请刷新页面后重试。", f"unknown prerequisite steps {unknown}")
    number = db.session.scalar(select(func.count(PathStep.id)).where(PathStep.path_id == path.id)) + 1
    step = PathStep(learning_path=path, key=f"step-{number}", position=number, kind=kind, ref=ref, title=title,
                    after_json=json.dumps(list(dict.fromkeys(after))))
    db.session.add(step)
    audit.record(actor, "path.add_step", f"path:{path.key}", step=step.key, item=f"{kind}:{ref}", after=after)
    db.session.flush()
    return step


def remove_step(actor: User, path: LearningPath, step_id: int) -> None:
    """Removes the step and drops it from other steps' prerequisites (learners' completions are per item, so
    nothing anyone did is lost)."""
    _require_edit(actor, path)
    step = db.session.get(PathStep, step_id)
    if step is None or step.path_id != path.id or step.retired:
        raise NotFound("该步骤不存在。", f"no step {step_id} in {path.key}")
    step.retired = True
    for other in path.active_steps:
        if step.key in other.after:
            other.after_json = json.dumps([a for a in other.after if a != step.key])
    audit.record(actor, "path.remove_step", f"path:{path.key}", step=step.key)
    db.session.flush()


register("learning paths", 50, import_paths)  # paths name modules, scenarios and exams by key
