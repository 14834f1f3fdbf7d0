"""Question banks in Excel and GIFT: every shipped bank survives export → parse unchanged, and bad
rows are reported by row (trainer/quiz/excel.py, trainer/quiz/gift.py)."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from trainer.content import load_content
from trainer.content.model import QuestionDef
from trainer.quiz.excel import HEADER, read_workbook, write_workbook
from trainer.quiz.gift import escape, export_gift, parse_gift, unescape

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped_banks():
    content, errors = load_content(REPO)
    assert errors == []
    return content.banks


def _fields(q: QuestionDef) -> tuple:
    return (q.id, q.type, q.stem, q.options, q.answer, q.explanation, q.source, q.difficulty, q.tags)


def test_every_shipped_bank_round_trips_through_excel(shipped_banks):
    for bank in shipped_banks.values():
        parsed = read_workbook(write_workbook(bank.title, bank.questions))
        assert parsed.errors == [], bank.id
        assert [_fields(q) for _row, q in parsed.questions] == [_fields(q) for q in bank.questions], bank.id


def test_every_shipped_bank_round_trips_through_gift(shipped_banks):
    for bank in shipped_banks.values():
        parsed = parse_gift(export_gift(bank.title, bank.questions))
        assert parsed.errors == [], (bank.id, [str(e) for e in parsed.errors])
        assert [_fields(q) for _row, q in parsed.questions] == [_fields(q) for q in bank.questions], bank.id


def _sheet(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(**values):
    base = dict.fromkeys(HEADER, None)
    base.update(values)
    return [base[h] for h in HEADER]


def test_excel_accepts_the_ways_trainers_write_answers():
    data = _sheet([
        _row(题型="单选", 题干="铃响几声内接听?", 选项A="3声", 选项B="5声", 选项C="7声", 答案="b", 出处="000 §5.2.1", 难度="易"),
        _row(题型="多项选择题", 题干="接待时应?", 选项A="起身", 选项B="示座", 选项C="打字", 答案="A、B", 出处="000 §5.1.3", 难度=2),
        _row(题型="判断题", 题干="可以先做内部工作。", 答案="×", 出处="000 §5.1.5", 难度="难"),
        _row(题型="填空题", 题干="电话铃响( )声内接听。", 答案=5, 出处="000 §5.2.1", 标签="电话、接听"),
        _row(题型="排序题", 题干="接电话顺序?", 选项A="报单位", 选项B="问候", 选项C="接起", 答案="CBA", 出处="000 §5.2.1"),
    ])
    parsed = read_workbook(data)
    assert parsed.errors == []
    questions = [q for _row_number, q in parsed.questions]
    assert [q.type for q in questions] == ["single", "multiple", "true_false", "fill_blank", "ordering"]
    assert questions[0].answer == [1] and questions[0].difficulty == 1
    assert questions[1].answer == [0, 1] and questions[1].difficulty == 2
    assert questions[2].answer == [False] and questions[2].difficulty == 3
    assert questions[3].stem == "电话铃响____声内接听。" and questions[3].answer == ["5"] and questions[3].tags == ["电话", "接听"]
    assert questions[4].answer == [2, 1, 0]
    assert [row for row, _q in parsed.questions] == [2, 3, 4, 5, 6]


def test_excel_reports_every_bad_row_by_number():
    data = _sheet([
        _row(题型="单选题", 题干="好题", 选项A="a", 选项B="b", 答案="A", 出处="000 §5.1"),
        _row(题型="问答题", 题干="?", 答案="x", 出处="000 §5.1"),
        _row(题型="单选题", 题干="答案越界", 选项A="a", 选项B="b", 答案="D", 出处="000 §5.1"),
        _row(题型="多选题", 题干="只有一个答案", 选项A="a", 选项B="b", 选项C="c", 答案="A", 出处="000 §5.1"),
        _row(题型="判断题", 题干="判断", 答案="也许", 出处="000 §5.1"),
        _row(题型="单选题", 题干="选项有空", 选项A="a", 选项C="c", 答案="A", 出处="000 §5.1"),
        _row(题型="填空题", 题干="没有空", 答案="x", 出处="000 §5.1"),
        _row(题型="单选题", 题干="没有出处", 选项A="a", 选项B="b", 答案="A"),
        _row(编号="dup", 题型="判断题", 题干="一", 答案="对", 出处="000 §5.1"),
        _row(编号="dup", 题型="判断题", 题干="二", 答案="对", 出处="000 §5.1"),
        _row(题型="排序题", 题干="排序", 选项A="a", 选项B="b", 选项C="c", 答案="AB", 出处="000 §5.1"),
        _row(题型="单选题", 题干="难度", 选项A="a", 选项B="b", 答案="A", 出处="000 §5.1", 难度="很难"),
    ])
    parsed = read_workbook(data)
    rows = {e.row for e in parsed.errors}
    assert rows == set(range(3, 14)) - {10}, [str(e) for e in parsed.errors]  # row 10 is the first "dup": fine
    messages = "\n".join(str(e) for e in parsed.errors)
    for expected in ["第 3 行:本平台没有“问答题”这类需要人工评分的题型", "第 4 行:答案“D”应为选项字母 A–B", "多选题至少有两个不同的答案",
                     "“对”或“错”", "选项B为空,但选项C有内容", "填空题的题干要有且只有一个空", "缺少出处",
                     "与第 10 行重复", "排序题的答案要把 3 个选项的字母各写一次", "难度“很难”"]:
        assert expected in messages
    assert not parsed.ok


def test_excel_header_and_file_problems():
    assert "表头缺少列:答案。" in str(read_workbook(_sheet([], header=["题型", "题干"])).errors[0])
    assert "无法读取该文件" in str(read_workbook(b"not a workbook").errors[0])
    assert "没有题目" in str(read_workbook(_sheet([])).errors[0])


def test_gift_escapes_round_trip():
    for text in ["a~b=c#d{e}f:g\\h", "两行\n文字", "普通"]:
        assert unescape(escape(text)) == text


def test_gift_reads_moodle_style_questions():
    text = """// 出处: 000 §5.2.1 | 难度: 2 | 标签: 电话
