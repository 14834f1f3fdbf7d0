"""Learning paths ``courses/paths/<path-id>.yaml``: an ordered list of steps with prerequisites. Pure.

```yaml
id: new-hire-onboarding
title: 新员工入职培训
description: 入职第一个月完成。
steps:
  - id: conduct-basics                  # kebab-case, unique within the path
    module: ethics-quality-skill-discipline
  - id: counter-roleplay
    scenario: counter-greeting
    after: [conduct-basics]             # steps that must be done first; only steps listed above
  - id: final-exam
    exam: new-hire-final                # an exam blueprint question_banks/exams/<id>.yaml
    title: 结业考试                      # optional; default: the module's or scenario's title
    after: [counter-roleplay]
```
Each step names exactly one of ``module``, ``scenario`` or ``exam``. ``after`` may only name steps listed
before it, so the order of the file is always a valid order to take the steps and no cycle can exist.
"""

from dataclasses import dataclass, field
from pathlib import Path

from trainer.content.reader import ContentError, Reader
from trainer.item_kinds import STEP_LABELS

STEP_KINDS = STEP_LABELS  # the kinds a step may name (trainer/item_kinds.py)
EXAM_FOLDER = ("question_banks", "exams")
UI_PREFIX = "ui-"


@dataclass
class StepDef:
    id: str
    kind: str  # a key of STEP_KINDS
    ref: str  # the module, scenario or exam id
    title: str  # "" = take the title of what ``ref`` names
    after: list[str] = field(default_factory=list)


@dataclass
class PathDef:
    id: str
    title: str
    description: str
    steps: list[StepDef]
    path: str


def parse_path(file_path: Path, file: str, errors: list[ContentError]) -> PathDef | None:
    """Parse one path file; problems are appended to ``errors`` (``file`` is the name used in messages)."""
    reader = Reader(file, file_path.read_text(encoding="utf-8"))
    if not reader.ok:
        errors.extend(reader.errors)
        return None
    data = reader.data
    learning_path = PathDef(
        id=reader.identifier(data, (), expected=file_path.stem),
        title=reader.get(data, (), "title", str, default=""),
        description=reader.get(data, (), "description", str, required=False, default=""),
        steps=[],
        path=file,
    )
    if learning_path.id.startswith(UI_PREFIX):
        reader.fail(("id",), f"path ids starting with '{UI_PREFIX}' are kept for paths made in the web interface")
    raw_steps = reader.get(data, (), "steps", list, default=[])
    if not raw_steps:
        reader.fail(("steps",), "a path needs at least one step")
    seen: set[str] = set()
    for index, raw in enumerate(raw_steps):
        step = _parse_step(reader, raw, ("steps", index), seen)
        if step:
            learning_path.steps.append(step)
            seen.add(step.id)
    errors.extend(reader.errors)
    return learning_path


def _parse_step(reader: Reader, raw, path: tuple, earlier: set[str]) -> StepDef | None:
    if not isinstance(raw, dict):
        reader.fail(path, "each step is a mapping of keys")
        return None
    step_id = reader.identifier(raw, path)
    if step_id in earlier:
        reader.fail((*path, "id"), f"step id '{step_id}' is used twice in this path")
    kinds = [k for k in STEP_KINDS if k in raw]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        reader.fail(path, f"a step names exactly one of {', '.join(STEP_KINDS)} (found: {found})")
        return None
    kind = kinds[0]
    ref = reader.get(raw, path, kind, str, default="")
    unknown = set(raw) - {"id", "title", "after", *STEP_KINDS}
    for key in sorted(unknown):
        reader.fail((*path, key), f"unknown key '{key}' (a step has id, {', '.join(STEP_KINDS)}, title, after)")
    after = reader.string_list(raw, path, "after", required=False)
    for index, name in enumerate(after):
        if name == step_id:
            reader.fail((*path, "after", index), f"step '{step_id}' cannot come after itself")
        elif name not in earlier:
            reader.fail((*path, "after", index), f"'after' names '{name}', which is not a step listed above this one")
    return StepDef(step_id, kind, ref, reader.get(raw, path, "title", str, required=False, default=""), after)


def exam_ids(root: Path) -> set[str]:
    """Exam blueprints present at check time (the quiz feature owns their format; only the id matters here)."""
    folder = Path(root).joinpath(*EXAM_FOLDER)
    return {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()


def check_path_refs(paths: dict[str, PathDef], modules, scenarios, exams: set[str], errors: list[ContentError]) -> None:
    """Every step must name existing content: modules and scenarios by id, exams by blueprint file."""
    known = {"module": (modules, "courses/*/"), "scenario": (scenarios, "scenarios/"), "exam": (exams, "question_banks/exams/")}
    for learning_path in paths.values():
        for index, step in enumerate(learning_path.steps):
            registry, folder = known[step.kind]
            if step.ref and step.ref not in registry:
                errors.append(ContentError(learning_path.path, f"steps[{index}].{step.kind}", f"no {step.kind} '{step.ref}' in {folder}"))


def load_paths(root: Path, rel, errors: list[ContentError]) -> list[PathDef]:
    """Every ``courses/paths/*.yaml`` under ``root``; ``rel(path)`` gives the name used in messages."""
    found = []
    for file_path in sorted((Path(root) / "courses" / "paths").glob("*.yaml")):
        parsed = parse_path(file_path, rel(file_path), errors)
        if parsed is not None:
            found.append(parsed)
    return found
