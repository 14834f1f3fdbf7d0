"""Forbidden phrases: push-offs a clerk must not say, told apart from harmless mentions of them.

Finding: a forbidden phrase is found where the normalised transcript says it exactly or in homophones
(不知到 for 不知道). Confusable sounds and fillers are *not* forgiven here, unlike expected phrases: a
false alarm fails a trainee who said nothing wrong.

Each occurrence is then read in its clause (the transcript with punctuation, cut at , 。 ! ? ; : 、)
and does **not** count when one of these holds:

1. **Quoted**: it stands inside quotation marks ("我们不会说'不知道'"): the clerk names the phrase,
   they don't say it.
2. **Named after a negated verb of saying**: 不会说 / 不能讲 / 别说 / 禁止说 … right before it
   ("我们从来不说不知道").
3. **Negated**: a negator of the whole predicate (不是, 并非, 并不是, 绝不是, 而非, 不算 …) comes right
   before it, optionally with a first-person pronoun or 说 between ("不是不知道", "并非不归我管",
   "不是我们不清楚").
4. **About the customer**: the phrase is a negative predicate (it starts with 不 or 没, or has 不 as its
   second character: 听不懂) and the nearest personal pronoun before it in the clause, at most
   ``SUBJECT_GAP`` characters away, is second person (您, 你, 您们, 你们): "您可能不知道",
   "如果您不知道也没关系", "您不清楚的话". A greeting (您好, 你好) is not a subject. Only negative
   predicates get this reading: an imperative push-off aimed at the customer ("你问别人", "您明天再来",
   "你爱投诉就投诉") is exactly what the codes forbid, whoever its grammatical subject is.

Everything else counts: "我不知道", "这不归我管", "不知道,你问别人".
"""

from __future__ import annotations

import re

from trainer.scoring.align import strict_occurrences
from trainer.scoring.normalize import NormalizedText

CLAUSE_BREAKS = frozenset(",.。!?;:、\n")
SENTENCE_BREAKS = frozenset(".。!?;\n")
OPENING_QUOTES = "“‘「『《"
CLOSING_QUOTES = "”’」』》"
STRAIGHT_QUOTES = "\"'"
_ALL_QUOTES = OPENING_QUOTES + CLOSING_QUOTES + STRAIGHT_QUOTES

SUBJECT_GAP = 4

_SAYING = r"(?:说出|讲出|回答|答复|回复|说|讲)"
_PROHIBITIVE = r"(?:不可以|不应该|不允许|不能|不会|不要|不准|不许|不得|不该|从不|从来不|绝不|没有|禁止|严禁|避免|切勿|别|没|不)"
_NEGATED_SAYING = re.compile(_PROHIBITIVE + _SAYING + r"$")
_NEGATOR = r"(?:并不是|绝不是|也不是|又不是|不是|并非|绝非|而非|不算)"
_NEGATED = re.compile(_NEGATOR + r"(?:我们|咱们|我|咱|说|真的){0,2}$")

FIRST_PERSON = ("我们", "咱们", "我", "咱", "俺")
SECOND_PERSON = ("您们", "你们", "您", "你")
_PRONOUN = re.compile("|".join(FIRST_PERSON + SECOND_PERSON))


def _clause_bounds(text: str, start: int, end: int, breaks: frozenset[str]) -> tuple[int, int]:
    left = start
    while left > 0 and text[left - 1] not in breaks:
        left -= 1
    right = end
    while right < len(text) and text[right] not in breaks:
        right += 1
    return left, right


def is_quoted(clean: str, start: int, end: int) -> bool:
    """Rule 1: ``clean[start:end]`` sits between an open and a close quotation mark in its sentence."""
    left, right = _clause_bounds(clean, start, end, SENTENCE_BREAKS)
    before, after = clean[left:start], clean[end:right]
    last_open = max((before.rfind(q) for q in OPENING_QUOTES), default=-1)
    last_close = max((before.rfind(q) for q in CLOSING_QUOTES), default=-1)
    if last_open > last_close and any(q in after for q in CLOSING_QUOTES):
        return True
    # A straight quote is an opener when an odd number of them precedes the phrase.
    return any(before.count(q) % 2 == 1 and q in after for q in STRAIGHT_QUOTES)


def _is_negative_predicate(phrase: str) -> bool:
    return phrase[:1] in ("不", "没") or phrase[1:2] == "不"


def _nearest_pronoun(prefix: str) -> tuple[str, int] | None:
    """The last personal pronoun in ``prefix`` and how many characters follow it; greetings skipped."""
    found = None
    for match in _PRONOUN.finditer(prefix):
        if prefix[match.end() : match.end() + 1] == "好":  # 您好 / 你好 greet, they are no subject
            continue
        found = (match.group(), len(prefix) - match.end())
    return found


def is_exempt(phrase: str, clean: str, start: int, end: int) -> bool:
    """Whether the occurrence ``clean[start:end]`` of forbidden ``phrase`` is a mention, not a use
    (rules 1–4 of the module doc)."""
    if is_quoted(clean, start, end):
        return True
    left, _ = _clause_bounds(clean, start, end, CLAUSE_BREAKS)
    prefix = "".join(char for char in clean[left:start] if char not in _ALL_QUOTES and not char.isspace())
    if _NEGATED_SAYING.search(prefix) or _NEGATED.search(prefix):
        return True
    if _is_negative_predicate(phrase):
        nearest = _nearest_pronoun(prefix)
        if nearest and nearest[0] in SECOND_PERSON and nearest[1] <= SUBJECT_GAP:
            return True
    return False


def find_forbidden(phrase: str, transcript: NormalizedText) -> str | None:
    """The words of the first occurrence of normalised ``phrase`` that counts (module doc), or ``None``."""
    for begin, finish in strict_occurrences(phrase, transcript.text):
        clean_start = transcript.positions[begin]
        clean_end = transcript.positions[finish - 1] + 1
        if not is_exempt(phrase, transcript.clean, clean_start, clean_end):
            return transcript.text[begin:finish]
    return None
