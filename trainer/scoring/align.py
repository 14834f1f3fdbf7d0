"""Find an expected phrase inside a transcript, syllable by syllable, forgiving the errors ASR makes.

The phrase must be matched whole; the transcript may be entered and left anywhere (a *semi-global*
edit distance: free start and end in the transcript). Operations and their costs:

* substitution: :func:`trainer.scoring.phonetics.syllable_cost` (0 for the same character, a token
  for a homophone, 0.35 per confusable initial or final, 1.0 otherwise);
* an extra transcript syllable inside the phrase: 1.0, but only ``FILLER_COST`` for a polite filler
  from ``FILLERS`` (请稍等 said as 请您稍等一下), a filler being recognised by sound, so 你 standing for
  您 is a filler at ``FILLER_COST`` plus the nin/ni confusion;
* a phrase syllable missing from the transcript: 1.0, but only ``DROPPED_FILLER_COST`` when it is a
  filler *inside* the phrase (请您稍候 heard as 请稍候). That is a little dearer than an extra filler:
  saying more is harmless, saying less may really be less polite. A filler at the start or end of the
  phrase is the point of it (请坐 heard as 坐 is not polite), so dropping it costs the full 1.0.

A phrase of ``L`` syllables matches when the cheapest alignment costs at most :func:`tolerance` (L):
1–2 syllables allow one confusable syllable or one filler and no real error; each further syllable adds
``TOLERANCE_PER_SYLLABLE``, about one cheap error per three syllables, so that a real error (1.0) is
forgiven only from six syllables on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from trainer.scoring.phonetics import (
    CONFUSABLE_COST,
    PLAIN_ERROR_COST,
    is_homophone,
    syllable_cost,
    to_syllables,
)

FILLERS = ("您", "一下", "一点", "请", "的", "了", "啊", "呢")
FILLER_COST = 0.2
DROPPED_FILLER_COST = 0.3

SHORT_PHRASE_SYLLABLES = 2
SHORT_TOLERANCE = 0.5
TOLERANCE_PER_SYLLABLE = 0.13

_INFINITY = float("inf")


@dataclass(frozen=True)
class Alignment:
    """The cheapest place a phrase was found: ``text[start:end]`` of the transcript, at ``cost``."""

    cost: float
    start: int
    end: int


def tolerance(syllables: int) -> float:
    """Largest alignment cost that still counts as a hit for a phrase of ``syllables`` syllables."""
    extra = max(0, syllables - SHORT_PHRASE_SYLLABLES)
    return SHORT_TOLERANCE + TOLERANCE_PER_SYLLABLE * extra


@lru_cache(maxsize=256)
def _inserted_fillers(transcript: str) -> tuple[tuple[tuple[int, float], ...], ...]:
    """For each end position j of ``transcript``: (length, cost) of every filler ending there.

    A filler is recognised by sound (each syllable at most a confusable error away), because ASR writes
    a filler with whatever character it likes (你 for 您, 地 for 的). Cached: every alternative of every
    item is aligned against the same transcript.
    """
    heard = to_syllables(transcript)
    ends: list[list[tuple[int, float]]] = [[] for _ in range(len(heard) + 1)]
    for filler in map(to_syllables, FILLERS):
        size = len(filler)
        for start in range(len(heard) - size + 1):
            costs = [syllable_cost(f, h) for f, h in zip(filler, heard[start : start + size], strict=True)]
            if max(costs) <= CONFUSABLE_COST:
                ends[start + size].append((size, FILLER_COST + sum(costs)))
    return tuple(map(tuple, ends))


def _droppable_fillers(phrase: str) -> list[list[int]]:
    """For each end position i of the phrase: lengths of interior fillers ending there."""
    ends: list[list[int]] = [[] for _ in range(len(phrase) + 1)]
    for filler in FILLERS:
        start = phrase.find(filler, 1)
        while start != -1:
            end = start + len(filler)
            if end < len(phrase):  # interior only: not the first or last syllable
                ends[end].append(len(filler))
            start = phrase.find(filler, start + 1)
    return ends


def align(phrase: str, transcript: str) -> Alignment | None:
    """Cheapest semi-global alignment of normalised ``phrase`` against normalised ``transcript``.

    Returns ``None`` when either is empty. Ties go to the shorter span, then the earlier one.
    """
    expected, heard = to_syllables(phrase), to_syllables(transcript)
    m, n = len(expected), len(heard)
    if m == 0 or n == 0:
        return None
    inserted = _inserted_fillers(transcript)
    dropped = _droppable_fillers(phrase)
    # cost[i][j]: cheapest way to say expected[:i] with a span of heard ending just before heard[j];
    # start[i][j]: where that span began.
    cost = [[0.0] * (n + 1)] + [[_INFINITY] * (n + 1) for _ in range(m)]
    start = [list(range(n + 1))] + [[0] * (n + 1) for _ in range(m)]
    for i in range(1, m + 1):
        row, above = cost[i], cost[i - 1]
        for j in range(n + 1):
            best, best_start = above[j] + PLAIN_ERROR_COST, start[i - 1][j]
            for size in dropped[i]:
                if cost[i - size][j] + DROPPED_FILLER_COST < best:
                    best, best_start = cost[i - size][j] + DROPPED_FILLER_COST, start[i - size][j]
            if j:
                candidate = above[j - 1] + syllable_cost(expected[i - 1], heard[j - 1])
                if candidate < best:
                    best, best_start = candidate, start[i - 1][j - 1]
                # Extra syllables inside the phrase; after its last syllable they would only widen the span.
                if i < m:
                    if row[j - 1] + PLAIN_ERROR_COST < best:
                        best, best_start = row[j - 1] + PLAIN_ERROR_COST, start[i][j - 1]
                    for size, filler_cost in inserted[j]:
                        if row[j - size] + filler_cost < best:
                            best, best_start = row[j - size] + filler_cost, start[i][j - size]
            row[j], start[i][j] = best, best_start
    found: Alignment | None = None
    for j in range(n + 1):
        candidate = Alignment(round(cost[m][j], 6), start[m][j], j)
        if found is None or (candidate.cost, candidate.end - candidate.start) < (
            found.cost,
            found.end - found.start,
        ):
            found = candidate
    return found


def strict_occurrences(phrase: str, transcript: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` where ``transcript`` says ``phrase`` exactly or in homophones only.

    No confusable sounds, no fillers, no missing syllables: used for forbidden phrases, where a false
    alarm fails a trainee who said nothing wrong.
    """
    expected, heard = to_syllables(phrase), to_syllables(transcript)
    size = len(expected)
    if not size:
        return []
    return [
        (begin, begin + size)
        for begin in range(len(heard) - size + 1)
        if all(is_homophone(e, h) for e, h in zip(expected, heard[begin : begin + size], strict=True))
    ]
