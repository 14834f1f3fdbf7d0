"""数值题 (trainer/question_types/numerical.py): reading a typed number, scoring by Moodle's rules (first matching
entry, tolerance and ranges inclusive, partial credit), content validation, Excel and GIFT both ways — including
Moodle's own numerical examples from the interop files."""

from pathlib import Path

import pytest

from trainer.content.model import QuestionDef
from trainer.content.questions import QUESTION_VALIDATORS
from trainer.question_types import QUESTION_TYPES, type_named
from trainer.question_types.numerical import entry_text, parse_entry, parse_number
from trainer.quiz import excel, marking
from trainer.quiz.bankio import finish_preview
from trainer.quiz.gift import export_gift, preview_gift

NUMERICAL = QUESTION_TYPES["numerical"]
INTEROP = Path(__file__).parents[1] / "fixtures" / "interop" / "gift"
GRANT = [{"value": 1822, "tolerance": 0, "credit": 1}, {"value": 1822, "tolerance": 2, "credit": 0.5}]


def _question(answer, **changes) -> QuestionDef:
    values = dict(id="n-1", type="numerical", stem="我国居民用电的额定电压是多少伏?", options=[], answer=answer,
                  explanation="", source="GB/T 12325 §4.3", difficulty=1, tags=[])
    return QuestionDef(**(values | changes))


def _read(text: str):
    return finish_preview(preview_gift(text), "Moodle").items


@pytest.mark.parametrize(("typed", "number"), [
    ("220", 220.0), (" -5 ", -5.0), ("３．１４", 3.14), ("3。14", 3.14), ("−2", -2.0), ("1,822", 1822.0),
    ("12,345.6", 12345.6), ("3,14", 3.14), ("1e3", 1000.0), (".5", 0.5), ("＋7", 7.0),
    ("abc", None), ("1,2,3", None), ("inf", None), ("nan", None), ("1_000", None), ("", None), ("220V", None),
    (True, None), (7, 7.0),
])
def test_a_typed_number_is_read_sensibly(typed, number):
    assert parse_number(typed) == number


def test_scoring_follows_moodle():
    assert marking.score("numerical", [{"value": 220, "tolerance": 5, "credit": 1}], ["225"], 0) == 1.0
    assert marking.score("numerical", [{"value": 220, "tolerance": 5, "credit": 1}], ["225.01"], 0) == 0.0
    assert marking.score("numerical", [{"min": 3.141, "max": 3.142, "credit": 1}], ["3.1415"], 0) == 1.0
    assert marking.score("numerical", [{"min": 3.141, "max": 3.142, "credit": 1}], ["3.143"], 0) == 0.0
    assert marking.score("numerical", [{"value": 0.3, "tolerance": 0, "credit": 1}], [0.1 + 0.2], 0) == 1.0  # rounding
    assert marking.score("numerical", GRANT, ["1822"], 0) == 1.0
    assert marking.score("numerical", GRANT, ["１８２３"], 0) == 0.5
    assert marking.score("numerical", GRANT, ["1825"], 0) == 0.0
    assert marking.score("numerical", GRANT, ["一八二二"], 0) == 0.0  # not a number: wrong, as in Moodle
    assert marking.score("numerical", GRANT, [], 0) == 0.0
    first_wins = [{"min": 0, "max": 10, "credit": 0.5}, {"value": 5, "tolerance": 0, "credit": 1}]
    assert marking.score("numerical", first_wins, ["5"], 0) == 0.5  # Moodle's get_matching_answer: first match


def test_responses_are_kept_as_typed():
    check = marking.RESPONSE_CHECKERS["numerical"]
    assert check(["  3。14 "], 0) == ["3。14"] and check([220], 0) == [220] and check([""], 0) == [] and check([], 0) == []
    for bad in ([True], [None], ["1" * 41], [1, 2], "220", [float("inf")]):
        with pytest.raises(ValueError):
            check(bad, 0)


class Problems:
    def __init__(self):
        self.found = []

    def fail(self, path, problem, where=None):
        self.found.append(problem)


def test_content_validation_normalises_and_refuses():
    q = _question([{"value": 220.0, "tolerance": 5}, {"min": 200, "max": 240, "credit": 0.5}])
    problems = Problems()
    QUESTION_VALIDATORS["numerical"](problems, (), q)
    assert problems.found == []
    assert q.answer == [{"value": 220, "tolerance": 5, "credit": 1}, {"min": 200, "max": 240, "credit": 0.5}]
    for answer, problem in [
        ([220], "entry 1: an entry is a mapping"),
        ([{"value": "220"}], "entry 1: value must be a number"),
        ([{"value": 220, "tolerance": -1}], "entry 1: tolerance must not be negative"),
        ([{"min": 5, "max": 1}], "entry 1: min 5 is greater than max 1"),
        ([{"value": 1, "max": 2}], "entry 1: use either value (and tolerance) or min and max"),
        ([{"value": 1, "credit": 0}], "entry 1: credit must be more than 0"),
        ([{"value": 1, "credit": 0.5}], "a numerical answer needs at least one entry with full credit"),
        ([], "a numerical answer lists accepted entries"),
    ]:
        problems = Problems()
        QUESTION_VALIDATORS["numerical"](problems, (), _question(answer))
        assert problems.found and problems.found[0].startswith(problem), (answer, problems.found)
    problems = Problems()
    QUESTION_VALIDATORS["numerical"](problems, (), _question([{"value": 1}], options=["a", "b"]))
    assert problems.found == ["a numerical question has no options"]


