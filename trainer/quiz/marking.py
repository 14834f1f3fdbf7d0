"""Marking of quiz and exam questions: each type's scorer and response check (trainer/question_types), exam
totals, the review rating. Pure: no Flask, no database. (Not to be confused with ``trainer.scoring``, which
scores a role-play transcript against its rubric.)

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

from collections.abc import Sequence

from trainer.question_types import QUESTION_TYPES, each, normalise_text
from trainer.question_types.base import MAX_TEXT

SCORERS = each("score")  # (answer, response, option count) -> credit
# A response as a client sent it (raw JSON, option count) → cleaned, or ValueError with an English reason.
RESPONSE_CHECKERS = each("check")

__all__ = ["MAX_TEXT", "RESPONSE_CHECKERS", "SCORERS", "normalise_text", "rating_for", "score",
           "to_original", "to_shown", "totals"]


def score(qtype: str, answer: Sequence, response, option_count: int) -> float:
    """Credit in [0, 1] for one response; unknown types raise KeyError (content validation forbids them)."""
    return QUESTION_TYPES[qtype].score(answer, response, option_count)


def totals(earned: float, total: float, pass_percent: float) -> dict:
    """An attempt's points, maximum, percent (one decimal) and pass, from the earned and possible points."""
    return {
        "points": round(earned, 4), "max_points": total, "percent": round(100 * earned / total, 1) if total else 0.0,
        "passed": total > 0 and 100 * earned >= pass_percent * total - 1e-9,
    }


def to_original(qtype: str, response: list, order: Sequence[int]) -> list:
    """Map a response given in shown positions to the question's own option indexes.

    ``order[shown_position] = original_index``. Multiple-choice sets are returned sorted.
    """
    return QUESTION_TYPES[qtype].to_original(response, order)


def to_shown(qtype: str, response: list | None, order: Sequence[int]) -> list | None:
    """The inverse of :func:`to_original`, for showing a saved response in the attempt's option order."""
    return response if response is None else QUESTION_TYPES[qtype].to_shown(response, order)


def rating_for(credit: float) -> str:
    """How a quiz result feeds the daily review: wrong → again, partly right → hard, right → good."""
    if credit >= 1.0:
        return "good"
    if credit > 0.0:
        return "hard"
    return "again"
