"""Nominal hours: how much learning time a module really offers, estimated from its text and activities.

A module's ``credit.hours`` is what the ledger grants for completing it. An auditor checking the
annual 16 hours (``001 篇1 八.(一).6``) asks whether the material behind a credit could take that
long, so ``trainer content hours`` estimates it and ``trainer content check`` warns when a credit
is larger than the estimate.

The estimate is the *self-study* time of one learner: reading the text, answering the questions
asked inside it, working the cases, writing the reflections and taking the module quiz once.
Classroom session plans and role-play scenarios are listed but not counted: the ledger credits a
classroom session when a trainer records it and a scenario when it is passed, each on its own.

Time rates (minutes) and why:
- Reading: 300 Han characters a minute. Adult silent reading of ordinary non-fiction is slower than
  commonly assumed (Brysbaert 2019's meta-analysis: 238 words a minute for English non-fiction, far
  below popular figures), and study text full of rules, deadlines and article numbers is read more
  slowly still; 300 is at the fast end for such text, so the estimate errs short, never long.
  Latin letters and digits count one per run ("95598" reads as one item); punctuation is not counted.
- A question inside the text (a paragraph starting ``**问题…**``): 2 minutes to think and note an
  answer before opening the reference answer (its text is counted as reading).
- A worked case (``### 案例…``) that asks at least one question: 3 minutes of analysis (behaviour,
  clause, consequence, right practice) on top of its text and its questions. A case that only tells
  and explains is reading, nothing more.
- A reflection task (``### 反思任务…``): 10 minutes to write a short answer (150–300 characters)
  about one's own work; composing while thinking runs at a few dozen characters a minute.
- The module quiz, taken once: per item 1 minute (single choice, fill in the blank), 0.5 (true or
  false), 1.5 (multiple choice, ordering), weighted by the bank's mix of types.
- A classroom session plan (``### 课堂教学方案…（45 分钟）``) states its length; its text is for the
  trainer and is not counted as reading.
"""

import re
from dataclasses import dataclass, field

from trainer.content.loader import ContentSet
from trainer.content.model import CREDIT_CATEGORIES, CREDIT_STEP_MINUTES, ModuleDef
from trainer.question_types import QUESTION_TYPES

READING_CHARS_PER_MINUTE = 300
QUESTION_MINUTES = 2.0
CASE_MINUTES = 3.0
REFLECTION_MINUTES = 10.0
QUIZ_ITEM_MINUTES = {name: kind.minutes for name, kind in QUESTION_TYPES.items()}  # each type says its own
DEFAULT_QUIZ_ITEM_MINUTES = 1.0

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_RUN = re.compile(r"[A-Za-z0-9]+(?:[.:][A-Za-z0-9]+)*")
HTML_TAG = re.compile(r"<[^>]+>")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
SUBHEADING = re.compile(r"^#{3,6}\s+(.+?)\s*$")
QUESTION = re.compile(r"^\s*(?:[-*]\s+)?\*\*问题[^*]{0,12}\*\*")
STATED_MINUTES = re.compile(r"[(（]\s*(?:约\s*)?(\d{1,3})\s*分钟\s*[)）]")


@dataclass(frozen=True)
class SubsectionKind:
    """A kind of ``###`` sub-heading that marks an activity."""

    label: str  # shown in reports (Chinese, as the authors write it)
    prefix: str  # the heading starts with this
    counted: bool  # part of the self-study estimate (False: credited elsewhere)
    reading: bool  # its text counts as the learner's reading


# Registry: the heading prefix decides the kind (order matters only for prefixes that share a start).
SUBSECTION_KINDS = {
    "case": SubsectionKind("案例", "案例", counted=True, reading=True),
    "reflection": SubsectionKind("反思任务", "反思任务", counted=True, reading=True),
    "classroom": SubsectionKind("课堂教学方案", "课堂教学方案", counted=False, reading=False),
}


@dataclass(frozen=True)
class Activity:
    kind: str  # "question", or a key of SUBSECTION_KINDS
    title: str
    section: str
    minutes: float
    questions: int = 0  # questions asked inside a case


