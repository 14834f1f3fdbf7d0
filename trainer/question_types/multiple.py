"""多选题: two or more right options out of 3–6; partial credit, and choosing everything gains nothing.

Each right option chosen earns 1/k (k right options), each wrong one costs 1/(n−k); floored at 0 (Moodle's
usual weights, which GIFT export writes out).
"""

from trainer.question_types.base import answered, ints
from trainer.question_types.single import Single, excel_letters


def _weight(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


class Multiple(Single):
    name, label, minutes = "multiple", "多选题", 1.5
    option_range = (3, 6)
    aliases = ("多项选择题", "多项选择", "不定项选择题")
    answer_hint = "全部正确选项的字母(至少两个),如 ABD。"

    def validate(self, reader, path, q) -> None:
        if self._check_options(reader, path, q.options):
            answer = self._indexes(reader, path, q.answer, q.options)
            if answer is not None and (len(answer) < 2 or len(set(answer)) != len(answer)):
                reader.fail((*path, "answer"), f"a multiple-choice question needs two or more distinct answers, got {answer!r}")

    def score(self, answer, response, option_count: int) -> float:
        if not answered(response):
            return 0.0
        right, chosen = set(answer), set(response)
        if chosen == right:
            return 1.0
        wrong_total = max(option_count - len(right), 1)
        credit = len(chosen & right) / len(right) - len(chosen - right) / wrong_total
        return max(0.0, round(credit, 6))

    def check(self, raw, option_count: int) -> list:
        return sorted(self._check_indexes(raw, option_count))

    def from_form(self, form) -> list:
        return ints(form.getlist("choice"))

    def to_original(self, response: list, order) -> list:
        return sorted(super().to_original(response, order))  # a set: stored sorted

    def to_shown(self, response: list, order) -> list:
        return sorted(super().to_shown(response, order))

    def gift_answers(self, q, escape) -> list[str]:
        right, wrong = 100 / len(q.answer), -100 / max(len(q.options) - len(q.answer), 1)
        return [f"~%{_weight(right if i in q.answer else wrong)}%{escape(o)}" for i, o in enumerate(q.options)]

    def excel_answer(self, text: str, options: list[str]) -> tuple[list, str | None]:
        indexes, error = excel_letters(text, options)
        if error is None and (len(set(indexes)) != len(indexes) or len(indexes) < 2):
            error = f"多选题至少有两个不同的答案,而不是“{text}”。"
        return sorted(set(indexes)), error


TYPE = Multiple()
