"""What scoring returns, and the short Chinese feedback shown to the trainee."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Comfortable counter speech is 2–7 characters a second: slower sounds hesitant, faster is hard to follow
# for the elderly customers the codes single out.
RATE_RANGE = (2.0, 7.0)
# A customer should not wait longer than this before the clerk starts to answer.
DELAY_FREE_SECONDS = 3.0


PHRASE = "phrase"
INTENT = "intent"
ITEM_KINDS = {PHRASE: "标准用语", INTENT: "要点"}


@dataclass(frozen=True)
class ItemResult:
    """One rubric item. ``kind`` is ``"phrase"`` (a standard phrase of the codes) or ``"intent"`` (what the
    clerk must get across, in any words). ``expect`` is what the trainee is shown: the phrase as written
    (alternatives and all) or the intent's label; ``key`` the phrase or the intent id. ``heard`` is the span
    of the normalised transcript that matched ("" on a miss); ``alternative`` the alternative, wording or
    pattern that matched (``None`` on a miss); ``distance`` the alignment cost of the best alternative (0
    for an exact match; on a miss, how far the nearest attempt was; ``inf`` when nothing was heard)."""

    expect: str
    hit: bool
    heard: str
    alternative: str | None
    distance: float
    kind: str = PHRASE
    key: str = ""
    example: str = ""  # for a missed intent: one wording to suggest

    def to_dict(self) -> dict[str, Any]:
        return {"expect": self.expect, "hit": self.hit, "heard": self.heard, "alternative": self.alternative,
                "kind": self.kind, "key": self.key or self.expect}


@dataclass(frozen=True)
class ForbiddenHit:
    """A forbidden ``phrase`` (as in the rubric) and the words of the transcript that said it."""

    phrase: str
    heard: str


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of :func:`trainer.scoring.score_transcript`; ``score`` is 0–100 and ``passed`` is
    "every item hit and no forbidden phrase" (so ``score >= PASS_SCORE`` exactly when ``passed``)."""

    transcript: str
    normalized: str
    items: list[ItemResult]
    forbidden: list[ForbiddenHit]
    score: int
    passed: bool
    chars_per_second: float | None
    response_delay_seconds: float | None
    feedback: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary for the API and the stored attempt."""
        return {
            "transcript": self.transcript,
            "normalized": self.normalized,
            "items": [item.to_dict() for item in self.items],
            "forbidden": [hit.phrase for hit in self.forbidden],
            "forbidden_heard": [{"phrase": hit.phrase, "heard": hit.heard} for hit in self.forbidden],
            "passed": self.passed,
            "score": self.score,
            "chars_per_second": self.chars_per_second,
            "response_delay_seconds": self.response_delay_seconds,
            "feedback": list(self.feedback),
        }


def split_alternatives(item: str) -> list[str]:
    """``"请稍候|请稍等"`` → ``["请稍候", "请稍等"]``; blanks around ``|`` and empty alternatives dropped."""
    return [alternative.strip() for alternative in item.split("|") if alternative.strip()]


def _quoted_choices(item: str) -> str:
    return "或".join(f"“{alternative}”" for alternative in split_alternatives(item))


def _missing(item: ItemResult) -> str:
    if item.kind == INTENT:
        hint = f"(例如“{item.example}”)" if item.example else ""
        return f"没有表达出:{item.expect}{hint}。"
    return f"没有说到标准用语{_quoted_choices(item.expect)}。"


def build_feedback(
    normalized: str,
    items: list[ItemResult],
    forbidden: list[ForbiddenHit],
    chars_per_second: float | None,
    response_delay_seconds: float | None,
) -> list[str]:
    """Short sentences, most important first: nothing heard, missing items, forbidden phrases, pace."""
    if not normalized:
        return ["没有听到回答,请再说一遍。"]
    feedback = [_missing(item) for item in items if not item.hit]
    feedback += [f"出现了服务禁语“{hit.phrase}”。" for hit in forbidden]
    low, high = RATE_RANGE
    if chars_per_second is not None and chars_per_second > high:
        feedback.append(f"语速偏快(每秒{chars_per_second:.1f}字),请放慢一些。")
    elif chars_per_second is not None and chars_per_second < low:
        feedback.append(f"语速偏慢(每秒{chars_per_second:.1f}字),可以说得更连贯些。")
    if response_delay_seconds is not None and response_delay_seconds > DELAY_FREE_SECONDS:
        feedback.append(f"开口较慢({response_delay_seconds:.1f}秒),请在{DELAY_FREE_SECONDS:.0f}秒内回应。")
    return feedback or ["要点齐全,用语规范。"]
