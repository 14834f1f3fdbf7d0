"""Bank files on the trainer pages (issue 15): the Excel import template, Moodle XML export and import, and a
Chinese 题库 template with instruction rows and header variants imported as it is."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from tests.quiz_support import import_through_page
from trainer.extensions import db
from trainer.quiz.models import QuestionBank


@pytest.fixture
def as_trainer(auth, people, content):
    auth.login("trainer_east")
    return people["trainer_east"]


def _upload(client, data: bytes, name: str, title: str):
    return import_through_page(client, data, name, title=title)


def _bank(title: str) -> QuestionBank:
    return db.session.scalar(select(QuestionBank).where(QuestionBank.title == title))


def test_the_template_is_linked_and_downloads_with_an_example_per_type(client, as_trainer):
    assert "/banks/template.xlsx" in client.get("/banks/import").get_data(as_text=True)
    assert "/banks/template.xlsx" in client.get("/banks").get_data(as_text=True)
    response = client.get("/banks/template.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response.content_type
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["题库", "填写说明"]
    types = [row[1] for row in book["题库"].iter_rows(min_row=2, values_only=True)]
    assert types == ["单选题", "多选题", "判断题", "填空题", "数值题", "排序题"]
    assert _upload(client, response.data, "模板.xlsx", "模板题库").status_code == 302  # the examples import as they are
    assert len(_bank("模板题库").questions) == 6


def test_moodle_xml_export_imports_back_unchanged(client, as_trainer):
    listing = client.get("/banks").get_data(as_text=True)
    assert "/banks/demo-bank/export.xml" in listing
    exported = client.get("/banks/demo-bank/export.xml")
    assert exported.status_code == 200 and exported.content_type.startswith("application/xml")
    assert b'<question type="multichoice">' in exported.data and b"<idnumber>demo-001</idnumber>" in exported.data
    assert "accept=\".xlsx,.gift,.txt,.xml\"" in client.get("/banks/import").get_data(as_text=True)
    assert _upload(client, exported.data, "demo.moodle.xml", "来自 Moodle").status_code == 302
    copy, shipped = _bank("来自 Moodle"), db.session.scalar(select(QuestionBank).where(QuestionBank.key == "demo-bank"))
    fields = lambda bank: [(q.type, q.stem, q.options, q.answer, q.explanation, q.source, q.difficulty, q.tags)  # noqa: E731
                           for q in bank.questions]
    assert fields(copy) == fields(shipped)
    again = client.get(f"/banks/{copy.key}/export.xml").data
    assert again.split(b"</category>", 1)[1].split(b"</info>", 1)[1] == exported.data.split(b"</category>", 1)[1].split(b"</info>", 1)[1]


def test_an_xml_file_that_is_not_a_bank_is_refused_in_chinese(client, as_trainer):
    response = _upload(client, b"<html><body>hi</body></html>", "page.xml", "坏")
    assert response.status_code == 400 and "最外层应为 &lt;quiz&gt;" in response.get_data(as_text=True)
    assert _bank("坏") is None


def test_a_chinese_template_with_instruction_rows_imports_as_it_is(client, as_trainer):
    book = Workbook()
    sheet = book.active
    for row in [["题库导入模板:请勿修改表头"],
                ["序号", "*题干", "题型", "难度", "正确答案", "A", "B", "C", "D", "E", "F", "G", "H", "解析", "知识点", "关键字", "出处"],
                [1, "电话铃响几声内接听?", "单项选择题", "低难度", "A", "3声", "5声", "7声", None, None, None, None, None,
                 "3 声内。", "电话", "接听", "000 §5.2.1"],
                [2, "接待时应?", "多项选择题", "高", "AB", "起身", "示座", "打字", None, None, None, None, None, None, "接待", None,
                 "000 §5.1.3"]]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    assert _upload(client, out.getvalue(), "模板.xlsx", "常见模板").status_code == 302
    first, second = _bank("常见模板").questions
    assert (first.type, first.difficulty, first.tags, first.explanation) == ("single", 1, ["电话", "接听"], "3 声内。")
    assert (second.type, second.answer, second.difficulty) == ("multiple", [0, 1], 3)
