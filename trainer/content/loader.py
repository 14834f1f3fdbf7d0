"""Load and validate every content file under a content root.

``load_content(root)`` returns the parsed content and every error found; import refuses to run
while there is any error, so a malformed file never reaches the database.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from trainer.content import dialogues
from trainer.content.assessment import StandardDef, load_standards
from trainer.content.assessment import cross_check as check_standards
from trainer.content.exams import ExamDef, check_exams, load_exams
from trainer.content.model import (
    CREDIT_CATEGORIES,
    CREDIT_STEP_MINUTES,
    SETTINGS,
    BankDef,
    CourseDef,
    Credit,
    ModuleDef,
    QuestionDef,
    ScenarioDef,
    SectionDef,
    TurnDef,
)
from trainer.content.paths import PathDef, check_path_refs, load_paths
from trainer.content.qualifications import QualificationDef, load_qualifications
from trainer.content.qualifications import cross_check as check_qualifications
from trainer.content.questions import QUESTION_VALIDATORS
from trainer.content.reader import ContentError, Reader
from trainer.content.rubrics import disagreement, load_intents, turn_examples, turn_intents
from trainer.scoring import score_transcript
from trainer.scoring.intents import Intent

MODULE_FILE = re.compile(r"^(\d{2})-([a-z0-9-]+)\.md$")
HEADING = re.compile(r"^## +(.+?)\s*(?:\{#([a-z0-9-]+)\})?\s*$")


@dataclass
class ContentSet:
    courses: dict[str, CourseDef] = field(default_factory=dict)
    modules: dict[str, ModuleDef] = field(default_factory=dict)
    banks: dict[str, BankDef] = field(default_factory=dict)
    scenarios: dict[str, ScenarioDef] = field(default_factory=dict)
    exams: dict[str, ExamDef] = field(default_factory=dict)  # question_banks/exams/*.yaml (trainer/content/exams.py)
    paths: dict[str, PathDef] = field(default_factory=dict)  # courses/paths/*.yaml (trainer/content/paths.py)
    qualifications: dict[str, QualificationDef] = field(default_factory=dict)  # courses/qualifications/*.yaml
    standards: dict[str, StandardDef] = field(default_factory=dict)  # courses/assessment/*.yaml (annual self-assessment)

    def counts(self) -> dict[str, int]:
        return {
            "courses": len(self.courses),
            "modules": len(self.modules),
            "banks": len(self.banks),
            "questions": sum(len(b.questions) for b in self.banks.values()),
            "scenarios": len(self.scenarios),
            "turns": sum(len(s.turns) for s in self.scenarios.values()),
            "exams": len(self.exams),
            "paths": len(self.paths),
        }


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _credit(reader: Reader, data: dict, path: tuple) -> Credit:
    raw = reader.get(data, path, "credit", dict, default={})
    category = reader.get(raw, (*path, "credit"), "category", str, default="") if raw else ""
    hours = reader.get(raw, (*path, "credit"), "hours", (int, float), default=0) if raw else 0
    if category and category not in CREDIT_CATEGORIES:
        reader.fail((*path, "credit", "category"), f"unknown category '{category}' (use {', '.join(CREDIT_CATEGORIES)})")
    if raw and (hours <= 0 or (hours * 60) % CREDIT_STEP_MINUTES):
        reader.fail((*path, "credit", "hours"), f"hours must be positive in 0.25 steps (quarter hours), got {hours!r}")
    return Credit(category, int(round(hours * 60)))


def _sections(reader: Reader, body: str, body_line: int) -> list[SectionDef]:
    sections: list[SectionDef] = []
    lines = body.splitlines()
    for number, line in enumerate(lines, start=body_line):
        match = HEADING.match(line)
        if match:
            title = match.group(1)
            sections.append(SectionDef(match.group(2) or title[:120], title, ""))
        elif sections:
            sections[-1].body += line + "\n"
        elif line.strip():
            reader.fail((), "text before the first '## ' heading (every part of a module belongs to a section)", where=f"line {number}")
    if len(sections) < 2:
        reader.fail((), f"a module needs at least 2 '## ' sections, found {len(sections)}", where="body")
    keys = [s.key for s in sections]
    for key in {k for k in keys if keys.count(k) > 1}:
        reader.fail((), f"two sections share the heading '{key}' (add '{{#some-key}}' to one)", where="body")
    for section in sections:
        section.body = section.body.strip("\n")
    return sections


def parse_module(path: Path, root: Path, errors: list[ContentError]) -> ModuleDef | None:
    name = MODULE_FILE.match(path.name)
    text = path.read_text(encoding="utf-8")
    file = _rel(path, root)
    if not name:
        errors.append(ContentError(file, "file name", "module files are named '<nn>-<module-id>.md', e.g. '01-counter-basics.md'"))
        return None
    parts = re.split(r"^---\s*$", text, maxsplit=2, flags=re.M)
    if len(parts) < 3 or parts[0].strip():
        errors.append(ContentError(file, "line 1", "a module starts with YAML front matter between two '---' lines"))
        return None
    reader = Reader(file, parts[1])  # parts[1] starts on the line of the first ---
    if not reader.ok:
        errors.extend(reader.errors)
        return None
    data = reader.data
    module_id = reader.identifier(data, (), expected=name.group(2))
    quiz = reader.get(data, (), "quiz", dict, required=False, default=None)
    bank, count, pass_percent = None, 10, 80
    if quiz is not None:
        bank = reader.get(quiz, ("quiz",), "bank", str)
        count = reader.get(quiz, ("quiz",), "count", int, default=10)
        pass_percent = reader.get(quiz, ("quiz",), "pass_percent", int, default=80)
        if not 1 <= pass_percent <= 100:
            reader.fail(("quiz", "pass_percent"), f"pass_percent must be 1–100, got {pass_percent}")
        if count < 1:
            reader.fail(("quiz", "count"), f"count must be at least 1, got {count}")
    body_line = text[: len(parts[0]) + len(parts[1]) + 6].count("\n") + 1
    module = ModuleDef(
        id=module_id,
        title=reader.get(data, (), "title", str, default=""),
        credit=_credit(reader, data, ()),
        sources=reader.citations(data, (), "sources"),
        quiz_bank=bank,
        quiz_count=count,
        quiz_pass_percent=pass_percent,
        scenarios=reader.string_list(data, (), "scenarios", required=False),
        sections=_sections(reader, parts[2], body_line),
        path=file,
    )
    errors.extend(reader.errors)
    return module


def parse_course(folder: Path, root: Path, errors: list[ContentError]) -> CourseDef | None:
    path = folder / "course.yaml"
    file = _rel(path, root)
    if not path.exists():
        errors.append(ContentError(_rel(folder, root), "folder", "a course folder needs a course.yaml"))
        return None
    reader = Reader.open(path, root, errors)
    if reader is None:
        return None
    data = reader.data
    course = CourseDef(
        id=reader.identifier(data, (), expected=folder.name),
        title=reader.get(data, (), "title", str, default=""),
        description=reader.get(data, (), "description", str, required=False, default=""),
        order=reader.get(data, (), "order", int, required=False, default=100),
        audience=reader.string_list(data, (), "audience", required=False),
        module_ids=reader.string_list(data, (), "modules", min_len=1),
        path=file,
    )
    errors.extend(reader.errors)
    for module_path in sorted(folder.glob("*.md")):
        module = parse_module(module_path, root, errors)
        if module:
            module.course_id = course.id
            course.modules.append(module)
    found = {m.id for m in course.modules}
    for index, module_id in enumerate(course.module_ids):
        if module_id not in found:
            errors.append(ContentError(file, reader.where(("modules", index)), f"module '{module_id}' has no file in {_rel(folder, root)}/"))
    for module in course.modules:
        if module.id not in course.module_ids:
            errors.append(ContentError(module.path, "id", f"module '{module.id}' is not listed in {file} 'modules'"))
    order = {m: i for i, m in enumerate(course.module_ids)}
    course.modules.sort(key=lambda m: order.get(m.id, len(order)))
    return course


def parse_bank(path: Path, root: Path, errors: list[ContentError]) -> BankDef | None:
    reader = Reader.open(path, root, errors)
    if reader is None:
        return None
    file = reader.file
    data = reader.data
    bank = BankDef(reader.identifier(data, (), expected=path.stem), reader.get(data, (), "title", str, default=""), [], file)
    for index, raw in enumerate(reader.get(data, (), "questions", list, default=[])):
        question = _parse_question(reader, raw, ("questions", index))
        if question:
            bank.questions.append(question)
    if not bank.questions:
        reader.fail(("questions",), "a bank needs at least one question")
    errors.extend(reader.errors)
    return bank


def _parse_question(reader: Reader, raw, path: tuple) -> QuestionDef | None:
    if not isinstance(raw, dict):
        reader.fail(path, "each question is a mapping of keys")
        return None
    qtype = reader.get(raw, path, "type", str, default="")
    if qtype and qtype not in QUESTION_VALIDATORS:
        reader.fail((*path, "type"), f"unknown type '{qtype}' (use {', '.join(QUESTION_VALIDATORS)})")
    difficulty = reader.get(raw, path, "difficulty", int, default=1)
    if difficulty not in (1, 2, 3):
        reader.fail((*path, "difficulty"), f"difficulty is 1, 2 or 3, got {difficulty}")
    source = reader.get(raw, path, "source", str, default="")
    if source:
        reader.check_citation(source, (*path, "source"))
    question = QuestionDef(
        id=reader.get(raw, path, "id", str, default=""),
        type=qtype,
        stem=reader.get(raw, path, "stem", str, default=""),
        options=reader.string_list(raw, path, "options", required=False),
        answer=reader.get(raw, path, "answer", list, default=[]),
        explanation=reader.get(raw, path, "explanation", str, default=""),
        source=source,
        difficulty=difficulty,
        tags=reader.string_list(raw, path, "tags", required=False),
        duplicate_of=reader.string_list(raw, path, "duplicate_of", required=False),  # checked by content/quality.py
    )
    if qtype in QUESTION_VALIDATORS:
        QUESTION_VALIDATORS[qtype](reader, path, question)
    return question


def parse_scenario(path: Path, root: Path, errors: list[ContentError], intents: dict[str, Intent]) -> ScenarioDef | None:
    reader = Reader.open(path, root, errors)
    if reader is None:
        return None
    file = reader.file
    data = reader.data
    setting = reader.get(data, (), "setting", str, default="")
    if setting and setting not in SETTINGS:
        reader.fail(("setting",), f"unknown setting '{setting}' (use {', '.join(SETTINGS)})")
    scenario = ScenarioDef(
        id=reader.identifier(data, (), expected=path.stem),
        title=reader.get(data, (), "title", str, default=""),
        setting=setting,
        situation=reader.get(data, (), "situation", str, default=""),
        roles=reader.string_list(data, (), "roles", required=False),
        sources=reader.citations(data, (), "sources"),
        credit=_credit(reader, data, ()),
        turns=[],
        path=file,
        mood=dialogues.scenario_mood(reader, data),
    )
    raw_turns = reader.get(data, (), "turns", list, default=[])
    if not raw_turns:
        reader.fail(("turns",), "a scenario needs at least one turn")
    for index, raw in enumerate(raw_turns):
        turn = _parse_turn(reader, raw, ("turns", index), intents)
        if turn:
            scenario.turns.append(turn)
    if len(scenario.turns) == len(raw_turns) and scenario.turns:
        dialogues.link_and_check(reader, scenario.turns, raw_turns)
    errors.extend(reader.errors)
    return scenario


def _parse_turn(reader: Reader, raw, path: tuple, intents: dict[str, Intent]) -> TurnDef | None:
    if not isinstance(raw, dict):
        reader.fail(path, "each turn is a mapping of keys")
        return None
    # ``expect`` is the older name of ``phrases``.
    phrases_key = "expect" if "expect" in raw and "phrases" not in raw else "phrases"
    turn = TurnDef(
        customer=reader.get(raw, path, "customer", str, default=""),
        phrases=reader.string_list(raw, path, phrases_key, required=False),
        forbid=reader.string_list(raw, path, "forbid", required=False),
        model_answer=reader.get(raw, path, "model_answer", str, default=""),
        max_seconds=reader.get(raw, path, "max_seconds", int, default=15),
        tips=reader.get(raw, path, "tips", str, required=False, default=""),
        audio=reader.get(raw, path, "audio", str, required=False, default=None),
        intents=turn_intents(reader, raw, path, intents),
        examples=turn_examples(reader, raw, path),
        key=dialogues.turn_key(reader, raw, path, path[-1] + 1),
        variants=dialogues.variants(reader, raw, path),
        branches=dialogues.branches(reader, raw, path),
        end=bool(reader.get(raw, path, "end", bool, required=False, default=False)),
    )
    if not 5 <= turn.max_seconds <= 60:
        reader.fail((*path, "max_seconds"), f"max_seconds must be 5–60, got {turn.max_seconds}")
    for index, item in enumerate(turn.phrases):
        if any(not a.strip() for a in item.split("|")):
            reader.fail((*path, phrases_key, index), f"empty alternative in '{item}'")
            return turn
    if not turn.phrases and not turn.intents and "intents" not in raw:
        reader.fail(path, "a turn needs at least one standard phrase or intent")
    elif turn.model_answer and reader.ok:
        try:
            result = score_transcript(turn.model_answer, turn.rubric)
        except ValueError as exc:
            reader.fail(path, str(exc))
        else:
            if not result.passed:
                reader.fail((*path, "model_answer"), "the model answer fails its own rubric: " + disagreement(turn.model_answer, result, True))
    return turn


def _cross_check(content: ContentSet, errors: list[ContentError]) -> None:
    """References between files: quiz banks, scenario ids, duplicate ids across files."""
    question_files: dict[str, str] = {}
    for bank in content.banks.values():
        for index, question in enumerate(bank.questions):
            if question.id in question_files:
                errors.append(ContentError(bank.path, f"questions[{index}].id", f"question id '{question.id}' is also used in {question_files[question.id]}"))
            question_files[question.id] = bank.path
    for module in content.modules.values():
        if module.quiz_bank:
            bank = content.banks.get(module.quiz_bank)
            if bank is None:
                errors.append(ContentError(module.path, "quiz.bank", f"no question bank '{module.quiz_bank}' in question_banks/"))
            elif module.quiz_count > len(bank.questions):
                errors.append(ContentError(module.path, "quiz.count", f"count {module.quiz_count} exceeds the {len(bank.questions)} questions of bank '{bank.id}'"))
        for scenario_id in module.scenarios:
            if scenario_id not in content.scenarios:
                errors.append(ContentError(module.path, "scenarios", f"no scenario '{scenario_id}' in scenarios/"))


def load_content(root: Path) -> tuple[ContentSet, list[ContentError]]:
    root = Path(root)
    content, errors = ContentSet(), []
    for folder in sorted(p for p in (root / "courses").glob("*") if p.is_dir() and p.name not in ("paths", "qualifications", "assessment")):
        course = parse_course(folder, root, errors)
        if course:
            _add_unique(content.courses, course, errors)
            for module in course.modules:
                _add_unique(content.modules, module, errors)
    for path in sorted((root / "question_banks").glob("*.yaml")):
        _add_unique(content.banks, parse_bank(path, root, errors), errors)
    intents = load_intents(root, errors)
    for path in sorted((root / "scenarios").glob("*.yaml")):
        _add_unique(content.scenarios, parse_scenario(path, root, errors, intents), errors)
    content.exams = load_exams(root, errors)
    # Catalogue order: the optional `order` key, then id (folder names alone would put 受理员 before 职业道德).
    content.courses = dict(sorted(content.courses.items(), key=lambda kv: (kv[1].order, kv[0])))
    _cross_check(content, errors)
    check_exams(content.exams, content.banks, errors)
    for learning_path in load_paths(root, lambda p: _rel(p, root), errors):
        _add_unique(content.paths, learning_path, errors)
    check_path_refs(content.paths, content.modules, content.scenarios, set(content.exams), errors)
    content.qualifications = load_qualifications(root, errors)
    check_qualifications(content.qualifications, content, errors)
    content.standards = load_standards(root, errors)
    check_standards(content.standards, content.exams, errors)
    return content, errors


def _add_unique(registry: dict, item, errors: list[ContentError]) -> None:
    if item is None or not item.id:
        return
    if item.id in registry:
        errors.append(ContentError(item.path, "id", f"id '{item.id}' is also used by {registry[item.id].path}"))
        return
    registry[item.id] = item


def load_scenario_file(root: Path, scenario_id: str) -> ScenarioDef:
    """One scenario, validated; raises ValueError with every problem when it is not valid."""
    path = Path(root) / "scenarios" / f"{scenario_id}.yaml"
    if not path.exists():
        raise ValueError(f"no scenario file {path}")
    errors: list[ContentError] = []
    scenario = parse_scenario(path, Path(root), errors, load_intents(Path(root), errors))
    if errors or scenario is None:
        raise ValueError("; ".join(str(e) for e in errors))
    return scenario
