"""Adding a question type is one module plus one template: a throwaway 估算题 ("estimate", a number within a
tolerance; the real 数值题 is trainer/question_types/numerical.py) written the way a new file in
trainer/question_types/ would be, with its template, registered for this test only, then carried through
validation, scoring, response checks, the review form, Excel, GIFT, item analysis, drawing a paper and the attempt
page without touching any other module."""

import random
from collections import Counter
from pathlib import Path

import jinja2
import pytest
from werkzeug.datastructures import MultiDict

import trainer
from trainer.content.model import QuestionDef
from trainer.content.questions import QUESTION_TYPE_LABELS, QUESTION_VALIDATORS
from trainer.question_types import QUESTION_TYPES, QuestionType
from trainer.question_types.base import answered
from trainer.quiz import analysis, excel, gift, marking
from trainer.quiz.draw import Candidate, draw_practice
from trainer.quiz.question_text import question_text

# --- what trainer/question_types/estimate.py would hold -------------------------------------------------


class Estimate(QuestionType):
    """估算题: the answer is [value, tolerance]; a response [number] within the tolerance scores 1."""

    name, label, minutes = "estimate", "估算题", 1.0
    gift_inline = True

    def validate(self, reader, path, q) -> None:
        if q.options:
            reader.fail((*path, "options"), "an estimate question has no options")
        if len(q.answer) != 2 or not all(isinstance(a, int | float) for a in q.answer) or q.answer[1] < 0:
            reader.fail((*path, "answer"), f"an estimate answer is [value, tolerance], got {q.answer!r}")

    def score(self, answer, response, option_count: int) -> float:
        return 1.0 if answered(response) and abs(response[0] - answer[0]) <= answer[1] else 0.0

    def check(self, raw, option_count: int) -> list:
        if not isinstance(raw, list) or len(raw) > 1 or (raw and not isinstance(raw[0], int | float)):
            raise ValueError("an estimate response is [number] or []")
        return list(raw)

    def from_form(self, form) -> list:
        return [float(form["number"])] if form.get("number", "").strip() else []

    def gift_answers(self, q, escape) -> list[str]:
        return [f"#{q.answer[0]:g}:{q.answer[1]:g}"]

    def excel_answer(self, text: str, options: list[str]) -> tuple[list, str | None]:
        value, _, tolerance = text.partition("±")
        try:
            return [float(value), float(tolerance or 0)], None
        except ValueError:
            return [], f"估算题的答案应为数字,可写误差如 220±5,而不是“{text}”。"

    def excel_text(self, q) -> str:
        return f"{q.answer[0]:g}±{q.answer[1]:g}"

    def choice_labels(self, question, counts) -> list[tuple[str, int, bool]]:
        return [(f"{value[0]:g}", times, self.score(question.answer, list(value), 0) == 1.0)
                for value, times in counts.most_common(5)]


TEMPLATE = """{% macro attempt_input(item, name, response) %}
    <p><label>答案 <input type="number" step="any" name="{{ name }}" value="{{ response[0] if response else '' }}"
      {% if item.checked %}disabled{% endif %}></label></p>
{% endmacro %}
{% macro review_input(q, order) %}<p><label>答案 <input type="number" step="any" name="number"></label></p>{% endmacro %}
{% macro given(item, response, fb) %}<p>您的答案:{{ response[0] if response else '未作答' }}</p>{% endmacro %}
{% macro key(answer, options, letters=true) %}{{ '%g' % answer[0] }}(误差 ±{{ '%g' % answer[1] }}){% endmacro %}
"""
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def estimate(monkeypatch):
    kind = Estimate()
    monkeypatch.setitem(QUESTION_TYPES, kind.name, kind)
    return kind


def _question(**changes) -> QuestionDef:
    values = dict(id="n-1", type="estimate", stem="我国低压单相供电电压的额定值是多少伏?", options=[], answer=[220, 0],
                  explanation="", source="GB/T 12325 §4.3", difficulty=1, tags=[])
    return QuestionDef(**(values | changes))


