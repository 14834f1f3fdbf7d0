"""填空题: one blank ``____`` in the stem; the answer lists the accepted texts.

A response scores 1 when its normalised form equals an accepted one's (NFKC, lower case, no whitespace,
punctuation stripped from both ends: "五声。" = "五声", "Ａ" = "a").
"""

import re

from trainer.question_types.base import BLANK, MAX_TEXT, QuestionType, answered, gift_weighted, normalise_text

# Trainers mark a blank as （ ）, ( ) or a run of underscores; the platform writes ____ .
BLANK_MARKS = re.compile("[(\uff08]\\s*[)\uff09]|_{3,}")


def split_answers(text: str) -> list[str]:
    """Accepted fill-in answers: separated by | or ;(a comma may belong to an answer)."""
    return [part.strip() for part in re.split("[|\uff5c;\uff1b]", text) if part.strip()]


def normalise_blank(stem: str) -> str:
    """Use the platform's blank ``____`` if the stem marks exactly one blank another common way."""
    if BLANK in stem:
        return stem
    marks = BLANK_MARKS.findall(stem)
    return BLANK_MARKS.sub(BLANK, stem, count=1) if len(marks) == 1 else stem


class FillBlank(QuestionType):
    name, label, minutes = "fill_blank", "填空题", 1.0
    gift_inline = has_blank = True
    answer_hint = "可接受的答案,多个用 | 分隔,如 五声|五声服务;题干用 ____ 标出空。"

    def validate(self, reader, path, q) -> None:
        if q.stem.count(BLANK) != 1 or BLANK + "_" * 4 in q.stem:
            reader.fail((*path, "stem"), f"a fill_blank stem holds exactly one blank written '{BLANK}'")
        if q.options:
            reader.fail((*path, "options"), "a fill_blank question has no options")
        if not q.answer or not all(isinstance(a, str | int | float) and not isinstance(a, bool) and str(a).strip() for a in q.answer):
            reader.fail((*path, "answer"), f"a fill_blank answer lists the accepted texts, got {q.answer!r}")
        else:
            q.answer = [str(a).strip() for a in q.answer]

    def score(self, answer, response, option_count: int) -> float:
        if not answered(response):
            return 0.0
        given = normalise_text(response[0])
        return 1.0 if given and any(given == normalise_text(a) for a in answer) else 0.0

    def check(self, raw, option_count: int) -> list:
        if not isinstance(raw, list) or len(raw) > 1 or (raw and not isinstance(raw[0], str)):
            raise ValueError("a fill-in response is [text] or []")
        if raw and len(raw[0]) > MAX_TEXT:
            raise ValueError(f"a fill-in response is at most {MAX_TEXT} characters")
        return [raw[0].strip()] if raw and raw[0].strip() else []

    def from_form(self, form) -> list:
        return [form["text"]] if form.get("text", "").strip() else []

    def gift_answers(self, q, escape) -> list[str]:
        return ["=" + gift_weighted(escape(a), "100") for a in q.answer]

    def excel_answer(self, text: str, options: list[str]) -> tuple[list, str | None]:
        return split_answers(text), None

    def excel_text(self, q) -> str:
        return "|".join(str(a) for a in q.answer)

    def normalise_stem(self, stem: str) -> str:
        return normalise_blank(stem)

    def tally(self, counts, response: list) -> None:
        counts[normalise_text(response[0])] += 1

    def choice_labels(self, question, counts) -> list[tuple[str, int, bool]]:
        accepted = {normalise_text(a) for a in question.answer}
        return [(value, times, value in accepted) for value, times in counts.most_common(5)]


TYPE = FillBlank()
