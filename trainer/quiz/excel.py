"""Question banks as Excel workbooks, in the column layout Chinese trainers keep their 题库 in.

Sheet 1 (``题库``), one question per row, the header in row 1:

| 编号 | 题型 | 题干 | 选项A … 选项F | 答案 | 解析 | 出处 | 难度 | 标签 |

- 题型: 单选题 / 多选题 / 判断题 / 填空题 / 排序题 (单选, 单项选择题 … are accepted too).
- 答案: 单选 ``B``; 多选 ``ABD`` (or ``A,B,D``); 判断 ``对``/``错`` (正确/错误, √/×, T/F); 填空 the accepted
  answers separated by ``|`` (or ;); 排序 the letters in the right order, ``CBA``.
- 填空 stems mark the blank ``____`` (a single ``( )`` or ``___`` is turned into one).
- 难度: 1/2/3 or 易/中/难, empty = 1. 标签: separated by commas or 、. 编号 (optional) keeps a question's
  identity across imports; 解析 optional; 出处 required.
Columns may come in any order; 编号, 选项E/F, 解析, 难度, 标签 may be left out. Sheet 2 explains the columns.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from trainer.content.model import QuestionDef
from trainer.content.questions import QUESTION_TYPE_LABELS
from trainer.errors import ValidationFailed
from trainer.question_types import QUESTION_TYPES, type_named
from trainer.quiz.bankio import (
    DIFFICULTY_WORDS,
    LETTERS,
    MAX_QUESTIONS,
    ParsedBank,
    RowError,
    check_common,
    split_list,
)
from trainer.tabular import cells, iter_rows

OPTION_COLUMNS = [f"选项{letter}" for letter in LETTERS]
HEADER = ["编号", "题型", "题干", *OPTION_COLUMNS, "答案", "解析", "出处", "难度", "标签"]
REQUIRED = ["题型", "题干", "答案", "出处"]
HELP = [
    ("编号", "可选。题目的编号(字母、数字、-、_),再次导入时据此更新同一道题。"),
    ("题型", "单选题、多选题、判断题、填空题、排序题。"),
    ("题干", "题目。填空题用 ____ 标出空。"),
    ("选项A~F", "单选 2~6 项,多选和排序 3~6 项,从 A 开始连续填写。判断题、填空题不填。"),
    ("答案", "单选:B;多选:ABD;判断:对 或 错;填空:可接受的答案,用 | 分隔;排序:正确顺序的字母,如 CAB。"),
    ("解析", "可选。答错后显示的讲解。"),
    ("出处", "必填。依据的条款,如 000 §5.2.1、001 篇1 八.(一).6。"),
    ("难度", "1 易、2 中、3 难,不填为 1。"),
    ("标签", "可选。用逗号或顿号分隔。"),
]


def _answer(qtype: str, text: str, options: list[str], row: int, errors: list[RowError]) -> list:
    """The 答案 cell as the content format's answer; appends a Chinese error and returns [] when wrong."""
    if not text:
        errors.append(RowError(row, "缺少答案。"))
        return []
    answer, error = QUESTION_TYPES[qtype].excel_answer(text, options)
    if error:
        errors.append(RowError(row, error))
    return answer


def _options(values: dict, row: int, errors: list[RowError]) -> list[str]:
    options, gap = [], None
    for letter, column in zip(LETTERS, OPTION_COLUMNS, strict=True):
        text = values.get(column, "")
        if text and gap:
            errors.append(RowError(row, f"选项{gap}为空,但选项{letter}有内容:选项要从 A 开始连续填写。"))
            return options
        if text:
            options.append(text)
        elif gap is None:
            gap = letter
    return options


def parse_row(values: dict, row: int, errors: list[RowError], seen_codes: dict[str, int]) -> QuestionDef | None:
    before = len(errors)
    qtype = type_named(values.get("题型", ""))
    if qtype is None:
        errors.append(RowError(row, f"题型“{values.get('题型', '')}”无法识别(应为 单选题、多选题、判断题、填空题 或 排序题)。"))
        return None
    options = _options(values, row, errors)
    if QUESTION_TYPES[qtype].option_range is None and options:
        errors.append(RowError(row, f"{QUESTION_TYPE_LABELS[qtype]}不填选项。"))
    difficulty_text = values.get("难度", "") or "1"
    difficulty = DIFFICULTY_WORDS.get(difficulty_text)
    if difficulty is None:
        errors.append(RowError(row, f"难度“{difficulty_text}”应为 1、2、3 或 易、中、难。"))
    stem = values.get("题干", "")
    question = QuestionDef(
        id=values.get("编号", ""), type=qtype, stem=QUESTION_TYPES[qtype].normalise_stem(stem),
        options=options, answer=_answer(qtype, values.get("答案", ""), options, row, errors),
        explanation=values.get("解析", ""), source=values.get("出处", ""), difficulty=difficulty or 1,
        tags=split_list(values.get("标签", "")),
    )
    if len(errors) == before:  # the type's own rules only make sense on a row that parsed
        check_common(question, row, errors, seen_codes)
    return question if len(errors) == before else None


def read_workbook(data: bytes) -> ParsedBank:
    """Parse every row (at most MAX_QUESTIONS, reading stops there); all problems are collected, each
    with its Excel row number."""
    parsed = ParsedBank()
    rows = iter_rows("bank.xlsx", data, max_rows=MAX_QUESTIONS + 1, what="题库文件", sheet="题库",
                     too_many=f"一次最多导入 {MAX_QUESTIONS} 道题,请拆分后分批导入。")
    number = 1
    try:
        number, header = next(rows, (1, []))
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            parsed.errors.append(RowError(number, f"表头缺少列:{'、'.join(missing)}。第一行应为:{'、'.join(HEADER)}。"))
            return parsed
        seen_codes: dict[str, int] = {}
        for number, raw in rows:
            values = {name: v for name, v in zip(header, raw, strict=False) if name}
            if not any(values.values()):
                continue  # text only in columns without a header
            question = parse_row(values, number, parsed.errors, seen_codes)
            if question is not None:
                parsed.questions.append((number, question))
    except ValidationFailed as error:  # unreadable, or too many rows: reported like a row's problem
        # First, so the page leads with it (only the first problems are listed).
        parsed.errors.insert(0, RowError(number + 1 if number > 1 else 1, error.message))
        return parsed
    if not parsed.questions and not parsed.errors:
        parsed.errors.append(RowError(2, "文件中没有题目。"))
    return parsed


def write_workbook(title: str, questions: list[QuestionDef]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(cells(sheet, HEADER, font=Font(bold=True)))
    wrap = Alignment(wrap_text=True, vertical="top")
    for question in questions:
        options = question.options + [""] * (len(LETTERS) - len(question.options))
        sheet.append(cells(sheet, [
            question.id, QUESTION_TYPE_LABELS[question.type], question.stem, *options, QUESTION_TYPES[question.type].excel_text(question),
            question.explanation, question.source, question.difficulty, ",".join(question.tags),
        ], alignment=wrap))
    sheet.freeze_panes = "A2"
    widths = {"A": 14, "B": 8, "C": 48, "J": 10, "K": 40, "L": 18, "M": 6, "N": 14}
    for column in "DEFGHI":
        widths[column] = 16
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    guide = book.create_sheet("填写说明")
    for row in [("列", "说明"), ("题库", title), *HELP]:
        guide.append(cells(guide, row))
    guide.column_dimensions["A"].width = 12
    guide.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
