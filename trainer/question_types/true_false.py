"""判断题: a statement that is right or wrong; the answer is ``[true]`` or ``[false]``."""

from trainer.question_types.base import QuestionType, answered

TRUE_WORDS = {"对", "正确", "√", "✓", "是", "t", "true", "y", "yes"}
FALSE_WORDS = {"错", "错误", "×", "✗", "否", "f", "false", "n", "no"}


def parse_true_false(text: str) -> bool | None:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


class TrueFalse(QuestionType):
    name, label, minutes = "true_false", "判断题", 0.5
    gift_inline = True
    aliases = ("是非题", "对错题", "正误题")
    answer_hint = "对 或 错。"

    def validate(self, reader, path, q) -> None:
        if q.options:
            reader.fail((*path, "options"), "a true_false question has no options")
        if len(q.answer) != 1 or not isinstance(q.answer[0], bool):
            reader.fail((*path, "answer"), f"a true_false answer is [true] or [false], got {q.answer!r}")

    def score(self, answer, response, option_count: int) -> float:
        return 1.0 if answered(response) and response[0] is answer[0] else 0.0

    def check(self, raw, option_count: int) -> list:
        if not isinstance(raw, list) or len(raw) > 1 or (raw and not isinstance(raw[0], bool)):
            raise ValueError("a true/false response is [true], [false] or []")
        return list(raw)

    def from_form(self, form) -> list:
        return [form["tf"] == "true"] if form.get("tf") in ("true", "false") else []

    def gift_answers(self, q, escape) -> list[str]:
        return ["TRUE" if q.answer[0] else "FALSE"]

    def excel_answer(self, text: str, options: list[str]) -> tuple[list, str | None]:
        value = parse_true_false(text)
        if value is None:
            return [], f"判断题的答案应为“对”或“错”,而不是“{text}”。"
        return [value], None

    def excel_text(self, q) -> str:
        return "对" if q.answer[0] else "错"

    def tally(self, counts, response: list) -> None:
        counts.update(response)

    def choice_labels(self, question, counts) -> list[tuple[str, int, bool]]:
        answer = question.answer
        return [("对", counts.get(True, 0), answer[0] is True), ("错", counts.get(False, 0), answer[0] is False)]


TYPE = TrueFalse()
