"""Score one role-play turn: transcript + rubric → :class:`ScoreResult`. Pure: no clock, no I/O.

Score formula (an int 0–100; ``PASS_SCORE`` is the pass line):

    coverage   = 100 × items hit / items            (items: standard phrases and intents; 100 without items)
    forbidden  = FORBIDDEN_PENALTY × forbidden phrases said
    pace       = RATE_PENALTY_PER_CHAR × chars/s outside 2–7, at most PACE_PENALTY_MAX
    delay      = DELAY_PENALTY_PER_SECOND × seconds beyond 3 s, at most PACE_PENALTY_MAX
    score      = clamp(round(coverage − forbidden − pace − delay), 0, 100)
    if not passed: score = min(score, PASS_SCORE − 1)

``passed`` is purely "every standard phrase and every intent heard, and no forbidden phrase". A passed turn loses at most 2 ×
``PACE_PENALTY_MAX`` = 20 points, so it never drops below 80; a failed one is capped at 59, so
``score >= PASS_SCORE`` exactly when ``passed``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from trainer.scoring.align import align, tolerance
from trainer.scoring.forbidden import find_forbidden
from trainer.scoring.intents import NO_BREAKS, Breaks, Intent, match_intent
from trainer.scoring.normalize import normalize, normalize_with_map
from trainer.scoring.result import (
    DELAY_FREE_SECONDS,
    INTENT,
    PHRASE,
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
    """A trainee turn's rubric.

    ``phrases``: standard phrases of the codes that the turn drills; every one must be heard (alternatives
    separated by ``|``), with the tolerance for recognition errors. ``intents``: what the clerk must get
    across in any words (:mod:`trainer.scoring.intents`); every one must be heard. ``forbid``: push-offs
    that must not be said (:mod:`trainer.scoring.forbidden`). Lists are accepted and stored as tuples."""

    phrases: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    intents: tuple[Intent, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "phrases", tuple(self.phrases))
        object.__setattr__(self, "forbid", tuple(self.forbid))
        object.__setattr__(self, "intents", tuple(self.intents))
        for item in self.phrases:
            if not any(normalize(alternative) for alternative in split_alternatives(item)):
                raise ValueError(f"phrase {item!r} has no alternative with words in it")
        for phrase in self.forbid:
            if not normalize(phrase):
                raise ValueError(f"forbid phrase {phrase!r} has no words in it")

    @classmethod
    def from_dict(cls, data: dict) -> Rubric:
        """From a stored turn or a fixture spec: ``{"phrases": [...], "intents": [{id, label, wordings,
        patterns}], "forbid": [...]}``; older specs name the phrases ``expect``."""
        return cls(
            phrases=data.get("phrases") or data.get("expect") or (),
            forbid=data.get("forbid") or (),
            intents=tuple(Intent.from_dict(i) for i in data.get("intents") or ()),
        )

    def to_dict(self) -> dict:
        return {"phrases": list(self.phrases), "intents": [i.to_dict() for i in self.intents], "forbid": list(self.forbid)}


def match_item(item: str, normalized: str) -> ItemResult:
    """Match one standard phrase (alternatives separated by ``|``) against a normalised transcript.

    An alternative found character for character is a hit at once. Otherwise every alternative is
    aligned on syllables (:mod:`trainer.scoring.align`) and the one that fits best relative to its own
    tolerance decides.
    """
    alternatives = [(alternative, normalize(alternative)) for alternative in split_alternatives(item)]
    for alternative, phrase in alternatives:
        if phrase and phrase in normalized:
            return ItemResult(item, True, phrase, alternative, 0.0, PHRASE, item)
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
            PHRASE,
            item,
        )
        if best is None or found.cost / allowed < best[0]:
            best = (found.cost / allowed, result)
    if best is None:
        return ItemResult(item, False, "", None, math.inf, PHRASE, item)
    return best[1]


def intent_item(intent: Intent, normalized: str, breaks: Breaks = NO_BREAKS) -> ItemResult:
    """An intent as a rubric item: hit with its evidence, or a miss that suggests its first wording."""
    found = match_intent(intent, normalized, breaks) if normalized else None
    example = intent.wordings[0] if intent.wordings else ""
    if found is None:
        return ItemResult(intent.label, False, "", None, math.inf, INTENT, intent.id, example)
    return ItemResult(intent.label, True, found.heard, found.matched_by, 0.0, INTENT, intent.id, example)


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
    items = [match_item(item, text.text) for item in rubric.phrases]
    breaks = Breaks.of(text)
    items += [intent_item(intent, text.text, breaks) for intent in rubric.intents]
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
