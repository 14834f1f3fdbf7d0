"""Question banks as Excel workbooks, in the column layouts Chinese trainers keep their 题库 in.

Sheet ``题库`` (else the first sheet), one question per row under a header row:

| 编号 | 题型 | 题干 | 选项A … 选项F | 答案 | 解析 | 出处 | 难度 | 标签 |

What other Chinese 题库 templates write is read as it is (``HEADER_ALIASES``):

- the header may sit below a few instruction rows (the first row naming 题干 and 答案 or 题型 is the header);
  headers may carry marks such as ``*题干`` or ``题干(必填)``; columns may come in any order;
- 答案 / 正确答案 / 参考答案 / 标准答案; options ``选项A``…``选项H`` or ``A``…``H`` (a question with more
  options than its type allows is reported, never cut);
- 题型: 单选题 / 多选题 / 判断题 / 填空题 / 排序题 and the usual variants (单项选择题, 不定项选择题, 是非题 …);
- 答案: 单选 ``B``; 多选 ``ABD`` (or ``A,B,D``); 判断 ``对``/``错`` (正确/错误, √/×, T/F); 填空 the accepted
  answers separated by ``|`` (or ;); 排序 the letters in the right order, ``CBA``; 数值 ``220±5``, ``215..225``,
  ``1822 | 1822±2(50%)`` (trainer/question_types/numerical.py);
- 难度: 1/2/3, 易/中/难, 低/中/高, 简单/一般/困难 (``中难度`` too); empty = 1;
- 标签, 知识点 and 关键字 all become tags (comma, 、 or ; separated);
- 编号 (optional) keeps a question's identity across imports; 解析 optional; 出处 required unless the import
  gives one for the whole file.

A column the platform has no place for (a 序号, 选项是否支持乱序 …) is named in ``ParsedBank.notes``, never
ignored silently. The downloadable template (:func:`write_template`) has one example row per type and a 说明 sheet.
"""

import io
import re
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from trainer.content.model import QuestionDef
from trainer.content.questions import QUESTION_TYPE_LABELS
from trainer.errors import ValidationFailed
from trainer.question_types import QUESTION_TYPES, type_named
from trainer.quiz.bankio import (
    DIFFICULTY_WORDS,
    LETTERS,
    MAX_QUESTIONS,
    BankPreview,
    ParsedBank,
    PreviewItem,
    RowError,
    finish_preview,
    option_problems,
    split_list,
)
from trainer.tabular import cells, iter_rows

READ_LETTERS = "ABCDEFGH"  # option columns Chinese templates offer; all are read so that none is dropped
OPTION_COLUMNS = [f"选项{letter}" for letter in LETTERS]
HEADER = ["编号", "题型", "题干", *OPTION_COLUMNS, "答案", "解析", "出处", "难度", "标签"]
REQUIRED = ["题型", "题干", "答案"]
TAG_COLUMNS = ("标签", "知识点", "关键字")
HEADER_ALIASES = {  # our column → the other names templates give it (compared without spaces and marks)
    "编号": ("题目编号", "试题编号", "题号", "ID"),
    "题型": ("题目类型", "试题类型", "类型"),
    "题干": ("题目", "试题", "题目内容", "试题内容", "题目名称", "问题"),
    "答案": ("正确答案", "参考答案", "标准答案"),
    "解析": ("答案解析", "试题解析", "解释"),
    "出处": ("依据", "条款", "来源"),
    "难度": ("难易程度", "难度等级", "难易度"),
    "标签": (),
    "知识点": ("考点",),
    "关键字": ("关键词",),
}
_COLUMN_OF = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in (column, *aliases)}
_OPTION_HEADER = re.compile(r"^(?:选项)?([A-H])(?:选项|项)?$")
_MARKS = re.compile(r"[((\[【][^))\]】]*[))\]】]|[*※]")
HEADER_SEARCH_ROWS = 10  # instruction rows a template may put above its header
# 题型 of other systems this platform has no type for: such a row is 不支持, not 需修改.
UNSUPPORTED_TYPES = ("简答题", "问答题", "论述题", "计算题", "案例分析题", "案例题", "名词解释", "主观题", "作文题",
                     "综合题", "材料题", "组合题")
