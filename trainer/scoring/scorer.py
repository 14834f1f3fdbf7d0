"""Score one role-play turn: transcript + rubric → :class:`ScoreResult`. Pure: no clock, no I/O.

Score formula (an int 0–100; ``PASS_SCORE`` is the pass line):

    coverage   = 100 × items hit / items            (100 for a rubric without items)
    forbidden  = FORBIDDEN_PENALTY × forbidden phrases said
    pace       = RATE_PENALTY_PER_CHAR × chars/s outside 2–7, at most PACE_PENALTY_MAX
    delay      = DELAY_PENALTY_PER_SECOND × seconds beyond 3 s, at most PACE_PENALTY_MAX
    score      = clamp(round(coverage − forbidden − pace − delay), 0, 100)
    if not passed: score = min(score, PASS_SCORE − 1)

``passed`` is purely "every item hit and no forbidden phrase". A passed turn loses at most 2 ×
``PACE_PENALTY_MAX`` = 20 points, so it never drops below 80; a failed one is capped at 59, so
``score >= PASS_SCORE`` exactly when ``passed``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from trainer.scoring.align import align, tolerance
from trainer.scoring.forbidden import find_forbidden
from trainer.scoring.normalize import normalize, normalize_with_map
from trainer.scoring.result import (
    DELAY_FREE_SECONDS,
    RATE_RANGE,
    ForbiddenHit,
    ItemResult,
    ScoreResult,
    build_feedback,
    split_alternatives,
)

PASS_SCORE = 60
FORBIDDEN_PENALTY = 20
RATE_PENALTY_PER_CHAR = 5.0
DELAY_PENALTY_PER_SECOND = 2.0
PACE_PENALTY_MAX = 10.0


@dataclass(frozen=True)
class Rubric:
    """A trainee turn's rubric: every ``expect`` item must be heard (alternatives separated by ``|``),
    no ``forbid`` phrase may be. Lists are accepted and stored as tuples."""

    expect: tuple[str, ...]
    forbid: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "expect", tuple(self.expect))
        object.__setattr__(self, "forbid", tuple(self.forbid))
        for item in self.expect:
            if not any(normalize(alternative) for alternative in split_alternatives(item)):
                raise ValueError(f"expect item {item!r} has no alternative with words in it")
        for phrase in self.forbid:
            if not normalize(phrase):
                raise ValueError(f"forbid phrase {phrase!r} has no words in it")

    @classmethod
    def from_dict(cls, data: dict) -> Rubric:
        """From a scenario turn or a fixture spec: ``{"expect": [...], "forbid": [...]}``."""
        return cls(expect=data.get("expect") or (), forbid=data.get("forbid") or ())


def match_item(item: str, normalized: str) -> ItemResult:
    """Match one ``expect`` item against a normalised transcript.

    An alternative found character for character is a hit at once. Otherwise every alternative is
    aligned on syllables (:mod:`trainer.scoring.align`) and the one that fits best relative to its own
    tolerance decides.
    """
    alternatives = [(alternative, normalize(alternative)) for alternative in split_alternatives(item)]
    for alternative, phrase in alternatives:
        if phrase and phrase in normalized:
            return ItemResult(item, True, phrase, alternative, 0.0)
    best: tuple[float, ItemResult] | None = None
    for alternative, phrase in alternatives:
        found = align(phrase, normalized)
        if found is None:
            continue
        allowed = tolerance(len(phrase))
        hit = found.cost <= allowed
        result = ItemResult(
            item,
            hit,
            normalized[found.start : found.end] if hit else "",
            alternative if hit else None,
            found.cost,
        )
        if best is None or found.cost / allowed < best[0]:
            best = (found.cost / allowed, result)
    if best is None:
        return ItemResult(item, False, "", None, math.inf)
    return best[1]


def pace_penalty(chars_per_second: float | None, response_delay_seconds: float | None) -> float:
    """Points lost for speaking outside 2–7 chars/s and for starting later than 3 s (each ≤ 10)."""
    penalty = 0.0
    if chars_per_second is not None:
        low, high = RATE_RANGE
        outside = max(low - chars_per_second, chars_per_second - high, 0.0)
        penalty += min(PACE_PENALTY_MAX, RATE_PENALTY_PER_CHAR * outside)
    if response_delay_seconds is not None:
        late = max(response_delay_seconds - DELAY_FREE_SECONDS, 0.0)
        penalty += min(PACE_PENALTY_MAX, DELAY_PENALTY_PER_SECOND * late)
    return penalty


def compute_score(
    hits: int,
    items: int,
    forbidden: int,
    chars_per_second: float | None = None,
    response_delay_seconds: float | None = None,
) -> int:
    """The module-doc formula; ``passed`` is derived from ``hits == items and not forbidden``."""
    coverage = 100.0 * hits / items if items else 100.0
    raw = coverage - FORBIDDEN_PENALTY * forbidden - pace_penalty(chars_per_second, response_delay_seconds)
    score = max(0, min(100, math.floor(raw + 0.5)))
    if hits < items or forbidden:
        score = min(score, PASS_SCORE - 1)
    return score


def speaking_rate(normalized: str, audio_seconds: float | None) -> float | None:
    """Characters of speech per second of audio, 2 decimals; ``None`` without a usable duration or when
    nothing was heard (silence has no pace)."""
    if audio_seconds is None or audio_seconds <= 0 or not normalized:
        return None
    return round(len(normalized) / audio_seconds, 2)


def score_transcript(
    transcript: str,
    rubric: Rubric,
    *,
    audio_seconds: float | None = None,
    response_delay_seconds: float | None = None,
) -> ScoreResult:
    """Score ``transcript`` (any script, punctuation or not) against ``rubric``.

    ``audio_seconds`` is the length of the recorded answer (for the speaking rate);
    ``response_delay_seconds`` the time from the end of the customer's line to the trainee's first word.
    """
    text = normalize_with_map(transcript or "")
    items = [match_item(item, text.text) for item in rubric.expect]
    forbidden = []
    for phrase in rubric.forbid:
        heard = find_forbidden(normalize(phrase), text)
        if heard is not None:
            forbidden.append(ForbiddenHit(phrase, heard))
    hits = sum(item.hit for item in items)
    passed = hits == len(items) and not forbidden
    rate = speaking_rate(text.text, audio_seconds)
    return ScoreResult(
        transcript=transcript,
        normalized=text.text,
        items=items,
        forbidden=forbidden,
        score=compute_score(hits, len(items), len(forbidden), rate, response_delay_seconds),
        passed=passed,
        chars_per_second=rate,
        response_delay_seconds=response_delay_seconds,
        feedback=build_feedback(text.text, items, forbidden, rate, response_delay_seconds),
    )


def merge_results(first: ScoreResult, second: ScoreResult) -> ScoreResult:
    """Combine two recognitions of the same answer: an item counts if either heard it, and a forbidden
    phrase counts if either heard it (so a second, biased pass can only rescue phrases the first pass
    mis-heard, never hide a push-off). Pace comes from the first, unbiased pass."""
    items = [a if a.hit or not b.hit else b for a, b in zip(first.items, second.items, strict=True)]
    forbidden = list(first.forbidden) + [f for f in second.forbidden if f.phrase not in {x.phrase for x in first.forbidden}]
    hits = sum(item.hit for item in items)
    passed = hits == len(items) and not forbidden
    rescued = any(b.hit and not a.hit for a, b in zip(first.items, second.items, strict=True))
    shown = second if rescued else first
    return ScoreResult(
        transcript=shown.transcript,
        normalized=shown.normalized,
        items=items,
        forbidden=forbidden,
        score=compute_score(hits, len(items), len(forbidden), first.chars_per_second, first.response_delay_seconds),
        passed=passed,
        chars_per_second=first.chars_per_second,
        response_delay_seconds=first.response_delay_seconds,
        feedback=build_feedback(shown.normalized, items, forbidden, first.chars_per_second, first.response_delay_seconds),
    )
