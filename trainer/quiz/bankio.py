"""Shared pieces of the question-bank file formats (Excel, GIFT, Moodle XML): the import preview, row errors,
and the Chinese labels trainers use. Pure: no Flask, no database.

A parsed question is a ``QuestionDef`` (trainer/content/model.py) whose ``id`` is its 编号 (may be empty: the
importer then matches by stem or numbers it).

The import preview (the contract every reader fills and every caller — page, ``trainer bank`` CLI, API — reads)
------------------------------------------------------------------------------------------------------------
A reader turns a file into a :class:`BankPreview`: one :class:`PreviewItem` per question found in the file,
in file order, plus file-level ``errors`` (unreadable file, too many questions: then nothing can be imported).

``PreviewItem``
- ``number``: where the question starts (GIFT line, Excel row, XML question position), for messages;
- ``name``: the question's name as written in the file (GIFT ``::name::``, XML ``<name>``, Excel 编号), any characters;
- ``code``: the 编号 it gets: ``name`` when that is a valid code (:data:`CODE`), else one generated from it
  (:func:`code_for`, stable: importing the same file again updates the same questions); ``generated`` tells which;
  ``""`` when the file gives no name (the importer matches by stem or numbers it);
- ``status``: ``ok`` (可导入), ``fix`` (需修改: the file breaks a rule of ours; ``reasons`` say which, in Chinese)
  or ``unsupported`` (不支持: a kind of question this platform has no type for, e.g. essay; reason in Chinese);
- ``type``: our type name (``single`` …) when known; ``file_type``: the file's own kind (Moodle's ``multichoice``,
  ``shortanswer``, ``essay`` …; Excel: the 题型 cell) for reports per kind;
- ``question``: the :class:`QuestionDef` (``None`` when it could not be built); ``warnings``: what the reader
  changed or dropped while keeping the meaning (Chinese), shown with an ``ok`` item too.

``BankPreview``: ``items``, ``errors`` (file level, :class:`RowError`), ``title`` and ``tags`` the file names
(GIFT ``$CATEGORY``), ``default_source`` (the batch 出处 applied to questions without one), ``notes`` (file-level
remarks in Chinese: what the reader did not read, e.g. an Excel column the platform has no field for). A reader only builds
items; :func:`finish_preview` applies the batch 出处, gives codes and runs :func:`check_common`, turning items
with problems into ``fix``. Import modes (``IMPORT_MODES``): ``good`` imports the ``ok`` items and skips the rest;
``all`` imports only when every item is ``ok`` (all or nothing). ``ParsedBank`` is the older all-or-nothing shape
(questions + row errors), kept for readers not yet moved over: :meth:`BankPreview.from_parsed` turns it into a
preview and :meth:`BankPreview.to_parsed` back.
"""

import hashlib
import re
from dataclasses import dataclass, field

from trainer.content.model import QuestionDef
from trainer.content.questions import BLANK, QUESTION_VALIDATORS
from trainer.question_types import LETTERS, QUESTION_TYPES  # noqa: F401  (LETTERS: the formats read it from here)

MAX_QUESTIONS = 2000
OPTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # naming options in messages, also past our LETTERS (a file may have 8)
CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")

STATUS_LABELS = {"ok": "可导入", "fix": "需修改", "unsupported": "不支持"}
IMPORT_MODES = {"good": "只导入可导入的题目", "all": "全部可导入时才导入(任何一题有问题则不导入)"}
DIFFICULTY_WORDS = {"1": 1, "2": 2, "3": 3, "易": 1, "容易": 1, "简单": 1, "低": 1, "较易": 1, "中": 2, "中等": 2,
                    "一般": 2, "难": 3, "较难": 3, "困难": 3, "高": 3}


@dataclass
class RowError:
    row: int  # Excel row number, or GIFT question number
    message: str  # Chinese, for the trainer

    def __str__(self) -> str:
        return f"第 {self.row} 行:{self.message}"


@dataclass
class ParsedBank:
    questions: list[tuple[int, QuestionDef]] = field(default_factory=list)  # (row, question)
    errors: list[RowError] = field(default_factory=list)
    title: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.questions)


class _Collector:
    """Stands in for the content Reader so the content validators can check imported questions too."""

    def __init__(self):
        self.problems: list[str] = []

    def fail(self, path, problem: str, where: str | None = None) -> None:
        self.problems.append(problem)


def final_check(question: QuestionDef) -> list[str]:
    """Run the content-file validator of the question's type; English problems (rare after parsing)."""
    collector = _Collector()
    QUESTION_VALIDATORS[question.type](collector, (), question)
    return collector.problems


