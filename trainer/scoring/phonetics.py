"""Toneless pinyin syllables and how alike two of them sound.

Whisper's Chinese errors are mostly *sound-alike characters* (谅解 → 两解, 检修 → 剪修, 您 → 你), so
the matcher compares syllables, not characters. Tones are ignored: Whisper picks a wrong-tone homophone
as often as a same-tone one, and trainees' regional accents blur tones anyway.

Costs of putting one syllable where another was expected (1.0 is a plain error):

* same character → 0
* different character, same reading in context (a homophone) → ``HOMOPHONE_COST``, a token amount
  so that an exact span wins a tie against a homophone span
* one confusable part (initials n/l, z/zh, c/ch, s/sh, f/h, r/l; finals in/ing, en/eng, an/ang and
  their ian/iang, uan/uang forms; the syllables nin/ni) → ``CONFUSABLE_COST`` each, so a syllable with
  both parts confusable costs twice that
* anything else → 1.0

Latin letters and characters without a reading are their own "syllable" and only match themselves.

Heteronyms: each string is read with pypinyin's phrase dictionary, so a character gets the reading its
context calls for (银行 yin hang, 行走 xing zou; 了解 liao jie, 好了 hao le), and the *same character* always
matches itself whichever reading each context picked. Two different characters are compared on their
readings in context only, never through every reading pypinyin lists: those lists carry rare and archaic
readings (立 wei, 机 wei, 其 ji) that made 立即 match 微机 and 理其; on 8,000 sentences of course text,
false fuzzy hits fell from 273 to 101 without them, with the same agreement on the labelled clips.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

HOMOPHONE_COST = 0.05
CONFUSABLE_COST = 0.35
PLAIN_ERROR_COST = 1.0

# Pairs that southern and northern speakers, and Whisper, mix up.
CONFUSABLE_INITIALS = frozenset(
    frozenset(pair) for pair in (("n", "l"), ("z", "zh"), ("c", "ch"), ("s", "sh"), ("f", "h"), ("r", "l"))
)
CONFUSABLE_FINALS = frozenset(
    frozenset(pair)
    for pair in (("in", "ing"), ("en", "eng"), ("an", "ang"), ("ian", "iang"), ("uan", "uang"))
)
# Whole syllables that are confused although their parts are not a pair above: 您 is heard as 你.
CONFUSABLE_SYLLABLES = frozenset({frozenset(("nin", "ni"))})

# Longest first so that "zh" wins over "z". y/w count as initials, which keeps yin/ying, wan/wang
# comparable through their finals.
_INITIALS = ("zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsyw")


@dataclass(frozen=True)
class Syllable:
    """One character of normalised text and its toneless pinyin in context (the character itself for
    Latin letters and characters pypinyin cannot read)."""

    char: str
    reading: str


def split_syllable(reading: str) -> tuple[str, str]:
    """``"zhuang"`` → ``("zh", "uang")``; a syllable without an initial (``"an"``) → ``("", "an")``."""
    for initial in _INITIALS:
        if reading.startswith(initial) and len(reading) > len(initial):
            return initial, reading[len(initial) :]
    return "", reading


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


@lru_cache(maxsize=4096)
def to_syllables(text: str) -> tuple[Syllable, ...]:
    """One :class:`Syllable` per character of ``text`` (already normalised).

    Readings come from pypinyin with its phrase dictionary, so 银行 reads yin hang and 行走 xing zou.
    """
    # errors=list keeps one entry per unknown character instead of one per run.
    readings = lazy_pinyin(text, style=Style.NORMAL, errors=lambda run: list(run))
    if len(readings) != len(text):  # pypinyin grouped something unexpectedly: fall back per character
        readings = [lazy_pinyin(char, style=Style.NORMAL, errors=lambda run: list(run))[0] for char in text]
    return tuple(
        Syllable(char, reading if _is_han(char) else char)
        for char, reading in zip(text, readings, strict=True)
    )


@lru_cache(maxsize=65536)
def reading_cost(expected: str, heard: str) -> float:
    """Cost of hearing toneless syllable ``heard`` where ``expected`` was said (symmetric)."""
    if expected == heard:
        return 0.0
    if frozenset((expected, heard)) in CONFUSABLE_SYLLABLES:
        return CONFUSABLE_COST
    expected_initial, expected_final = split_syllable(expected)
    heard_initial, heard_final = split_syllable(heard)
    cost = 0.0
    for ours, theirs, pairs in (
        (expected_initial, heard_initial, CONFUSABLE_INITIALS),
        (expected_final, heard_final, CONFUSABLE_FINALS),
    ):
        if ours == theirs:
            continue
        if frozenset((ours, theirs)) not in pairs:
            return PLAIN_ERROR_COST
        cost += CONFUSABLE_COST
    return min(cost, PLAIN_ERROR_COST)


def syllable_cost(expected: Syllable, heard: Syllable) -> float:
    """Cost of hearing ``heard`` where ``expected`` was said; see the module doc for the table."""
    if expected.char == heard.char:
        return 0.0
    if expected.reading == heard.reading:
        return HOMOPHONE_COST
    return reading_cost(expected.reading, heard.reading)


def is_homophone(expected: Syllable, heard: Syllable) -> bool:
    """Same character, or a character that can be read the same (the strict test for forbidden phrases)."""
    return expected.char == heard.char or expected.reading == heard.reading