class Problems:
    def __init__(self):
        self.found = []

    def fail(self, path, problem, where=None):
        self.found.append(problem)


def test_the_new_type_is_seen_by_validation_scoring_and_checks(estimate):
    assert QUESTION_TYPE_LABELS["estimate"] == "估算题"
    problems = Problems()
    QUESTION_VALIDATORS["estimate"](problems, (), _question(answer=["220"]))
    assert problems.found == ["an estimate answer is [value, tolerance], got ['220']"]
    assert marking.score("estimate", [220, 5], [223], 0) == 1.0
    assert marking.score("estimate", [220, 5], [226], 0) == 0.0
    assert marking.RESPONSE_CHECKERS["estimate"]([221.5], 0) == [221.5]
    with pytest.raises(ValueError):
        marking.RESPONSE_CHECKERS["estimate"](["221"], 0)
    assert estimate.from_form(MultiDict({"number": "219"})) == [219.0]
    assert marking.to_original("estimate", [219.0], []) == [219.0]


def test_the_new_type_travels_through_excel_and_gift(estimate):
    item = excel.row_item({"题型": "估算", "题干": "额定电压多少伏?", "答案": "220±5", "出处": "GB/T 12325 §4.3"}, 2)
    assert item.status == "ok" and item.question.type == "estimate" and item.question.answer == [220.0, 5.0]
    wrong = excel.row_item({"题型": "估算题", "题干": "额定电压?", "答案": "两百二", "出处": "x"}, 3)
    assert wrong.status == "fix" and wrong.reasons == ["估算题的答案应为数字,可写误差如 220±5,而不是“两百二”。"]
    assert excel.write_workbook("t", [_question(answer=[220, 5])])[:2] == b"PK"
    assert "{#220:5}" in gift.export_gift("t", [_question(answer=[220, 5])])


def test_the_new_type_in_item_analysis_and_on_a_paper(estimate):
    stats = analysis.analyse([[(7, "estimate", 1.0, 1.0, [220])], [(7, "estimate", 0.0, 1.0, [380])]])
    assert stats[7].counts == Counter({(220,): 1, (380,): 1})
    labels = analysis.choice_labels(_question(answer=[220, 0]), stats[7])
    assert sorted(labels) == [("220", 1, True), ("380", 1, False)]
    drawn = draw_practice([Candidate(1, "b", "single", 1, (), 3), Candidate(2, "b", "estimate", 1)], 2, random.Random(1))
    assert [item.type for item in drawn] == ["single", "estimate"] and drawn[1].option_order == []


def test_the_new_type_renders_from_its_own_template(estimate):
    templates = Path(trainer.__file__).parent / "templates"
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.DictLoader({estimate.template: TEMPLATE}), jinja2.FileSystemLoader(templates)]), autoescape=True)
    env.filters.update(citations=lambda value, **_: value, cite_prose=lambda value: value)  # the app's: trainer/web.py
    env.filters["question_text"] = question_text  # the app's: trainer/quiz/question_text.py
    item = {"question_id": 7, "type": "estimate", "type_label": "估算题", "position": 1, "points": 1, "stem": "额定电压?",
            "options": [], "response": [220], "checked": False, "answered_at": None}
    page = env.get_template("quiz/_question.html").render(item=item, attempt={"mode": "exam"})
    assert '<input type="number" step="any" name="q7" value="220"' in page
    feedback = env.get_template("quiz/_feedback.html").render(item=item | {"feedback": {
        "correct": True, "credit": 1.0, "answer": [220, 5], "explanation": "", "source": "x"}})
    assert "正确答案:220(误差 ±5)" in feedback


def test_every_registered_type_has_its_template():
    templates = Path(trainer.__file__).parent / "templates"
    for kind in QUESTION_TYPES.values():
        assert (templates / kind.template).is_file(), kind.name
