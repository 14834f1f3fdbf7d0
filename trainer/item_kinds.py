"""The kinds of training item the platform names across features, in one registry: what can be assigned
(trainer/assignments), which of those may be a step of a learning path (content/paths.py and the path
editor), and how a qualification's requirements call them (trainer/certification).

Labels are what people read; the names are stored in the database (``assignment.item_kind``, path steps,
qualification evidence), so a name never changes. Adding a kind here makes it assignable; what it means to
complete one is the assignment feature's ``progress.KINDS``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ItemKind:
    name: str
    label: str  # how assignment and path pages name it
    path_step: bool = False  # may be a step of a learning path
    requirement: str | None = None  # how a qualification's requirement list names it; None: not a requirement


ITEM_KINDS_REGISTRY = {kind.name: kind for kind in (
    ItemKind("path", "学习路径"),
    ItemKind("course", "课程"),
    ItemKind("module", "学习单元", path_step=True, requirement="课程单元"),
    ItemKind("exam", "考试", path_step=True, requirement="结业考试"),
    ItemKind("scenario", "情景演练", path_step=True, requirement="情景演练"),
)}

ITEM_LABELS = {name: kind.label for name, kind in ITEM_KINDS_REGISTRY.items()}
# In the order a path step names them in content files (module, scenario, exam).
STEP_LABELS = {name: ITEM_LABELS[name] for name in ("module", "scenario", "exam")}
REQUIREMENT_LABELS = {name: ITEM_KINDS_REGISTRY[name].requirement for name in ("module", "scenario", "exam")}
