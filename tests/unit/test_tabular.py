"""The shared spreadsheet reader stops at its limits, and the shared writer never writes a live formula."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from trainer import tabular
from trainer.content.model import QuestionDef
from trainer.errors import ValidationFailed
from trainer.quiz.bankio import MAX_QUESTIONS
from trainer.quiz.excel import read_workbook, write_workbook
from trainer.quiz.gift import parse_gift

ROWS = 100_000


def xlsx(rows, title="Sheet") -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def big_sheet() -> bytes:
    """Like the probe's 31 KB sign-in sheet: 100k rows of the same few values."""
    data = xlsx([["用户名"], *([f"user{i % 10}"] for i in range(ROWS))])
    assert len(data) < 600_000
    return data


@pytest.fixture(autouse=True)
def rows_pulled(monkeypatch):
    """How many rows the reader pulled from the file: the proof that it stops at the limit (the time that
    saves is measured by benchmarks/upload_limits.py, not asserted here)."""
    pulled = {"rows": 0}
    real = tabular._rows

    def counting(*args, **kwargs):
        for row in real(*args, **kwargs):
            pulled["rows"] += 1
            yield row

    monkeypatch.setattr(tabular, "_rows", counting)
    return pulled


def quickly(call):
    with pytest.raises(ValidationFailed) as info:
        call()
    return info.value


def test_a_100k_row_workbook_is_refused_at_the_limit(big_sheet, rows_pulled):
    error = quickly(lambda: tabular.read_rows("a.xlsx", big_sheet, max_rows=2000, what="签到表"))
    assert isinstance(error, tabular.TooManyRows) and error.message == "签到表超过 2000 行,请拆分后分批上传。"
    assert rows_pulled["rows"] <= 2001


def test_a_100k_row_csv_is_refused_at_the_limit():
    data = ("用户名\n" + "\n".join(f"user{i}" for i in range(ROWS))).encode()
    error = quickly(lambda: tabular.read_rows("a.csv", data, max_rows=5001, too_many="一次最多导入 5000 行。"))
    assert error.message == "一次最多导入 5000 行。"



def test_rows_within_the_limit_are_read_with_their_numbers():
    data = xlsx([["工号", "姓名"], [], [12.0, " 张三 "], [None, None], ["E2", "李四"]])
    assert list(tabular.iter_rows("a.xlsx", data, max_rows=3)) == [(1, ["工号", "姓名"]), (3, ["12", "张三"]), (5, ["E2", "李四"])]


def test_a_sheet_declaring_a_million_empty_rows_stops_early():
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "用户名"
    sheet["A1048576"] = "x"  # a few bytes on disk; openpyxl yields every empty row in between
    out = io.BytesIO()
    book.save(out)
    error = quickly(lambda: tabular.read_rows("a.xlsx", out.getvalue(), max_rows=100))
    assert "空行" in error.message


@pytest.mark.parametrize(("part", "size"), [("xl/worksheets/sheet1.xml", tabular.MAX_UNPACKED_BYTES + 1),
                                              ("xl/sharedStrings.xml", tabular.MAX_PART_BYTES + 1)])
def test_a_workbook_that_inflates_hugely_is_refused_before_parsing(part, size):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(part, b"\0" * size)
    assert len(out.getvalue()) < 200_000
    error = quickly(lambda: tabular.read_rows("a.xlsx", out.getvalue(), max_rows=10))
    assert "解压后过大" in error.message


def test_a_100k_row_workbook_of_distinct_texts_is_refused_at_the_limit_too():
    data = xlsx([[f"第{i}行"] for i in range(ROWS)])
    assert isinstance(quickly(lambda: tabular.read_rows("a.xlsx", data, max_rows=2000)), tabular.TooManyRows)


def test_a_100k_row_bank_workbook_stops_at_the_question_limit():
    data = xlsx([["题型", "题干", "答案", "出处"], *(["单选题", f"题{i % 10}", "Z", ""] for i in range(ROWS))], title="题库")
    parsed = read_workbook(data)
    assert not parsed.ok and f"一次最多导入 {MAX_QUESTIONS} 道题" in str(parsed.errors[0])
    assert len(parsed.errors) <= 2 * MAX_QUESTIONS + 1  # the rows read, not the 100k in the file


def test_a_100k_question_gift_file_stops_at_the_question_limit():
    text = "\n\n".join(f"题{i} {{=对 ~错}}" for i in range(ROWS))
    parsed = parse_gift(text)
    assert f"一次最多导入 {MAX_QUESTIONS} 道题" in str(parsed.errors[0]) and len(parsed.errors) <= MAX_QUESTIONS + 1


def test_pages_list_the_first_problems_and_count_the_rest():
    shown, hidden = tabular.first_problems(list(range(130)))
    assert shown == list(range(tabular.MAX_ERRORS_SHOWN)) and hidden == 130 - tabular.MAX_ERRORS_SHOWN
    assert tabular.first_problems([1, 2]) == ([1, 2], 0)


FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]


def test_excel_cells_hold_formula_like_text_as_text():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(tabular.cells(sheet, [*FORMULAS, 5, None, "bad\x01char"]))
    out = io.BytesIO()
    book.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.data_type for c in row[:5]] == ["s"] * 5 and [c.value for c in row[:5]] == FORMULAS
    assert row[5].value == 5 and row[7].value == "badchar"


def test_csv_values_starting_like_a_formula_are_defused():
    rows = list(csv.reader(io.StringIO(tabular.csv_bytes(["名"], [[f] for f in FORMULAS] + [[3]]).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS] + ["3"]


def test_bank_export_writes_formula_like_text_as_text_and_reads_it_back():
    question = QuestionDef(id="q1", type="single", stem='=HYPERLINK("http://evil.example","点我")', options=["=1+1", "-B"],
                           answer=[0], explanation="@x", source="000 §5.1", difficulty=1, tags=[])
    data = write_workbook("=题库", [question])
    sheet = load_workbook(io.BytesIO(data))["题库"]
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str))
    assert load_workbook(io.BytesIO(data))["填写说明"]["B2"].data_type == "s"
    parsed = read_workbook(data)
    assert parsed.ok and parsed.questions[0][1] == question
