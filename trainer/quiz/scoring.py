"""Scoring of the five question types. Pure: no Flask, no database.

A *response* is what the trainee gave, in the same terms as the question's ``answer`` (see
docs/content-format.md): option indexes into the question's own ``options`` (not the shuffled order
shown), ``[true]``/``[false]``, or ``[text]``. ``None`` or ``[]`` means "not answered" and scores 0.
Every scorer returns a *credit* in [0, 1]; an exam multiplies it by the item's points.

Rules (also in docs/quiz.md):

- **single**, **true_false**: 1 if the response equals the answer, else 0.
- **multiple** (k right options out of n): each right option chosen earns 1/k, each wrong option chosen
  costs 1/(n−k); the sum is floored at 0. Exactly the right set scores 1; choosing every option scores 0,
  so guessing "all of them" gains nothing (Moodle's usual weights, which GIFT export writes out).
- **fill_blank**: 1 if the normalised response equals one normalised accepted answer, else 0.
  Normalising: NFKC (full-width letters, digits and punctuation become half-width), lower case,
  all whitespace removed, and punctuation stripped from both ends ("五声。" = "五声", "Ａ" = "a").
- **ordering** (n steps): 1 if the order is exactly right; otherwise partial credit by the longest run of
  steps that are in the right relative order (longest common subsequence L of response and answer):
  (L − 1) / (n − 1). A fully reversed order scores 0; one step misplaced in 4 scores 2/3.
  A response that is not a permutation of the steps scores 0.
"""

import unicodedata
from collections.abc import Callable, Sequence

# Punctuation stripped from the ends of fill-in answers, after NFKC (so full-width forms are already ASCII).
_EDGE_PUNCTUATION = " \t\r\n.,;:!?'\"()[]{}<>-_~`|/\\。,、;:!?“”‘’()【】《》〈〉「」『』…—·"


def normalise_text(text: str) -> str:
    """The comparison form of a fill-in answer: NFKC, lower case, no whitespace, no edge punctuation."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    folded = "".join(folded.split())
    return folded.strip(_EDGE_PUNCTUATION)


def _answered(response) -> bool:
    return isinstance(response, list | tuple) and len(response) > 0


def score_single(answer: Sequence, response, option_count: int) -> float:
    return 1.0 if _answered(response) and list(response) == list(answer) else 0.0


def score_true_false(answer: Sequence, response, option_count: int) -> float:
    return 1.0 if _answered(response) and response[0] is answer[0] else 0.0


def score_multiple(answer: Sequence, response, option_count: int) -> float:
    if not _answered(response):
        return 0.0
    right = set(answer)
    chosen = set(response)
    if chosen == right:
        return 1.0
    wrong_total = max(option_count - len(right), 1)
    credit = len(chosen & right) / len(right) - len(chosen - right) / wrong_total
    return max(0.0, round(credit, 6))


def score_fill_blank(answer: Sequence, response, option_count: int) -> float:
    if not _answered(response):
        return 0.0
    given = normalise_text(response[0])
    return 1.0 if given and any(given == normalise_text(a) for a in answer) else 0.0


def _lcs_length(a: Sequence, b: Sequence) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def score_ordering(answer: Sequence, response, option_count: int) -> float:
    if not _answered(response) or sorted(response) != sorted(answer):
        return 0.0
    if list(response) == list(answer):
        return 1.0
    n = len(answer)
    if n < 2:
        return 0.0
    return round((_lcs_length(response, answer) - 1) / (n - 1), 6)


SCORERS: dict[str, Callable[[Sequence, object, int], float]] = {
    "single": score_single,
    "multiple": score_multiple,
    "true_false": score_true_false,
    "fill_blank": score_fill_blank,
    "ordering": score_ordering,
}


def score(qtype: str, answer: Sequence, response, option_count: int) -> float:
    """Credit in [0, 1] for one response; unknown types raise KeyError (content validation forbids them)."""
    return SCORERS[qtype](answer, response, option_count)


def totals(earned: float, total: float, pass_percent: float) -> dict:
    """An attempt's points, maximum, percent (one decimal) and pass, from the earned and possible points."""
    return {
        "points": round(earned, 4), "max_points": total, "percent": round(100 * earned / total, 1) if total else 0.0,
        "passed": total > 0 and 100 * earned >= pass_percent * total - 1e-9,
    }


# --- Shapes of a response as sent by a client, checked before anything is stored -------------------------
# Each checker takes the raw JSON value and the number of options, and returns the cleaned response
# or raises ValueError with an English reason. ``[]`` (cleared answer) is always allowed.

MAX_TEXT = 200


def _indexes(raw, option_count: int) -> list[int]:
    if not isinstance(raw, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        raise ValueError("response must be a list of option indexes")
    if any(not 0 <= i < option_count for i in raw):
        raise ValueError(f"option index out of range 0..{option_count - 1}")
    if len(set(raw)) != len(raw):
        raise ValueError("option indexes must be distinct")
    return list(raw)


def _check_single(raw, option_count: int) -> list:
    cleaned = _indexes(raw, option_count)
    if len(cleaned) > 1:
        raise ValueError("a single-choice response holds one index")
    return cleaned


def _check_multiple(raw, option_count: int) -> list:
    return sorted(_indexes(raw, option_count))


def _check_true_false(raw, option_count: int) -> list:
    if not isinstance(raw, list) or len(raw) > 1 or (raw and not isinstance(raw[0], bool)):
        raise ValueError("a true/false response is [true], [false] or []")
    return list(raw)


def _check_fill_blank(raw, option_count: int) -> list:
    if not isinstance(raw, list) or len(raw) > 1 or (raw and not isinstance(raw[0], str)):
        raise ValueError("a fill-in response is [text] or []")
    if raw and len(raw[0]) > MAX_TEXT:
        raise ValueError(f"a fill-in response is at most {MAX_TEXT} characters")
    return [raw[0].strip()] if raw and raw[0].strip() else []


def _check_ordering(raw, option_count: int) -> list:
    cleaned = _indexes(raw, option_count)
    if cleaned and len(cleaned) != option_count:
        raise ValueError("an ordering response lists every step once")
    return cleaned


RESPONSE_CHECKERS: dict[str, Callable[[object, int], list]] = {
    "single": _check_single,
    "multiple": _check_multiple,
    "true_false": _check_true_false,
    "fill_blank": _check_fill_blank,
    "ordering": _check_ordering,
}

# Types whose response is made of option indexes (shown shuffled, so they are mapped back and forth).
INDEXED_TYPES = frozenset({"single", "multiple", "ordering"})


def to_original(qtype: str, response: list, order: Sequence[int]) -> list:
    """Map a response given in shown positions to the question's own option indexes.

    ``order[shown_position] = original_index``. Multiple-choice sets are returned sorted.
    """
    if qtype not in INDEXED_TYPES:
        return list(response)
    mapped = [order[i] for i in response]
    return sorted(mapped) if qtype == "multiple" else mapped


def to_shown(qtype: str, response: list | None, order: Sequence[int]) -> list | None:
    """The inverse of :func:`to_original`, for showing a saved response in the attempt's option order."""
    if response is None or qtype not in INDEXED_TYPES:
        return response
    position = {original: shown for shown, original in enumerate(order)}
    mapped = [position[i] for i in response]
    return sorted(mapped) if qtype == "multiple" else mapped


def rating_for(credit: float) -> str:
    """How a quiz result feeds the daily review: wrong → again, partly right → hard, right → good."""
    if credit >= 1.0:
        return "good"
    if credit > 0.0:
        return "hard"
    return "again"
