"""Shared pieces of the question-bank file formats (Excel, GIFT): parsed rows, row errors, and the
Chinese labels trainers use. Pure: no Flask, no database.

A parsed question is a ``QuestionDef`` (trainer/content/model.py) whose ``id`` is the row's 编号
(may be empty: the importer then matches by stem or numbers it).
"""

import re
from dataclasses import dataclass, field

from trainer.content.model import QuestionDef
from trainer.content.questions import BLANK, QUESTION_VALIDATORS
from trainer.question_types import LETTERS, QUESTION_TYPES  # noqa: F401  (LETTERS: the formats read it from here)

MAX_QUESTIONS = 2000
CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")

DIFFICULTY_WORDS = {"1": 1, "2": 2, "3": 3, "易": 1, "容易": 1, "简单": 1, "中": 2, "中等": 2, "一般": 2,
                    "难": 3, "较难": 3, "困难": 3}


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


def check_common(question: QuestionDef, row: int, errors: list[RowError], seen_codes: dict[str, int]) -> None:
    """Checks every format shares: 编号 unique and well formed, stem, source; then the type's own rules."""
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
        errors.append(RowError(row, "缺少出处:每道题都要注明依据的条款,例如“000 §5.2.1”。"))
    if QUESTION_TYPES[question.type].has_blank and question.stem.count(BLANK) != 1:
        errors.append(RowError(row, "填空题的题干要有且只有一个空,写作 ____(或 ( ))。"))
    for problem in final_check(question) if question.type in QUESTION_VALIDATORS else []:
        errors.append(RowError(row, f"题目不符合格式要求:{problem}"))


def split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split("[,\uff0c\u3001;\uff1b]", text) if part.strip()]
