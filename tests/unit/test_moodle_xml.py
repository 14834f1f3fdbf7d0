"""Moodle XML (trainer/quiz/moodle_xml.py): every shipped bank → XML → ours is identical; a file laid out as Moodle
4 exports it is read question by question (可导入 / 需修改 / 不支持 with reasons); unsafe XML is refused."""

from collections import Counter
from pathlib import Path

import pytest

from trainer.content import load_content
from trainer.content.model import QuestionDef
from trainer.quiz.bankio import finish_preview
from trainer.quiz.moodle_xml import export_xml, preview_xml

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "fixtures" / "moodle" / "moodle_export_sample.xml"


def _fields(q: QuestionDef) -> tuple:
    return (q.id, q.type, q.stem, q.options, q.answer, q.explanation, q.source, q.difficulty, q.tags)


def test_every_shipped_bank_round_trips_through_moodle_xml():
    content, errors = load_content(REPO)
    assert errors == []
    for bank in content.banks.values():
        preview = finish_preview(preview_xml(export_xml(bank.title, bank.questions)))
        assert preview.errors == [] and preview.title == bank.title
        assert [(i.status, i.warnings) for i in preview.items] == [("ok", [])] * len(bank.questions), bank.id
        assert [_fields(i.question) for i in preview.items] == [_fields(q) for q in bank.questions], bank.id


def test_special_text_and_html_stems_round_trip():
    questions = [
        QuestionDef(id="x-1", type="single", stem="<b>不是标签</b> & ]]> {a} #1 ~ = : \\ C:\\Program Files\n第二行",
                    options=["->", "%50%半数", "a\tb"], answer=[1], explanation="解析 <i>", source="000 §5.2.1",
                    difficulty=3, tags=["a", "b"]),
        QuestionDef(id="x-2", type="single", stem="[html]<p>下列哪项是<strong>禁止</strong>的?</p>", options=["甲", "乙"],
                    answer=[0], explanation="", source="000 §5", difficulty=1, tags=[]),
        QuestionDef(id="x-3", type="multiple", stem="选两项", options=["a", "b", "c", "d", "e", "f"], answer=[0, 5],
                    explanation="", source="000 §5", difficulty=2, tags=[]),
        QuestionDef(id="x-4", type="fill_blank", stem="菜单路径是____。", options=[], answer=["文件->设置", "*"],
                    explanation="", source="000 §5", difficulty=1, tags=[]),
    ]
    preview = finish_preview(preview_xml(export_xml("特/殊", questions)))
    assert preview.title == "特/殊"
    assert [_fields(i.question) for i in preview.items[:3]] == [_fields(q) for q in questions[:3]]
    # A literal * in an accepted answer is Moodle's wildcard: reported when read back, never taken silently.
    assert preview.items[3].status == "fix" and "通配符" in preview.items[3].reasons[0]


def test_a_file_as_moodle_exports_it():
    preview = finish_preview(preview_xml(SAMPLE.read_bytes()), "000 §5")
    assert preview.errors == [] and preview.title == "营业厅服务"
    by_kind = Counter((i.file_type, i.status) for i in preview.items)
    assert by_kind == Counter({
        ("multichoice", "ok"): 3, ("multichoice", "fix"): 2, ("truefalse", "ok"): 1, ("shortanswer", "ok"): 1,
        ("shortanswer", "fix"): 1, ("numerical", "ok"): 1, ("matching", "ok"): 1,
        ("matching", "unsupported"): 1, ("ordering", "ok"): 1, ("essay", "unsupported"): 1,
        ("description", "unsupported"): 1, ("multianswer", "unsupported"): 1,
    })
    items = {i.number: i for i in preview.items}
    first = items[1]
    assert (first.code, first.question.type, first.question.options, first.question.answer) == (
        "phone-001", "single", ["3 声", "5 声", "7 声"], [0])
    assert first.question.explanation == "铃响 3 声内接听。\n答“3 声”:正确。\n答“5 声”:太慢了。"
    assert (first.question.source, first.question.difficulty, first.question.tags) == ("000 §5.2.1", 1, ["电话"])
    multiple = items[2].question
    assert (multiple.type, multiple.answer, items[2].generated) == ("multiple", [0, 1], True)
    assert "部分得分" in items[3].reasons[0]
    assert items[4].question.answer == [False] and "No one is buried" in items[4].question.explanation
    short = items[5]
    assert short.question.answer == ["four", "4"] and any("“*”未作为正确答案导入" in w for w in short.warnings)
    assert "部分分" in items[6].reasons[0]
    assert items[7].question.answer == [{"value": 1822, "tolerance": 0, "credit": 1}]  # numerical: 数值题
    matched = items[8].question
    assert (matched.type, matched.options, matched.answer, matched.tags) == (
        "ordering", ["报单位和工号", "拿起电话", "问候客户"], [1, 2, 0], ["操作顺序"])
    assert items[10].question.options == ["礼貌问候", "了解客户需求", "办理业务"] and items[10].warnings
    assert "@@PLUGINFILE@@" in items[14].reasons[0]
    assert items[15].question.stem == "[html]<p>下列哪项是<strong>禁止</strong>的服务用语？</p>"