def option_problems(qtype: str, options: list[str]) -> list[str]:
    """Chinese reasons the options do not fit the type: none allowed, too few or too many (never cut), repeated."""
    kind = QUESTION_TYPES[qtype]
    if kind.option_range is None:
        return [f"{kind.label}不填选项。"] if options else []
    (low, high), problems = kind.option_range, []
    if len(options) > high:
        extra = "、".join(OPTION_LETTERS[high:len(options)])
        problems.append(f"有 {len(options)} 个选项,{kind.label}最多 {high} 个:选项{extra}无法导入,请删减或合并后再导入。")
    elif len(options) < low:
        problems.append(f"只有 {len(options)} 个选项,{kind.label}至少要 {low} 个。")
    first: dict[str, int] = {}
    for index, option in enumerate(options):
        if option in first:
            problems.append(f"选项{OPTION_LETTERS[first[option]]}与选项{OPTION_LETTERS[index]}相同(“{option}”),选项不能重复。")
        else:
            first[option] = index
    return problems


def check_common(question: QuestionDef, row: int, errors: list[RowError], seen_codes: dict[str, int]) -> None:
    """Checks every format shares: 编号 unique and well formed, stem, source, options (in Chinese); then the
    type's own rules (English from the content validator, only when nothing was reported in Chinese)."""
    before = len(errors)
    if question.id:
        if not CODE.match(question.id):
            errors.append(RowError(row, f"编号“{question.id}”只能用字母、数字、-、_、.,最长 40 个字符。"))
        elif question.id in seen_codes:
            errors.append(RowError(row, f"编号“{question.id}”与第 {seen_codes[question.id]} 行重复。"))
        else:
            seen_codes[question.id] = row
    if not question.stem.strip():
        errors.append(RowError(row, "题干为空。"))
    if len(question.source) > 80:
        errors.append(RowError(row, "出处太长(最多 80 个字符)。"))
    if not question.source.strip():
        errors.append(RowError(row, "缺少出处:每道题都要注明依据的条款,例如“000 §5.2.1”(也可在导入页填写本批出处)。"))
    if QUESTION_TYPES[question.type].has_blank and question.stem.count(BLANK) != 1:
        errors.append(RowError(row, "填空题的题干要有且只有一个空,写作 ____(或 ( ))。"))
    errors.extend(RowError(row, problem) for problem in option_problems(question.type, question.options))
    for problem in final_check(question) if question.type in QUESTION_VALIDATORS and len(errors) == before else []:
        errors.append(RowError(row, f"题目不符合格式要求:{problem}"))


def percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def choice_key(single: bool, options: list[str], fractions: list[float], warnings: list[str],
               how: tuple[str, str] = ("", "")) -> tuple[str, list[int]]:
    """Moodle's multiple choice (GIFT, Moodle XML) as ours: (``single`` or ``multiple``, right option indexes) from
    each option's credit (fraction 0–1, negative for a penalty). A single-answer question needs exactly one
    full-credit option (partial credit: ValueError with the Chinese reason); a multiple-answer one two or more
    right options whose credit sums to 100%. Where our scoring differs from the file's, a warning says so.
    ``how``: the format's own hint for writing a single / a multiple-answer question, added to the reasons."""
    if single:
        full = [i for i, f in enumerate(fractions) if f >= 0.999]
        partial = [options[i] for i, f in enumerate(fractions) if 0 < f < 0.999]
        if partial:
            raise ValueError(f"单选题中的部分得分选项(“{partial[0]}”)本平台不支持:单选题只有一个全对的选项,"
                             f"其余选项 0 分。请去掉部分得分,或改成多选题{how[1]}。")
        if len(full) != 1:
            raise ValueError(f"单选题只能有一个正确答案{how[0]};要多个正确答案请改成多选题{how[1]}。")
        if any(f < 0 for f in fractions):
            warnings.append("单选题错误选项的负分未导入:本平台答错得 0 分。")
        return "single", full
    right = [i for i, f in enumerate(fractions) if f > 0]
    if len(right) < 2:
        raise ValueError(f"多选题至少要有两个正确选项(得分大于 0);只有一个正确选项时请改成单选题{how[0]}。")
    total = sum(fractions[i] for i in right)
    if abs(total - 1) > 0.011:
        raise ValueError(f"多选题正确选项的得分之和是 {percent(total)},应为 100%。")
    ours = [1 / len(right) if i in right else -1 / max(len(options) - len(right), 1) for i in range(len(options))]
    if any(abs(a - b) > 0.011 for a, b in zip(ours, fractions, strict=True)):
        warnings.append("按本平台多选题规则计分:每个正确选项得 1/k,每个错误选项扣 1/(n−k),最低 0 分"
                        f"(文件中的得分:{'、'.join(percent(f) for f in fractions)})。")
    return "multiple", right


def split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split("[,\uff0c\u3001;\uff1b]", text) if part.strip()]