HELP = [
    ("编号", "可选。题目的编号(字母、数字、-、_、.),再次导入时据此更新同一道题;不填则自动编号。"),
    ("题型", "单选题、多选题、判断题、填空题、数值题、排序题(也可写 单项选择题、多项选择题、不定项选择题、是非题 等)。"),
    ("题干", "题目。填空题用 ____ 标出唯一的空(写成 ( ) 或 ___ 也可以)。"),
    ("选项A~F", "单选 2~6 项,多选和排序 3~6 项,从 A 开始连续填写,选项不能重复。判断题、填空题不填。"
                "列名也可写 A~F;若文件有选项G、H 且已填写,该题会提示需修改,不会被悄悄删掉。"),
    ("答案", "单选:B;多选:ABD;判断:对 或 错;填空:可接受的答案,用 | 分隔;排序:正确顺序的字母,如 CAB;"
           "数值:220、220±5(误差)或 215..225(范围),几个答案用 | 分隔,部分得分写在括号里,如 1822 | 1822±2(50%)。"
           "列名也可写 正确答案、参考答案。"),
    ("解析", "可选。答错后显示的讲解。"),
    ("出处", "依据的条款,如 000 §5.2.1、001 篇1 八.(一).6。每道题都要有出处;若整份文件依据同一出处,"
           "可以不填此列,在导入页面填写“统一出处”。"),
    ("难度", "1 易、2 中、3 难;也可写 易/中/难、低/中/高、简单/一般/困难。不填为 1。"),
    ("标签", "可选。用逗号或顿号分隔。列名为 知识点、关键字 的列也作为标签导入。"),
]
EXAMPLES = [  # the template's rows: one per type
    QuestionDef(id="demo-1", type="single", stem="客户来电,电话铃响几声内应接听?", options=["3 声", "5 声", "7 声"],
                answer=[0], explanation="铃响 3 声内接听。", source="000 §5.2.1", difficulty=1, tags=["电话", "接听"]),
    QuestionDef(id="demo-2", type="multiple", stem="客户到营业厅时,柜台人员应当?", options=["起身相迎", "示意客户就座", "继续打字"],
                answer=[0, 1], explanation="", source="000 §5.1.3", difficulty=2, tags=[]),
    QuestionDef(id="demo-3", type="true_false", stem="客户等候时可以先处理内部工作。", options=[], answer=[False],
                explanation="", source="000 §5.1.5", difficulty=2, tags=[]),
    QuestionDef(id="demo-4", type="fill_blank", stem="供电服务热线是____。", options=[], answer=["95598", "９５５９８"],
                explanation="", source="000 §5.2.1", difficulty=1, tags=[]),
    QuestionDef(id="demo-6", type="numerical", stem="居民生活用电的额定电压是多少伏?", options=[],
                answer=[{"value": 220, "tolerance": 0, "credit": 1}, {"min": 210, "max": 230, "credit": 0.5}],
                explanation="单相 220 伏。", source="000 §5.2.1", difficulty=1, tags=[]),
    QuestionDef(id="demo-5", type="ordering", stem="接听电话的顺序是?", options=["报单位和工号", "问候客户", "拿起电话"],
                answer=[2, 1, 0], explanation="", source="000 §5.2.1", difficulty=3, tags=[]),
]
USAGE = ("用法", "在“题库”表中每行填写一道题(示例行可删去或改写),然后在“题库 › 导入”页面上传。第一行必须是表头,"
                 "列的顺序不限;表头之上可以有几行说明。导入前会逐题检查:可导入、需修改(附原因)或不支持。")