@dataclass
class ModuleHours:
    module_id: str
    course_id: str
    title: str
    category: str
    credit_minutes: int
    characters: int = 0
    activities: list[Activity] = field(default_factory=list)
    quiz_items: int = 0
    quiz_minutes: float = 0.0
    scenarios: list[tuple[str, str, int]] = field(default_factory=list)  # (id, category, credit minutes)
    problems: list[str] = field(default_factory=list)  # authoring slips found while counting

    @property
    def reading_minutes(self) -> float:
        return self.characters / READING_CHARS_PER_MINUTE

    def count(self, kind: str) -> int:
        return sum(1 for a in self.activities if a.kind == kind)

    def minutes_of(self, kind: str) -> float:
        return sum(a.minutes for a in self.activities if a.kind == kind)

    @property
    def self_study_minutes(self) -> float:
        """Reading + questions + cases + reflections + one quiz: what the module credit may not exceed."""
        counted = sum(a.minutes for a in self.activities if a.kind == "question" or SUBSECTION_KINDS[a.kind].counted)
        return self.reading_minutes + counted + self.quiz_minutes

    @property
    def classroom_minutes(self) -> float:
        return self.minutes_of("classroom")

    @property
    def supported_minutes(self) -> int:
        """The largest credit (in the quarter-hour steps credits are written in) the self-study estimate supports."""
        return int(self.self_study_minutes // CREDIT_STEP_MINUTES) * CREDIT_STEP_MINUTES

    @property
    def over_credited(self) -> bool:
        return self.credit_minutes > self.self_study_minutes


def count_characters(markdown: str) -> int:
    """Han characters plus one per run of Latin letters or digits; markup, links and punctuation do not count."""
    text = LINK_TARGET.sub("]", HTML_TAG.sub(" ", markdown))
    return len(HAN.findall(text)) + len(LATIN_RUN.findall(text))


def _kind_of(heading: str) -> str | None:
    return next((key for key, kind in SUBSECTION_KINDS.items() if heading.startswith(kind.prefix)), None)


def _scan_section(title: str, body: str, hours: ModuleHours) -> None:
    """Split a section into plain text and activity sub-sections; count characters and activities."""
    kind, heading, chunk = None, "", []

    def close() -> None:
        text = "\n".join(chunk)
        questions = sum(1 for line in chunk if QUESTION.match(line))
        reading = kind is None or SUBSECTION_KINDS[kind].reading
        if reading:
            hours.characters += count_characters(text)
        if kind == "classroom":  # the plan's own questions are the trainer's, not self-study
            stated = STATED_MINUTES.search(heading)
            if stated is None:
                hours.problems.append(f"section '{title}': classroom plan '{heading}' states no length, e.g. （45 分钟）")
            hours.activities.append(Activity("classroom", heading, title, float(stated.group(1)) if stated else 0.0))
            return
        hours.activities.extend(Activity("question", heading or title, title, QUESTION_MINUTES) for _ in range(questions))
        if kind == "case":
            hours.activities.append(Activity("case", heading, title, CASE_MINUTES if questions else 0.0, questions))
        elif kind == "reflection":
            hours.activities.append(Activity("reflection", heading, title, REFLECTION_MINUTES))

    for line in body.splitlines():
        match = SUBHEADING.match(line)
        if match:
            close()
            heading, chunk = match.group(1), [line]
            kind = _kind_of(heading)
        else:
            chunk.append(line)
    close()


def module_hours(module: ModuleDef, content: ContentSet) -> ModuleHours:
    hours = ModuleHours(module.id, module.course_id, module.title, module.credit.category, module.credit.minutes)
    for section in module.sections:
        hours.characters += count_characters(section.title)
        _scan_section(section.title, section.body, hours)
    bank = content.banks.get(module.quiz_bank or "")
    if bank and bank.questions:
        per_item = sum(QUIZ_ITEM_MINUTES.get(q.type, DEFAULT_QUIZ_ITEM_MINUTES) for q in bank.questions) / len(bank.questions)
        hours.quiz_items = min(module.quiz_count, len(bank.questions))
        hours.quiz_minutes = hours.quiz_items * per_item
    for scenario_id in module.scenarios:
        scenario = content.scenarios.get(scenario_id)
        if scenario:
            hours.scenarios.append((scenario.id, scenario.credit.category, scenario.credit.minutes))
    return hours


@dataclass
class CategoryTotals:
    credit_minutes: int = 0  # module credits
    self_study_minutes: float = 0.0
    supported_minutes: int = 0
    classroom_minutes: float = 0.0
    scenario_minutes: int = 0  # credits of the distinct scenarios of this category
    modules: int = 0


@dataclass
class HoursReport:
    modules: list[ModuleHours]
    categories: dict[str, CategoryTotals]

    def over_credited(self) -> list[ModuleHours]:
        return [m for m in self.modules if m.over_credited]

    def combined(self, categories) -> CategoryTotals:
        total = CategoryTotals()
        for name in categories:
            part = self.categories.get(name)
            if part:
                for attr in vars(total):
                    setattr(total, attr, getattr(total, attr) + getattr(part, attr))
        return total


def hours_report(content: ContentSet) -> HoursReport:
    modules = [module_hours(m, content) for course in content.courses.values() for m in course.modules]
    categories = {name: CategoryTotals() for name in CREDIT_CATEGORIES}
    for m in modules:
        totals = categories.setdefault(m.category or "-", CategoryTotals())
        totals.modules += 1
        totals.credit_minutes += m.credit_minutes
        totals.self_study_minutes += m.self_study_minutes
        totals.supported_minutes += m.supported_minutes
        totals.classroom_minutes += m.classroom_minutes
    for scenario in content.scenarios.values():  # a scenario credits once, whichever modules list it
        if scenario.credit.category and scenario.credit.minutes:
            categories.setdefault(scenario.credit.category, CategoryTotals()).scenario_minutes += scenario.credit.minutes
    return HoursReport(modules, categories)


def credit_warnings(content: ContentSet) -> list[str]:
    """One line per module whose credit exceeds its self-study estimate, and per authoring slip."""
    report = hours_report(content)
    lines = []
    for m in report.modules:
        lines.extend(f"{m.module_id}: {problem}" for problem in m.problems)
        if m.over_credited:
            lines.append(
                f"{m.module_id}: credits {m.credit_minutes / 60:g} h but offers about {m.self_study_minutes:.0f} min of self-study "
                f"(reading {m.reading_minutes:.0f}, questions {m.minutes_of('question'):.0f}, cases {m.minutes_of('case'):.0f}, "
                f"reflections {m.minutes_of('reflection'):.0f}, quiz {m.quiz_minutes:.0f}); "
                f"lower the credit to {m.supported_minutes / 60:g} h or add material"
            )
    return lines
