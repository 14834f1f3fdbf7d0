"""单选题: one right option out of 2–6."""

import unicodedata

from trainer.question_types.base import LETTERS, QuestionType, answered, gift_weighted, ints


class Single(QuestionType):
    name, label, minutes = "single", "单选题", 1.0
    option_range, indexed = (2, 6), True
    aliases = ("单项选择题", "单项选择")
    answer_hint = "正确选项的字母,如 B。"

    def validate(self, reader, path, q) -> None:
        if self._check_options(reader, path, q.options):
            answer = self._indexes(reader, path, q.answer, q.options)
            if answer is not None and len(answer) != 1:
                reader.fail((*path, "answer"), f"a single-choice question has exactly one answer, got {answer!r}")

    def score(self, answer, response, option_count: int) -> float:
        return 1.0 if answered(response) and list(response) == list(answer) else 0.0

    def check(self, raw, option_count: int) -> list:
        cleaned = self._check_indexes(raw, option_count)
        if len(cleaned) > 1:
            raise ValueError("a single-choice response holds one index")
        return cleaned

    def from_form(self, form) -> list:
        return ints(form.getlist("choice")[:1])

    def gift_answers(self, q, escape) -> list[str]:
        return ["=" + escape(o) if i in q.answer else "~" + gift_weighted(escape(o), "0") for i, o in enumerate(q.options)]

    def excel_answer(self, text: str, options: list[str]) -> tuple[list, str | None]:
        indexes, error = excel_letters(text, options)
        if error is None and len(indexes) != 1:
            error = f"单选题只有一个答案,而不是“{text}”。"
        return indexes, error

    def tally(self, counts, response: list) -> None:
        counts.update(response)

    def choice_labels(self, question, counts) -> list[tuple[str, int, bool]]:
        return [(f"{LETTERS[i]}. {text}", counts.get(i, 0), i in question.answer) for i, text in enumerate(question.options)]


def excel_letters(text: str, options: list[str]) -> tuple[list[int], str | None]:
    """Option letters (A, B…; full-width and lower case too) → indexes, or a Chinese error."""
    letters = [c for c in unicodedata.normalize("NFKC", text).upper() if c.isalpha()]
    bad = [c for c in letters if c not in LETTERS[: len(options)]]
    if bad or not letters or any(not c.isascii() for c in letters):
        return [], f"答案“{text}”应为选项字母 A–{LETTERS[max(len(options), 1) - 1]}。"
    return [LETTERS.index(c) for c in letters], None


TYPE = Single()