@pytest.mark.parametrize(("data", "message"), [
    (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>', "无法读取该 XML 文件"),
    (b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "file:///etc/passwd"><quiz/>', "无法读取该 XML 文件"),
    (b"<quiz><question", "无法读取该 XML 文件"),
    (b"<html/>", "最外层应为 <quiz>"),
    (b"<quiz></quiz>", "文件中没有题目"),
])
def test_unsafe_or_wrong_files_are_refused(data, message):
    assert message in preview_xml(data).errors[0].message


def test_a_script_in_html_question_text_is_removed():
    data = SAMPLE.read_bytes().replace("<strong>禁止</strong>".encode(), b"<script>alert(1)</script><b onclick='x()'>x</b>")
    stem = finish_preview(preview_xml(data)).items[-1].question.stem
    assert "<script" not in stem and "onclick" not in stem and "<b>x</b>" in stem


@pytest.mark.parametrize("answer", [
    [{"value": 1822, "tolerance": 0, "credit": 1}, {"value": 1822, "tolerance": 2, "credit": 0.5}],
    [{"min": 3.141, "max": 3.142, "credit": 1}],
    [{"min": -5, "max": 5, "credit": 1}, {"value": 0.1, "tolerance": 0.05, "credit": 0.25}],
])
def test_numerical_questions_round_trip(answer):
    question = QuestionDef(id="n-1", type="numerical", stem="额定电压是多少伏?", options=[], answer=answer,
                           explanation="单相 220 伏。", source="000 §5.2.1", difficulty=2, tags=["电压"])
    data = export_xml("数值", [question])
    assert b'<question type="numerical">' in data and b"<tolerance>" in data
    item = finish_preview(preview_xml(data)).items[0]
    assert item.status == "ok" and _fields(item.question) == _fields(question)


def test_numerical_as_moodle_writes_it():
    data = """<quiz><question type="numerical"><name><text>Grant</text></name>
      <questiontext format="html"><text>When was Grant born?</text></questiontext>
      <answer fraction="100"><text>1822</text><tolerance>0</tolerance><feedback><text>Right</text></feedback></answer>
      <answer fraction="50"><text>1822</text><tolerance>2</tolerance><feedback><text>Close</text></feedback></answer>
      <answer fraction="0"><text>*</text><tolerance>0</tolerance><feedback><text>No</text></feedback></answer>
      <units><unit><multiplier>1</multiplier><unit_name>年</unit_name></unit></units>
    </question></quiz>""".encode()
    item = finish_preview(preview_xml(data), "000 §5").items[0]
    assert item.status == "ok" and item.question.answer == [
        {"value": 1822, "tolerance": 0, "credit": 1}, {"value": 1822, "tolerance": 2, "credit": 0.5}]
    assert item.question.explanation == "答“1822”:Right\n答“1822±2”:Close\n答其他数值时:No"
    assert any("单位" in w for w in item.warnings)
    half = data.replace(b'fraction="100"', b'fraction="40"')
    assert finish_preview(preview_xml(half), "000 §5").items[0].status == "fix"
