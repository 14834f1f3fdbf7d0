"""How far a learner is with anything that can be assigned: the one place that knows other features.

Each item kind is an entry of ``KINDS`` (title, progress, link). Other features' tables are never imported:
reading progress comes from ``trainer.courses.services``; modules, scenarios and exams count as complete
when their features announce it through ``trainer.signals`` (recorded in ``assignment_completion`` by
:mod:`trainer.assignments.receivers`). A module without a quiz also counts as complete once every section
is read, so onboarding works before (and without) the quiz feature.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app, url_for
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from trainer.assignments import rules
from trainer.assignments.models import AssignmentCompletion, LearningPath
from trainer.content.paths import STEP_KINDS, exam_ids
from trainer.courses.models import Course, Module, Section, SectionRead
from trainer.courses.services import Progress
from trainer.extensions import db
from trainer.roleplay.models import Scenario

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Pages owned by the quiz feature: its exam list (where an exam is started) and a module's quiz.
EXAM_LIST_ENDPOINT = "quiz.exams"
MODULE_QUIZ_ENDPOINT = "quiz.practice"


@dataclass
class StepView:
    key: str
    kind: str
    ref: str
    title: str
    state: str  # rules.STEP_STATE_LABELS
    missing: list[str]  # titles of the prerequisite steps not yet done
    progress: "ItemProgress"

    @property
    def kind_label(self) -> str:
        return STEP_KINDS.get(self.kind, self.kind)


@dataclass
class ItemProgress:
    done: int
    total: int
    complete: bool
    next_title: str | None = None  # what to do next, for the "继续" button
    next_kind: str | None = None
    next_ref: str | None = None
    next_step: str | None = None  # the path step key, for paths
    steps: list[StepView] = field(default_factory=list)

    @property
    def percent(self) -> int:
        if self.complete:
            return 100
        return round(100 * self.done / self.total) if self.total else 0


class Learner:
    """One person's progress data, loaded once and shared by every item asked about."""

    def __init__(self, user, reading: dict[int, Progress], completions: set[tuple[str, str]], catalog: "Catalog"):
        self.user = user
        self.reading = reading
        self.completions = completions
        self.catalog = catalog


def load_learners(users) -> dict[int, Learner]:
    """Progress data for many people in three queries (not three per person): the trainer view of a whole
    供电所 and the reminder run use this."""
    ids = [u.id for u in users]
    reading: dict[int, dict[int, Progress]] = {i: {} for i in ids}
    completions: dict[int, set] = {i: set() for i in ids}
    if ids:
        totals = dict(db.session.execute(
            select(Section.module_id, func.count(Section.id)).where(Section.retired.is_(False)).group_by(Section.module_id)
        ).all())
        for user_id in ids:
            reading[user_id] = {module_id: Progress(0, total) for module_id, total in totals.items()}
        for chunk in _chunks(ids):
            rows = db.session.execute(
                select(SectionRead.user_id, Section.module_id, func.count(SectionRead.id))
                .join(Section, Section.id == SectionRead.section_id)
                .where(Section.retired.is_(False), SectionRead.user_id.in_(chunk))
                .group_by(SectionRead.user_id, Section.module_id)
            ).all()
            for user_id, module_id, done in rows:
                reading[user_id][module_id] = Progress(done, totals.get(module_id, 0))
            for user_id, kind, key in db.session.execute(
                select(AssignmentCompletion.user_id, AssignmentCompletion.kind, AssignmentCompletion.key)
                .where(AssignmentCompletion.user_id.in_(chunk))
            ).all():
                completions[user_id].add((kind, key))
    catalog = Catalog()
    return {u.id: Learner(u, reading[u.id], completions[u.id], catalog) for u in users}


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


# --- content lookups -----------------------------------------------------------------------------------

LOOKUPS = {
    "module": lambda k: db.session.scalar(select(Module).where(Module.key == k, Module.retired.is_(False))),
    "scenario": lambda k: db.session.scalar(select(Scenario).where(Scenario.key == k, Scenario.retired.is_(False))),
    "course": lambda k: db.session.scalar(select(Course).where(Course.key == k, Course.retired.is_(False))),
    "path": lambda k: db.session.scalar(select(LearningPath).where(LearningPath.key == k, LearningPath.retired.is_(False))),
}


class Catalog:
    """Content rows looked up once per operation: the trainer view asks about the same module for every person."""

    def __init__(self):
        self._rows: dict[tuple[str, str], object] = {}

    def get(self, kind: str, key: str):
        if (kind, key) not in self._rows:
            self._rows[(kind, key)] = LOOKUPS[kind](key)
        return self._rows[(kind, key)]


def _exam_file(key: str) -> Path | None:
    if not KEBAB.match(key or ""):
        return None
    root = Path(current_app.config["CONTENT_DIR"])
    return root / "question_banks" / "exams" / f"{key}.yaml" if key in exam_ids(root) else None


@lru_cache(maxsize=64)
def _exam_title_cached(path: str, mtime: float) -> str:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    return str(data.get("title", "")) if isinstance(data, dict) else ""


def _exam_title(key: str) -> str | None:
    path = _exam_file(key)
    if path is None:
        return None
    return _exam_title_cached(str(path), path.stat().st_mtime) or key