::q1:: 铃响几声内接听? {=5声 ~3声 ~7声 ####五声以内。}

// 出处: 000 §5.1.3
接待客户时应? {
~%50%起身相迎
~%50%微笑示座
~%-100%继续打字
}

// 出处: 000 §5.1.5
可以先处理内部工作。{F}

// 出处: 000 §5.2.1
电话铃响{=5 =五}声内接听。

// 出处: 000 §5.2.1
接听顺序? {=报出单位 -> 3 =问候 -> 2 =接起电话 -> 1}
"""
    parsed = parse_gift(text)
    assert parsed.errors == []
    q = [q for _line, q in parsed.questions]
    assert (q[0].id, q[0].type, q[0].answer, q[0].explanation, q[0].difficulty, q[0].tags) == (
        "q1", "single", [0], "五声以内。", 2, ["电话"])
    assert q[0].stem == "铃响几声内接听?"
    assert (q[1].type, q[1].answer) == ("multiple", [0, 1])
    assert (q[2].type, q[2].answer) == ("true_false", [False])
    assert (q[3].type, q[3].stem, q[3].answer) == ("fill_blank", "电话铃响____声内接听。", ["5", "五"])
    assert (q[4].type, q[4].options, q[4].answer) == ("ordering", ["报出单位", "问候", "接起电话"], [2, 1, 0])


def test_gift_refuses_what_it_does_not_support_with_line_numbers():
    text = """// 出处: 000 §5.1
数值题 {#五}

// 出处: 000 §5.1
问答题 {}

// 出处: 000 §5.1
配对题 {=猫 -> 动物 =玫瑰 -> 植物 =铁 -> 金属}

没有出处 {T}

// 出处: 000 §5.1
只有说明文字
"""
    parsed = parse_gift(text)
    messages = [str(e) for e in parsed.errors]
    assert messages[0].startswith("第 2 行:数值题的答案“五”不是数字")
    assert messages[1].startswith("第 5 行:问答题需要人工评分")
    assert messages[2].startswith("第 8 行:配对题本平台不支持")
    assert messages[3].startswith("第 10 行:缺少出处")
    assert messages[4].startswith("第 13 行:说明文字")
    assert parsed.questions == []