def column_of(header: str) -> str | None:
    """A header cell → our column name (``选项C`` for ``C`` or ``C选项``), or None for a column we do not read."""
    text = _MARKS.sub("", unicodedata.normalize("NFKC", header).replace(" ", "")).strip()
    if match := _OPTION_HEADER.match(text.upper()):
        return f"选项{match.group(1)}"
    return _COLUMN_OF.get(text.upper() if text.isascii() else text)


def difficulty_of(text: str) -> int | None:
    """1–3 from 1/2/3, 易/中/难, 低/中/高, 简单/一般/困难, 中难度 …; empty is 1; None when not understood."""
    word = unicodedata.normalize("NFKC", text).replace(" ", "")
    if not word:
        return 1
    word = word.removesuffix("难度").removesuffix("级") or word
    if re.fullmatch(r"[123]\.0", word):
        word = word[0]
    return DIFFICULTY_WORDS.get(word)


def _options(values: dict, reasons: list[str]) -> list[str]:
    options, gap = [], None
    for letter in READ_LETTERS:
        text = values.get(f"选项{letter}", "")
        if text and gap:
            reasons.append(f"选项{gap}为空,但选项{letter}有内容:选项要从 A 开始连续填写。")
            return options
        if text:
            options.append(text)
        elif gap is None:
            gap = letter
    return options


def _tags(values: dict) -> list[str]:
    return list(dict.fromkeys(tag for column in TAG_COLUMNS for tag in split_list(values.get(column, ""))))


def row_item(values: dict, number: int) -> PreviewItem:
    """One row (our column → cell text) as a preview item: ``question`` built when the row parsed, else ``fix``
    (or ``unsupported`` for a 题型 this platform has none of) with Chinese reasons. The checks every format
    shares (出处, 编号, options, the type's rules) run later, in :func:`finish_preview`."""
    type_cell = values.get("题型", "")
    item = PreviewItem(number, name=values.get("编号", ""), file_type=type_cell)
    qtype = type_named(type_cell)
    if qtype is None:
        if type_cell.replace(" ", "") in UNSUPPORTED_TYPES:
            item.status, item.reasons = "unsupported", [f"本平台没有“{type_cell}”这类需要人工评分的题型。"]
        else:
            names = "、".join(kind.label for kind in QUESTION_TYPES.values())
            item.status, item.reasons = "fix", [f"题型“{type_cell}”无法识别(应为 {names})。"]
        return item
    reasons: list[str] = []
    options = _options(values, reasons)
    difficulty = difficulty_of(values.get("难度", ""))
    if difficulty is None:
        reasons.append(f"难度“{values['难度']}”应为 1、2、3,易、中、难,低、中、高 或 简单、一般、困难。")
    answer_text = values.get("答案", "")
    answer, error = QUESTION_TYPES[qtype].excel_answer(answer_text, options) if answer_text else ([], "缺少答案。")
    if error:
        reasons.append(error)
    item.type = qtype
    if reasons:  # the shared checks only make sense on a row that parsed; the option rules help fix it now
        item.status, item.reasons = "fix", [*reasons, *option_problems(qtype, options)]
        return item
    item.question = QuestionDef(
        id=item.name, type=qtype, stem=QUESTION_TYPES[qtype].normalise_stem(values.get("题干", "")),
        options=options, answer=answer, explanation=values.get("解析", ""), source=values.get("出处", ""),
        difficulty=difficulty, tags=_tags(values),
    )
    return item


def _header(rows, parsed: BankPreview) -> tuple[int, list[str], dict[int, str]] | None:
    """Find the header row among the first rows: (its number, its cells, cell position → our column).
    Reports a header it cannot use and returns None."""
    first = None
    for _ in range(HEADER_SEARCH_ROWS):
        number, raw = next(rows, (None, None))
        if number is None:
            break
        first = first or (number, raw)
        columns = {i: column for i, text in enumerate(raw) if text and (column := column_of(text))}
        if "题干" in columns.values() and {"答案", "题型"} & set(columns.values()):
            if number != first[0]:
                parsed.notes.append(f"表头在第 {number} 行,其上的第 {first[0]}–{number - 1} 行作为说明跳过。")
            return _check_header(number, raw, columns, parsed)
    if first is None:
        return None
    found = {column_of(text) for text in first[1] if text}
    missing = [name for name in REQUIRED if name not in found]
    parsed.errors.append(RowError(first[0], f"表头缺少列:{'、'.join(missing)}。表头应为:{'、'.join(HEADER)}。"))
    return None