def test_excel_answers_both_ways():
    assert type_named("数值题") == type_named("数值") == "numerical"
    assert parse_entry("215~225") == ({"min": 215, "max": 225, "credit": 1}, None)
    assert parse_entry("-5..-1") == ({"min": -5, "max": -1, "credit": 1}, None)
    assert parse_entry("5..1")[1] == "范围“5..1”的下限大于上限。"
    item = excel.row_item({"题型": "数值题", "题干": "格兰特哪年出生?", "答案": "1822 | 1822±2(50%)", "出处": "x"}, 2)
    assert item.status == "ok" and item.question.answer == GRANT
    assert NUMERICAL.excel_text(item.question) == "1822 | 1822±2(50%)"
    wrong = excel.row_item({"题型": "数值题", "题干": "额定电压?", "答案": "两百二", "出处": "x"}, 3)
    assert wrong.status == "fix" and wrong.reasons == ["数值题的答案“两百二”应为数字,可写误差或范围,如 220±5 或 215..225。"]
    partial = excel.row_item({"题型": "数值题", "题干": "额定电压?", "答案": "220±5(50%)", "出处": "x"}, 4)
    assert partial.status == "fix" and "得满分" in partial.reasons[0]


def test_moodle_examples_are_read_as_moodle_reads_them():
    items = {i.number: i for i in _read((INTEROP / "moodle_examples.txt").read_text(encoding="utf-8"))}
    expected = {
        70: [{"value": 1822, "tolerance": 0, "credit": 1}],  # {#1822}
        72: [{"value": 3.1415, "tolerance": 0.0005, "credit": 1}],  # {#3.1415:0.0005}
        74: [{"min": 3.141, "max": 3.142, "credit": 1}],  # {#3.141..3.142}
        76: GRANT,  # {# =1822:0 =%50%1822:2}
        85: [{"value": 4, "tolerance": 0, "credit": 1}],  # {#4}
    }
    for line, answer in expected.items():
        assert (items[line].status, items[line].type, items[line].question.answer) == ("ok", "numerical", answer)
    assert items[72].question.stem == "What is the value of pi (to 3 decimal places)? ____."  # missing word
    feedback = {i.name: i for i in _read((INTEROP / "moodle_giftformat_test_import_snippets.gift.txt").read_text(encoding="utf-8"))}
    q5 = feedback["Q5"].question  # {#3:2~#Completely wrong}
    assert q5.answer == [{"value": 3, "tolerance": 2, "credit": 1}] and q5.explanation == "答其他数值时:Completely wrong"
    grant = next(i for i in _read((INTEROP / "moodle_examples.txt").read_text(encoding="utf-8")) if i.name == "Numerical example")
    assert grant.question.answer == GRANT and "答“1822±2”:He was born in 1822." in grant.question.explanation


def test_gift_weights_feedback_and_what_needs_fixing():
    zero = _read("How many? {#=%0%5:0#Too few =9#Right}")[0]
    assert zero.status == "ok" and zero.question.answer == [{"value": 9, "tolerance": 0, "credit": 1}]
    assert any("0%" in w and "“5”" in w for w in zero.warnings) and "答“5”:Too few" in zero.question.explanation
    swapped = _read("Range? {#5..1}")[0]
    assert swapped.question.answer == [{"min": 1, "max": 5, "credit": 1}] and any("写反" in w for w in swapped.warnings)
    assert _read("Number? {#abc}")[0].status == "fix"
    assert "得满分" in _read("Number? {#=%50%3:1}")[0].reasons[0]
    assert _read("Number? {#}")[0].status == "fix"


@pytest.mark.parametrize("answer", [
    [{"value": 220, "tolerance": 5, "credit": 1}],
    [{"value": -3.142, "tolerance": 0.001, "credit": 1}],
    [{"min": -5, "max": 5, "credit": 1}],
    GRANT,
    [{"value": 1e-05, "tolerance": 0, "credit": 1}, {"min": 0, "max": 0.001, "credit": 0.25}],
])
def test_gift_export_reads_back_identical(answer):
    q = _question(answer, explanation="单相 220 伏 {见} #1: 额定值")
    text = export_gift("t", [q])
    assert "{#" in text
    back = _read(text)[0]
    assert back.status == "ok", back.reasons
    assert (back.question.answer, back.question.stem, back.question.explanation) == (answer, q.stem, q.explanation)


def test_written_forms():
    assert NUMERICAL.gift_answers(_question([{"value": 220, "tolerance": 5, "credit": 1}]), str) == ["#220:5"]
    assert NUMERICAL.gift_answers(_question(GRANT), str) == ["#=1822", "=%50%1822:2"]
    assert entry_text({"min": 215, "max": 225, "credit": 0.5}) == "215..225(50%)"


def test_a_content_file_holds_numerical_questions(tmp_path):
    from trainer.content.loader import parse_bank

    (tmp_path / "question_banks").mkdir()
    path = tmp_path / "question_banks" / "numbers.yaml"
    path.write_text("""id: numbers
title: 数值
questions:
  - id: num-1
    type: numerical
    stem: 格兰特哪年出生?
    answer: [{value: 1822}, {value: 1822, tolerance: 2, credit: 0.5}]
    explanation: 1822 年。
    source: "000 §5.2.1"
    difficulty: 1
  - id: num-2
    type: numerical
    stem: 额定电压?
    answer: [{min: 230, max: 210}]
    explanation: 单相 220 伏。
    source: "000 §5.2.1"
    difficulty: 1
""", encoding="utf-8")
    errors = []
    bank = parse_bank(path, tmp_path, errors)
    assert bank.questions[0].answer == GRANT
    assert len(errors) == 1 and str(errors[0]).endswith("answer: entry 1: min 230 is greater than max 210"), errors
