"""Chinese 题库 templates as they are (trainer/quiz/excel.py): header variants, instruction rows above the header,
难度 and 题型 words, 知识点/关键字 as tags, options G/H reported (never cut), columns we do not read named in a note,
and the real Magicodes template (404 单选题) read row by row."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from trainer.question_types import MODULES
from trainer.quiz.bankio import finish_preview
from trainer.quiz.excel import (
    HEADER,
    column_of,
    difficulty_of,
    preview_workbook,
    read_workbook,
    write_template,
)

INTEROP = Path("/work/shared/fixtures/interop/xlsx")


def _book(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _preview(data: bytes, source: str = ""):
    return finish_preview(preview_workbook(data), source)


@pytest.mark.parametrize(("header", "column"), [
    ("正确答案", "答案"), ("参考答案", "答案"), ("答案", "答案"), ("*题干", "题干"), ("题干(必填)", "题干"),
    ("A", "选项A"), ("选项H", "选项H"), ("ｂ", "选项B"), ("C选项", "选项C"), ("知识点", "知识点"), ("关键词", "关键字"),
    ("难易程度", "难度"), ("干扰列", None), ("选项是否支持乱序", None), ("序号", None),
])
def test_header_variants(header, column):
    assert column_of(header) == column


@pytest.mark.parametrize(("text", "level"), [
    ("", 1), ("1", 1), ("2", 2), ("3.0", 3), ("易", 1), ("中", 2), ("难", 3), ("低", 1), ("高", 3), ("简单", 1),
    ("一般", 2), ("困难", 3), ("中难度", 2), ("高难度", 3), ("低难度", 1), ("很难", None), ("4", None),
])
def test_difficulty_words(text, level):
    assert difficulty_of(text) == level


def test_a_template_with_instruction_rows_variants_and_extra_columns():
    data = _book(
        ["题库导入模板(请勿修改表头)"],
        ["说明:难度填 低/中/高"],
        ["序号", "*题干", "题目类型", "难度", "正确答案", "A", "B", "C", "D", "E", "F", "G", "H", "知识点", "关键字", "出处"],
        [1, "铃响几声内接听?", "单项选择题", "低难度", "a", "3声", "5声", "7声", None, None, None, None, None, "电话", "接听、电话", "000 §5.2.1"],
        [2, "八个选项", "单选题", "中", "A", *"一二三四五六七八", None, None, "000 §5.2.1"],
        [3, "接待时应?", "不定项选择题", "高", "AB", "起身", "示座", "打字", None, None, None, None, None, None, None, None],
        [4, "可以先做内部工作。", "是非题", "1", "错", *[None] * 8, None, None, "000 §5.1.5"],
        [5, "请论述服务规范。", "简答题", "2", "略", *[None] * 8, None, None, "000 §5"],
    )
    preview = _preview(data, source="000 §5.1.3")
    assert preview.errors == []
    assert "表头在第 3 行" in preview.notes[0]
    assert "“序号”" in preview.notes[-1]  # never ignored silently
    by_row = {item.number: item for item in preview.items}
    first = by_row[4]
    assert first.status == "ok" and first.question.type == "single" and first.question.answer == [0]
    assert first.question.difficulty == 1 and first.question.tags == ["电话", "接听"]
    eight = by_row[5]
    assert eight.status == "fix" and "选项G、H无法导入" in eight.reasons[0]  # reported, never cut
    batch = by_row[6]
    assert batch.status == "ok" and batch.question.source == "000 §5.1.3" and "已使用本批出处。" in batch.warnings
    assert batch.question.type == "multiple" and batch.question.difficulty == 3
    assert by_row[7].question.answer == [False]
    assert by_row[8].status == "unsupported" and "简答题" in by_row[8].reasons[0]


def test_duplicate_options_and_same_column_twice_are_reported_in_chinese():
    data = _book(HEADER, ["", "单选题", "重复", "曲轴", "气缸", "曲轴", "", "", "", "A", "", "000 §5", "", ""])
    reasons = _preview(data).items[0].reasons
    assert reasons == ["选项A与选项C相同(“曲轴”),选项不能重复。"]
    twice = _preview(_book(["题干", "题型", "答案", "正确答案"], ["x", "判断题", "对", "对"]))
    assert "“答案”和“正确答案”是同一列" in twice.errors[0].message and twice.items == []


def test_a_header_that_names_no_stem_is_refused():
    parsed = read_workbook(_book(["姓名", "工号"], ["张三", "1"]))
    assert "表头缺少列:题型、题干、答案" in str(parsed.errors[0])


def test_the_real_magicodes_template_as_it_is():
    """404 单选题 (dotnetcore/Magicodes.IE): 题干, 题型, 难度 低/中/高难度, 正确答案, A–H, 解析, 知识点, 关键字, no 出处."""
    data = (INTEROP / "magicodes_题库导入模板.xlsx").read_bytes()
    without_source = _preview(data)
    assert len(without_source.items) == 404 and any("没有“出处”列" in note for note in without_source.notes)
    preview = _preview(data, source="机械制图 §1")
    counts = preview.counts()
    assert counts == {"ok": 402, "fix": 2, "unsupported": 0}
    fixes = {item.number: item.reasons for item in preview.items if item.status == "fix"}
    assert fixes == {148: ["选项A与选项D相同(“曲轴”),选项不能重复。"],
                     175: ["选项B与选项C相同(“tanα=对边/斜边”),选项不能重复。"]}
    assert any("“干扰列”、“选项是否支持乱序”" in note for note in preview.notes)
    first = preview.items[0].question
    assert (first.stem, first.options, first.answer, first.difficulty, first.tags, first.explanation) == (
        "零件图的幅面是（ ）号图纸。", ["A0", "A1", "A3", "A4"], [3], 2, ["幅面"], "了解零件图的规格")
    levels = [item.question.difficulty for item in preview.items if item.question]
    assert (levels.count(1), levels.count(2), levels.count(3)) == (49, 196, 159)


def test_the_template_holds_one_valid_example_per_type_and_explains_every_column():
    data = write_template()
    preview = _preview(data)
    assert [item.status for item in preview.items] == ["ok"] * 6
    assert [item.question.type for item in preview.items] == list(MODULES)  # one per type, in the registry's order
    guide = [row[0] for row in load_workbook(io.BytesIO(data))["填写说明"].iter_rows(values_only=True)]
    for column in ["编号", "题型", "题干", "选项A~F", "答案", "解析", "出处", "难度", "标签", "用法"]:
        assert column in guide