def _check_header(number: int, raw: list[str], columns: dict[int, str], parsed: BankPreview):
    named: dict[str, str] = {}
    for i, column in columns.items():
        if column in named:
            parsed.errors.append(RowError(number, f"表头中“{named[column]}”和“{raw[i]}”是同一列({column}),请只保留一列。"))
        named[column] = raw[i]
    missing = [name for name in REQUIRED if name not in named]
    if missing:
        parsed.errors.append(RowError(number, f"表头缺少列:{'、'.join(missing)}。表头应为:{'、'.join(HEADER)}。"))
    return None if parsed.errors else (number, raw, columns)


def _unread_note(raw: list[str], unread: set[int]) -> str:
    names = [f"“{raw[i]}”" if i < len(raw) and raw[i] else f"第 {get_column_letter(i + 1)} 列(无表头)" for i in sorted(unread)]
    return f"以下列没有对应的题目字段,其内容未导入:{'、'.join(names)}。"


def preview_workbook(data: bytes) -> BankPreview:
    """Every question row of the workbook as a preview item (at most MAX_QUESTIONS: reading stops there with a
    file-level error), numbered by Excel row; unfinished (see :func:`finish_preview`)."""
    preview = BankPreview()
    rows = iter_rows("bank.xlsx", data, max_rows=MAX_QUESTIONS + 1, what="题库文件", sheet="题库",
                     too_many=f"一次最多导入 {MAX_QUESTIONS} 道题,请拆分后分批导入。")
    number = 1
    try:
        header = _header(rows, preview)
        if header is None:
            if not preview.errors:
                preview.errors.append(RowError(1, "文件中没有题目。"))
            return preview
        number, header_cells, columns = header
        if "出处" not in columns.values():
            preview.notes.append("表中没有“出处”列:请在导入时填写本批出处,用于没有出处的题目。")
        unread: set[int] = set()
        for number, raw in rows:
            values = {columns[i]: v for i, v in enumerate(raw) if i in columns}
            unread.update(i for i, v in enumerate(raw) if v and i not in columns)
            if any(values.values()):  # a row with text only in columns we do not read: named in the note below
                preview.items.append(row_item(values, number))
        if unread:
            preview.notes.append(_unread_note(header_cells, unread))
    except ValidationFailed as error:  # unreadable, or too many rows: nothing can be imported
        preview.errors.insert(0, RowError(number + 1 if number > 1 else 1, error.message))
        return preview
    if not preview.items:
        preview.errors.append(RowError(number + 1, "文件中没有题目。"))
    return preview


def read_workbook(data: bytes) -> ParsedBank:
    """All-or-nothing view: the rows that import, and every problem by Excel row (no batch 出处)."""
    return finish_preview(preview_workbook(data)).to_parsed()


def write_workbook(title: str, questions: list[QuestionDef], *, guide: tuple[tuple[str, str], ...] = ()) -> bytes:
    """The bank as a workbook: sheet 题库 in ``HEADER`` order (cells as text), sheet 填写说明 explaining each column."""
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
    sheet_guide = book.create_sheet("填写说明")
    for row in [("列", "说明"), ("题库", title), *guide, *HELP]:
        sheet_guide.append(cells(sheet_guide, row, alignment=wrap))
    sheet_guide.column_dimensions["A"].width = 12
    sheet_guide.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_template() -> bytes:
    """The downloadable import template: one example question per type, and how to fill in every column."""
    return write_workbook("题库导入模板", EXAMPLES, guide=(USAGE,))