def _optional_url(endpoint: str, **values) -> str | None:
    """A page of a feature that may not be installed: None instead of an error when it is missing."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _exam_url(key: str) -> str | None:
    # The quiz feature starts an exam with a POST from its exam list, so the step opens that list.
    return _optional_url(EXAM_LIST_ENDPOINT, _anchor=f"exam-{key}")


# --- progress per kind --------------------------------------------------------------------------------


def _module_progress(who: Learner, key: str) -> ItemProgress:
    module = who.catalog.get("module", key)
    if module is None:
        return ItemProgress(0, 1, False)
    reading = who.reading.get(module.id, Progress(0, 0))
    complete = ("module", key) in who.completions or (not module.quiz_bank_key and reading.complete)
    done, total = (reading.done, reading.total) if reading.total else (0, 1)
    return ItemProgress(done, total, complete, None if complete else module.title, "module", key)


def _flag_progress(kind: str):
    """Scenarios and exams: one thing to pass."""

    def progress(who: Learner, key: str) -> ItemProgress:
        complete = (kind, key) in who.completions
        title = None if complete else (getattr(who.catalog.get(kind, key), "title", None) if kind in LOOKUPS else _exam_title(key))
        return ItemProgress(int(complete), 1, complete, title, kind, key)

    return progress


def _course_progress(who: Learner, key: str) -> ItemProgress:
    course = who.catalog.get("course", key)
    if course is None or not course.active_modules:
        return ItemProgress(0, 1, False)
    parts = [(m, _module_progress(who, m.key)) for m in course.active_modules]
    done = sum(1 for _m, p in parts if p.complete)
    first_open = next((m for m, p in parts if not p.complete), None)
    result = ItemProgress(done, len(parts), first_open is None)
    if first_open is not None:
        result.next_title, result.next_kind, result.next_ref = first_open.title, "module", first_open.key
    return result


def _path_progress(who: Learner, key: str) -> ItemProgress:
    learning_path = who.catalog.get("path", key)
    steps = learning_path.active_steps if learning_path else []
    if not steps:
        return ItemProgress(0, 1, False)
    parts = {s.key: KINDS[s.kind].progress(who, s.ref) for s in steps}
    states = rules.step_states([(s.key, s.after) for s in steps], {k for k, p in parts.items() if p.complete})
    titles = {s.key: s.title for s in steps}
    views = [
        StepView(s.key, s.kind, s.ref, s.title, state.state, [titles[m] for m in state.missing], parts[s.key])
        for s, state in zip(steps, states, strict=True)
    ]
    done = sum(1 for v in views if v.state == "done")
    result = ItemProgress(done, len(views), done == len(views), steps=views)
    upcoming = rules.next_step(states)
    if upcoming is not None:
        step = next(s for s in steps if s.key == upcoming.key)
        result.next_title, result.next_kind, result.next_ref, result.next_step = step.title, step.kind, step.ref, step.key
    return result


def _title(kind: str, key: str) -> str | None:
    return getattr(LOOKUPS[kind](key), "title", None)


@dataclass(frozen=True)
class Kind:
    """What completing an item of one kind (trainer/item_kinds.py, which also labels it) means here."""

    title: object  # key -> str | None (None: no such item)
    progress: object  # (Learner, key) -> ItemProgress
    url: object  # key -> str | None (needs a request or app context with SERVER_NAME)


KINDS = {
    "path": Kind(lambda k: _title("path", k), _path_progress, lambda k: None),
    "course": Kind(lambda k: _title("course", k), _course_progress,
                   lambda k: url_for("courses.course", key=k)),
    "module": Kind(lambda k: _title("module", k), _module_progress,
                   lambda k: url_for("courses.module", key=k)),
    "scenario": Kind(lambda k: _title("scenario", k), _flag_progress("scenario"),
                     lambda k: url_for("roleplay.scenario", key=k)),
    "exam": Kind(_exam_title, _flag_progress("exam"), _exam_url),
}


def item_title(kind: str, key: str) -> str | None:
    spec = KINDS.get(kind)
    return spec.title(key) if spec else None


def item_progress(who: Learner, kind: str, key: str) -> ItemProgress:
    return KINDS[kind].progress(who, key)


def item_url(kind: str, key: str, state: ItemProgress | None = None) -> str | None:
    """Where to go to work on an item; a module that is read but not complete opens its quiz."""
    if kind == "module" and state is not None and not state.complete and state.total and state.done >= state.total:
        quiz = _optional_url(MODULE_QUIZ_ENDPOINT, key=key)
        if quiz is not None:
            return quiz
    spec = KINDS.get(kind)
    return spec.url(key) if spec else None


def assignable_items() -> dict[str, list[tuple[str, str]]]:
    """Everything a trainer can assign, per kind: (key, title), in catalogue order."""
    root = Path(current_app.config["CONTENT_DIR"])
    paths = db.session.scalars(select(LearningPath).where(LearningPath.retired.is_(False)).order_by(LearningPath.title))
    courses = db.session.scalars(select(Course).where(Course.retired.is_(False)).order_by(Course.position))
    modules = db.session.scalars(
        select(Module).join(Course).where(Module.retired.is_(False), Course.retired.is_(False)).order_by(Course.position, Module.position)
    )
    scenarios = db.session.scalars(select(Scenario).where(Scenario.retired.is_(False)).order_by(Scenario.setting, Scenario.key))
    return {
        "path": [(p.key, p.title) for p in paths],
        "course": [(c.key, c.title) for c in courses],
        "module": [(m.key, m.title) for m in modules],
        "scenario": [(s.key, s.title) for s in scenarios],
        "exam": [(key, _exam_title(key) or key) for key in sorted(exam_ids(root))],
    }
