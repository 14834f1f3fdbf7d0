"""Verify a missed phrase against the audio, not only against the transcript.

When the unbiased transcript misses an expected phrase, the question is whether the trainee said it and the
recogniser mis-heard it (稍后 for 售后, 五昆鱼 for 武昌鱼), or did not say it. Prompt-biasing Whisper with the
phrase answers that badly: it can put the phrase in the trainee's mouth. Here the hypothesis is tested
instead. Candidate transcripts are built from the free one with the phrase put where it fits best
(:func:`candidates`: in place of the span that sounds most like it, or inserted next to that span, at the
start or at the end), each is force-scored on the *same* encoder output (the sum of
its tokens' log-probabilities, ``Decoding.log_likelihoods``), and the best is compared with the free
transcript scored the same way:

    Δ = log P(candidate | audio) − log P(free transcript | audio)

Whisper's free decode is (nearly) the most likely text, so Δ is usually negative. A phrase that was said
costs little (a homophone swapped for another, or a short word the decode dropped); a phrase that was not
said costs a lot (its syllables have nothing in the audio to stand on). The candidate is accepted when Δ is
above ``-margin`` (:func:`accepts`), calibrated on
``voice/`` and ``voice_human_dev/`` so that an absent phrase is never accepted there (README, "Measured
figures"; ``benchmarks/verify_margin.py`` prints the distributions it was chosen from).

An accepted candidate becomes the transcript for the next missed item; the final text is scored again and
merged with the free result (:func:`trainer.scoring.merge_results`: a forbidden phrase heard by the free
decode always counts).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from trainer.scoring import normalize
from trainer.scoring.align import Alignment, align, tolerance
from trainer.scoring.result import split_alternatives

# Δ must be at least -(MARGIN_BASE + MARGIN_PER_CHAR × characters of the phrase), in nats. Calibrated on
# voice/ + voice_human_dev/ (benchmarks/verify_margin.py, beam-5 free decodes): 787 absent phrases scored at most
# -6.9 (帮您填 put in place of the 替您填 the clerk said: one syllable swapped costs about 7 nats whatever the
# phrase's length), phrases that were said but mis-heard at -0.3 to -3.2 when one or two syllables were wrong
# (售后 for 稍后, 清蒸武昌鱼 for 清蒸五昆鱼, 新闻 for 星龙), and at -8 to -12 on phone-band audio too garbled to
# verify (those are left to the biased decode). A flat 4.5 nats sits between the two with room on both sides;
# a per-character allowance fitted worse (a long phrase would have forgiven a whole wrong syllable).
MARGIN_BASE = 4.5
MARGIN_PER_CHAR = 0.0
MAX_WORDINGS = 3  # an item is verified through its best-aligned alternatives (or intent wordings) only
# A forbidden phrase the free transcript *nearly* has (its best alignment costs at most this: one plain
# syllable error, or a few confusable ones, tones aside) is verified too, in place of what was heard: the
# trimmed window heard 我不知道 as 我不知的 and 下班了 as 下班问, and a push-off must not slip through a
# mis-heard syllable. 1.0 left out a wrong syllable whose neighbour differed in tone only (投诉也没用 heard
# 逃速也没用: 1.05) on the push-off development set (benchmarks/voice-pushoff-dev/).
FORBIDDEN_NEAR = 1.2
# The candidates every alternative of an item gets (the best-aligned one gets all): the phrase in place of the
# span that sounds like it, and of the phrase-long span ending where that span ends. The second matters when the
# alignment started late: 检修 heard 解修 aligns with 修 alone, tied with 抢修 of 抢修|检修, and only 检修 in place
# of 解修 is the reading the audio supports.
IN_PLACE = ("substitute", "substitute-ending")
_CLAUSE_PUNCT = set(",，。.!！?？;；:：、")  # closing marks: a phrase put "at the end" goes before them


@dataclass(frozen=True)
class Candidate:
    """``text``: the free transcript (the engine's own script) with ``phrase`` put in; ``how``: where."""

    text: str
    phrase: str
    how: str


@dataclass(frozen=True)
class Verdict:
    """The best candidate for one item and its Δ (log-likelihood difference, nats), and whether it passed."""

    item: str
    candidate: Candidate | None
    delta: float
    accepted: bool


def margin(phrase: str) -> float:
    """The largest log-likelihood loss (nats) a candidate may have against the free transcript."""
    return MARGIN_BASE + MARGIN_PER_CHAR * len(normalize(phrase))


def accepts(delta: float, phrase: str) -> bool:
    """The margin decision: a candidate with ``delta`` = log P(candidate) − log P(free) is accepted when the
    loss is within :func:`margin` of the phrase."""
    return delta >= -margin(phrase)


def _characters_changed(text: str, convert) -> int:
    """How many characters of ``text`` the script conversion ``convert`` changes (character by character
    where converting the whole text changed its length)."""
    converted = convert(text)
    if len(converted) != len(text):
        converted = "".join(out if len(out := convert(ch)) == 1 else ch for ch in text)
    return sum(a != b for a, b in zip(text, converted, strict=True))


# Asked once per candidate set (every wording, every round) of the same transcript: two whole-text conversions
# each time otherwise.
@lru_cache(maxsize=256)
def is_traditional(text: str) -> bool:
    """Whether the engine wrote ``text`` mostly in Traditional characters: more of them change when it is
    converted to Simplified than when it is converted to Traditional. Whisper base mixes the scripts within
    one answer (鈴纳片是线路解修…: one Traditional character among Simplified ones), and one character must
    not decide the script of the phrase put into it."""
    from trainer.speech.recognizer import opencc_converter, to_simplified

    return _characters_changed(text, to_simplified) > _characters_changed(text, opencc_converter("s2tw").convert)


def in_script_of(phrase: str, raw: str) -> str:
    """``phrase`` (written Simplified) in the script the engine wrote most of ``raw`` in: Whisper base often
    writes Traditional, and a phrase in the other script costs likelihood for its script alone (检修 put into
    鈴纳片是线路解修…: Δ -1.8 written Simplified, -6.1 written Traditional)."""
    from trainer.speech.recognizer import opencc_converter

    return opencc_converter("s2tw").convert(phrase) if is_traditional(raw) else phrase


def plain_with_map(raw: str) -> tuple[str, list[int]]:
    """``raw`` normalised character by character (:func:`trainer.scoring.normalize`), and for each character
    of the result the index in ``raw`` it came from: spans found in the normalised text map back to
    ``raw``, whose punctuation and script are kept in the candidates."""
    plain, where = [], []
    for i, ch in enumerate(raw):
        if unicodedata.category(unicodedata.normalize("NFKC", ch)[:1] or " ")[0] not in "LN":
            continue
        for out in normalize(ch):
            plain.append(out)
            where.append(i)
    return "".join(plain), where


class Placement(NamedTuple):
    """Where ``phrase`` sounds most like a part of ``raw``: ``raw`` normalised with its map back
    (:func:`plain_with_map`), the phrase as the engine would write it there (:func:`in_script_of`), its
    length in normalised characters, and the aligned span of ``plain`` (None when nothing aligns)."""

    plain: str
    where: list[int]
    spoken: str
    size: int
    found: Alignment | None


def placement(raw: str, phrase: str) -> Placement:
    """The :class:`Placement` of ``phrase`` in ``raw``, which every candidate of it starts from."""
    plain, where = plain_with_map(raw)
    size = len(normalize(phrase))
    found = align(normalize(phrase), plain) if plain and size else None
    if found is not None and found.end <= found.start:
        found = None
    return Placement(plain, where, in_script_of(phrase, raw), size, found)


def candidates(raw: str, phrase: str, *, wide: bool = False) -> list[Candidate]:
    """Transcripts with ``phrase`` (one alternative, Simplified) put into ``raw``, most plausible first: in
    place of the span of ``raw`` that sounds most like it (and of the span as long as the phrase starting
    there), inserted right before or after that span, at the start and at the end. ``wide`` adds the spans near the aligned one (either edge moved by one character,
    or as long as the phrase: the alignment may stop short where the words around it sound alike, matching
    only 难意 of 难意宠不上 for 难易程度). Duplicates and ``raw`` itself are dropped."""
    plain, where, spoken, size, found = placement(raw, phrase)
    out: dict[str, Candidate] = {}

    def add(text: str, how: str) -> None:
        if text != raw and text not in out:
            out[text] = Candidate(text, phrase, how)

    def substitute(start: int, end: int, how: str = "substitute") -> None:
        start, end = max(0, start), min(len(plain), end)
        if end > start:
            add(raw[: where[start]] + spoken + raw[where[end - 1] + 1 :], how)

    if found is not None:
        substitute(found.start, found.end)
        substitute(found.start, found.start + size)  # as long as the phrase: the span may have stopped short
        # ... or started late: ties go to the shorter span, so a mis-heard first syllable is aligned as a
        # dropped one (化 of 变化 for 电话, 不准 of 收不准 for 说不准), and the phrase put in place of that
        # span alone would keep the wrong syllable beside it (变电话, 收说不准), which no audio supports.
        substitute(found.end - size, found.end, "substitute-ending")
        if wide:
            for a in (0, -1, 1):
                for b in (0, -1, 1):
                    substitute(found.start + a, found.end + b)
                    substitute(found.start + a, found.start + a + size + b)
        rs, re_ = where[found.start], where[found.end - 1] + 1
        add(raw[:rs] + spoken + raw[rs:], "insert-before")
        add(raw[:re_] + spoken + raw[re_:], "insert-after")
    add(spoken + raw, "insert-start")
    tail = len(raw.rstrip("".join(_CLAUSE_PUNCT)))
    add(raw[:tail] + spoken + raw[tail:], "insert-end")
    return list(out.values())


def continued_candidates(raw: str, phrase: str, continuations) -> list[Candidate]:
    """Transcripts that keep ``raw`` up to the span that sounds most like ``phrase``, put the phrase there and
    let the model say the rest (``continuations(prefixes)``: the words the audio supports after each, or
    None when the engine cannot decode them). A mis-heard syllable often pulls its neighbour into a word of
    its own (排队去后面 heard 排队气候面), and the phrase put in place of the syllable alone leaves that wrong
    neighbour behind (排队去候面), which the audio does not support either. The span is taken where the
    alignment starts and, as long as the phrase, where it ends (:func:`candidates`, substitute-ending)."""
    _, where, spoken, size, found = placement(raw, phrase)
    if found is None:
        return []
    prefixes = [raw[: where[start]] + spoken for start in dict.fromkeys((found.start, max(0, found.end - size)))]
    rests = continuations(prefixes)
    out: dict[str, Candidate] = {}
    for prefix, rest in zip(prefixes, rests or [], strict=False):
        if (text := prefix + rest) != raw:
            out.setdefault(text, Candidate(text, phrase, "substitute-continued"))
    return list(out.values())


def alternatives_of(item, plain: str) -> list[str]:
    """What to verify for a missed rubric item: the ``MAX_WORDINGS`` alternatives of a standard phrase, or
    wordings of an intent, that align best with what was heard (an intent's patterns are not texts)."""
    wordings = split_alternatives(item) if isinstance(item, str) else list(item.wordings)
    wordings = [w for w in wordings if normalize(w)]

    def fit(wording: str) -> float:
        found = align(normalize(wording), plain) if plain else None
        return found.cost / tolerance(len(normalize(wording))) if found else float("inf")

    return sorted(wordings, key=fit)[:MAX_WORDINGS]


def near_forbidden(raw: str, phrase: str) -> bool:
    """Whether the free transcript ``raw`` has something that sounds nearly like forbidden ``phrase``."""
    plain, _ = plain_with_map(raw)
    found = align(normalize(phrase), plain) if plain and normalize(phrase) else None
    return found is not None and found.cost <= FORBIDDEN_NEAR


def verify_item(raw: str, base_ll: float, item, decoding, *, substitute_only: bool = False,
                continued: bool = False) -> Verdict:
    """Force-score the candidates of ``item``'s best-aligned alternatives and keep the best, in two rounds so
    that an answer pays for few (each candidate costs about a decoder pass): first the main candidates
    (:func:`candidates`) of the best-aligned alternative and the in-place ones (``IN_PLACE``) of the others;
    then, only if the best of them came within twice the margin without passing it, the spans near its place
    (``wide``).
    ``substitute_only``: only candidates that replace what was heard (for a forbidden phrase that was
    nearly heard: inserting one anywhere would be a different question). ``continued``: the best-aligned
    alternative is also tried with the rest of the answer left to the model (:func:`continued_candidates`),
    where the decoding can continue a text."""
    label = item if isinstance(item, str) else item.id
    plain, _ = plain_with_map(raw)
    alternatives = alternatives_of(item, plain)

    def pool_of(alts: list[str], wide: bool) -> list[Candidate]:
        # The best-aligned alternative with all its candidates; the others only in place of what was heard.
        pool = [c for rank, alt in enumerate(alts) for c in candidates(raw, alt, wide=wide)
                if (rank == 0 or c.how in IN_PLACE) and (not substitute_only or c.how.startswith("substitute"))]
        if continued and not wide and alts:
            pool += continued_candidates(raw, alts[0], decoding.continuations)
        return pool

    best: tuple[float, Candidate] | None = None
    tried: set[str] = set()
    for round_ in (0, 1):
        if round_ == 0:
            pool = pool_of(alternatives, False)
        elif best is not None and not accepts(best[0], best[1].phrase) and best[0] >= -2 * margin(best[1].phrase):
            pool = [c for c in pool_of([best[1].phrase], True) if c.text not in tried]
        else:
            break
        if not pool:
            continue
        scores = decoding.log_likelihoods([c.text for c in pool])
        if scores is None:
            return Verdict(label, None, float("-inf"), False)
        tried.update(c.text for c in pool)
        for candidate, score in zip(pool, scores, strict=True):
            delta = score - base_ll
            # Best by margin left over, so a longer alternative is not judged on a shorter one's allowance.
            if best is None or delta + margin(candidate.phrase) > best[0] + margin(best[1].phrase):
                best = (delta, candidate)
    if best is None:
        return Verdict(label, None, float("-inf"), False)
    return Verdict(label, best[1], round(best[0], 3), accepts(best[0], best[1].phrase))