# --- the import preview -----------------------------------------------------------------------------------

@dataclass
class PreviewItem:
    number: int
    name: str = ""
    status: str = "ok"  # ok / fix / unsupported (STATUS_LABELS)
    type: str = ""
    question: QuestionDef | None = None
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_type: str = ""
    code: str = ""
    generated: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict:
        """JSON-ready (CLI ``--json``, API)."""
        q = self.question
        return {"number": self.number, "name": self.name, "code": self.code, "generated_code": self.generated,
                "status": self.status, "status_label": self.status_label, "type": self.type,
                "file_type": self.file_type, "reasons": self.reasons, "warnings": self.warnings,
                "stem": q.stem if q else ""}


@dataclass
class BankPreview:
    items: list[PreviewItem] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # file level: nothing can be imported
    title: str = ""
    tags: list[str] = field(default_factory=list)
    default_source: str = ""
    format: str = ""
    names_are_codes: bool = True  # False: names are labels (GIFT, XML); a repeated one gets a numbered code
    notes: list[str] = field(default_factory=list)  # file level, Chinese: what the reader skipped (unread columns …)

    def counts(self) -> dict[str, int]:
        return {status: sum(1 for i in self.items if i.status == status) for status in STATUS_LABELS}

    @property
    def good(self) -> list[PreviewItem]:
        return [i for i in self.items if i.status == "ok"]

    def importable(self, mode: str) -> list[PreviewItem]:
        """The items ``mode`` would write: empty when the file cannot be imported that way."""
        if self.errors or (mode == "all" and len(self.good) != len(self.items)):
            return []
        return self.good

    @classmethod
    def from_parsed(cls, parsed: "ParsedBank", file_type: str = "") -> "BankPreview":
        """An older reader's result: its questions are ``ok``, each row with errors is one ``fix`` item."""
        preview = cls(title=parsed.title)
        for number, q in parsed.questions:
            preview.items.append(PreviewItem(number, name=q.id, type=q.type, question=q, file_type=file_type, code=q.id))
        by_row: dict[int, list[str]] = {}
        for error in parsed.errors:
            by_row.setdefault(error.row, []).append(error.message)
        if not parsed.questions and len(by_row) == 1 and len(parsed.errors) == 1:
            preview.errors = list(parsed.errors)  # a file-level problem (header, unreadable, empty)
            return preview
        for row, messages in by_row.items():
            preview.items.append(PreviewItem(row, status="fix", reasons=messages, file_type=file_type))
        preview.items.sort(key=lambda i: i.number)
        return preview

    def to_parsed(self) -> ParsedBank:
        """All-or-nothing view: the ``ok`` questions, and one error per reason of every other item."""
        parsed = ParsedBank(title=self.title, errors=list(self.errors))
        for item in self.items:
            if item.status == "ok":
                parsed.questions.append((item.number, item.question))
            else:
                parsed.errors += [RowError(item.number, reason) for reason in item.reasons]
        if not parsed.questions and not parsed.errors:
            parsed.errors.append(RowError(1, "文件中没有题目。"))
        return parsed


def code_for(name: str) -> str:
    """The 编号 of a question named ``name``: the name itself when it is a valid code, else an ASCII slug of it
    with a short hash of the whole name (stable across imports; distinct names give distinct codes)."""
    name = name.strip()
    if not name or CODE.match(name):
        return name
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "-", name).strip("-.")[:28].rstrip("-.")
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"q-{digest}"


def finish_preview(preview: BankPreview, default_source: str = "") -> BankPreview:
    """Apply the batch 出处, give codes, and check every built question (:func:`check_common`); items that break a
    rule become ``fix`` with the reasons. Call once on a freshly read preview."""
    preview.default_source = default_source = default_source.strip()
    seen_codes: dict[str, int] = {}
    for item in preview.items:
        q = item.question
        if q is None or item.status == "unsupported":
            continue
        if not q.source.strip() and default_source:
            q.source = default_source
            if "已使用本批出处。" not in item.warnings:
                item.warnings.append("已使用本批出处。")
        item.name = item.name or q.id
        item.code = code_for(item.name)
        item.generated = item.code != item.name
        if item.code in seen_codes and (item.generated or not preview.names_are_codes):
            first = seen_codes[item.code]  # a name used twice (Moodle allows it): number the later ones
            item.code, item.generated = f"{item.code[:30]}-{item.number}", True
            item.warnings.append(f"名称与第 {first} 行的题目相同,编号改为“{item.code}”。")
        q.id = item.code
        errors: list[RowError] = []
        check_common(q, item.number, errors, seen_codes)
        item.type = item.type or q.type
        if errors:
            item.status = "fix"
            item.reasons = list(dict.fromkeys([*item.reasons, *(e.message for e in errors)]))
    return preview
