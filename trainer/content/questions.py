"""The five question types. One validator per type, kept in a registry (no if-chains)."""

from collections.abc import Callable

from trainer.content.model import QuestionDef
from trainer.content.reader import Reader

BLANK = "____"


def _check_options(reader: Reader, path, options: list[str], low: int, high: int) -> bool:
    if not low <= len(options) <= high:
        reader.fail((*path, "options"), f"needs {low}–{high} options, has {len(options)}")
        return False
    if len(set(options)) != len(options):
        reader.fail((*path, "options"), "options must be distinct")
    return True


def _indexes(reader: Reader, path, answer: list, options: list[str]) -> list[int] | None:
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in answer):
        reader.fail((*path, "answer"), f"answer must be option indexes (0-based integers), got {answer!r}")
        return None
    bad = [a for a in answer if not 0 <= a < len(options)]
    if bad:
        reader.fail((*path, "answer"), f"index {bad[0]} is out of range for {len(options)} options")
        return None
    return answer


def _single(reader, path, q: QuestionDef) -> None:
    if _check_options(reader, path, q.options, 2, 6):
        answer = _indexes(reader, path, q.answer, q.options)
        if answer is not None and len(answer) != 1:
            reader.fail((*path, "answer"), f"a single-choice question has exactly one answer, got {answer!r}")


def _multiple(reader, path, q: QuestionDef) -> None:
    if _check_options(reader, path, q.options, 3, 6):
        answer = _indexes(reader, path, q.answer, q.options)
        if answer is not None and (len(answer) < 2 or len(set(answer)) != len(answer)):
            reader.fail((*path, "answer"), f"a multiple-choice question needs two or more distinct answers, got {answer!r}")


def _true_false(reader, path, q: QuestionDef) -> None:
    if q.options:
        reader.fail((*path, "options"), "a true_false question has no options")
    if len(q.answer) != 1 or not isinstance(q.answer[0], bool):
        reader.fail((*path, "answer"), f"a true_false answer is [true] or [false], got {q.answer!r}")


def _fill_blank(reader, path, q: QuestionDef) -> None:
    if q.stem.count(BLANK) != 1 or BLANK + "_" * 4 in q.stem:
        reader.fail((*path, "stem"), f"a fill_blank stem holds exactly one blank written '{BLANK}'")
    if q.options:
        reader.fail((*path, "options"), "a fill_blank question has no options")
    if not q.answer or not all(isinstance(a, str | int | float) and not isinstance(a, bool) and str(a).strip() for a in q.answer):
        reader.fail((*path, "answer"), f"a fill_blank answer lists the accepted texts, got {q.answer!r}")
    else:
        q.answer = [str(a).strip() for a in q.answer]


def _ordering(reader, path, q: QuestionDef) -> None:
    if _check_options(reader, path, q.options, 3, 6):
        answer = _indexes(reader, path, q.answer, q.options)
        if answer is not None and sorted(answer) != list(range(len(q.options))):
            reader.fail((*path, "answer"), f"an ordering answer is a permutation of 0..{len(q.options) - 1}, got {answer!r}")


QUESTION_VALIDATORS: dict[str, Callable] = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "fill_blank": _fill_blank,
    "ordering": _ordering,
}

QUESTION_TYPE_LABELS = {
    "single": "单选题",
    "multiple": "多选题",
    "true_false": "判断题",
    "fill_blank": "填空题",
    "ordering": "排序题",
}
