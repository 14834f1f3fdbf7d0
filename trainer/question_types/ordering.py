"""排序题: put 3–6 steps in order; the answer is the right order of the option indexes.

Exactly right scores 1; otherwise (L − 1) / (n − 1) with L the longest run of steps in the right relative
order (longest common subsequence): fully reversed scores 0, one step misplaced in 4 scores 2/3. A response
that is not a permutation of the steps scores 0.
"""

from trainer.question_types.base import QuestionType, answered, ints
from trainer.question_types.single import excel_letters


def _lcs_length(a, b) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


class Ordering(QuestionType):
    name, label, minutes = "ordering", "排序题", 1.5
    option_range, indexed, always_shuffle = (3, 6), True, True  # shown in order, the answer would be given away
    gift_marks_type = gift_matching = True  # GIFT writes it as matching to 1…n
    answer_hint = "按正确顺序写出全部选项的字母,如 CAB。"

    def validate(self, reader, path, q) -> None:
        if self._check_options(reader, path, q.options):
            answer = self._indexes(reader, path, q.answer, q.options)
            if answer is not None and sorted(answer) != list(range(len(q.options))):
                reader.fail((*path, "answer"), f"an ordering answer is a permutation of 0..{len(q.options) - 1}, got {answer!r}")

    def score(self, answer, response, option_count: int) -> float:
        if not answered(response) or sorted(response) != sorted(answer):
            return 0.0
        if list(response) == list(answer):
            return 1.0
        n = len(answer)
        if n < 2:
            return 0.0
        return round((_lcs_length(response, answer) - 1) / (n - 1), 6)

    def check(self, raw, option_count: int) -> list:
        cleaned = self._check_indexes(raw, option_count)
        if cleaned and len(cleaned) != option_count:
            raise ValueError("an ordering response lists every step once")
        return cleaned

    def from_form(self, form) -> list:
        return ints(form.getlist("step")) if all(form.getlist("step")) else []

    def complete(self, response: list) -> bool:
        return bool(response) and len(set(response)) == len(response)

    def gift_answers(self, q, escape) -> list[str]:
        place = {option: position for position, option in enumerate(q.answer, start=1)}
        return [f"={escape(o)} -> {place[i]}" for i, o in enumerate(q.options)]

    def excel_answer(self, text: str, options: list[str]) -> tuple[list, str | None]:
        indexes, error = excel_letters(text, options)
        if error is None and sorted(indexes) != list(range(len(options))):
            error = f"排序题的答案要把 {len(options)} 个选项的字母各写一次,而不是“{text}”。"
        return indexes, error

    def choice_labels(self, question, counts) -> list[tuple[str, int, bool]]:
        return [(" → ".join(question.options[i] for i in value), times, list(value) == question.answer)
                for value, times in counts.most_common(5)]


TYPE = Ordering()
