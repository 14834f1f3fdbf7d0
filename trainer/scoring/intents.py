"""Intents: what a clerk must get across, in whatever words (apologise, promise prompt service, read the
details back…). Pure: no I/O; the content layer reads ``scenarios/intents.yaml`` into :class:`Intent`.

An intent is heard when any of its **wordings** or **patterns** is heard, and the words that carried it are
kept as evidence.

* A *wording* is a phrase matched like a standard phrase (:func:`trainer.scoring.align.align`): exactly, or
  with the tolerance for recognition errors (homophones, fillers, 您/你).
* A *pattern* is a sequence of slots separated by spaces, for the many ways one thing is put::

      [马上|立即|这就|现在就] [为您|给您|帮您|] [办|办理|查|处理|安排]

  ``[a|b]`` is one of the alternatives; an empty alternative (``[为您|给您|]``) makes the slot optional; a bare
  word is a slot of one alternative; ``…`` lets up to ``WIDE_GAP`` characters stand between its neighbours.
  Between other slots at most ``GAP`` characters may stand (马上 **就** 给您办). Slots of two or more
  characters are compared by sound, syllable by syllable (a homophone or 你 for 您 still matches); a slot of
  one character must be that character (or 你 for 您), since a lone toneless syllable has too many
  homophones (办/班). Never the fuzzier tolerance of wordings: a pattern is already generous.

A hit does not count when the words right before it negate it (不/没/别/无法/不能 …: "没法马上给您办" is not
a promise). Wordings and patterns that are themselves negative ("不能收") are unaffected, because the
check looks only *before* the match. Nor does a hit count that cuts a number (五天 in 十五天), a wording
that spans punctuation (答复,您 is not 答复您) or a pattern that spans a sentence. Wordings of one or two
characters are never matched fuzzily: 是吗 must not be heard in 损失嘛.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from trainer.scoring.align import align, tolerance
from trainer.scoring.normalize import NormalizedText, normalize
from trainer.scoring.phonetics import Syllable, to_syllables

GAP = 4
WIDE_GAP = 12
WIDE_TOKEN = "…"
# Right before a hit, these turn it into its opposite: 没法马上办 / 不能给您办 / 别着急 is fine (别 is not
# before the hit there, 着急 is not an intent wording), 不会马上 …
NEGATORS = ("无法", "没法", "不能", "不会", "不可", "不要", "不想", "不肯", "不用", "不", "没", "别", "未")

NUMERALS = frozenset("零一二三四五六七八九十百千万两半几")
NUMBER_UNITS = frozenset("十百千万")
NOT_NEGATING_BIE = frozenset("特分区识类级告派性个辨鉴差")
CLAUSE_PUNCTUATION = frozenset(",.。!?;:、，！？；：")
SENTENCE_PUNCTUATION = frozenset(".。!?;！？；")
SHORTEST_FUZZY = 3  # wordings shorter than this match only as written (or with 你 for 您)

_SLOT = re.compile(r"\[([^\]]*)\]|(\S+)")


class PatternError(ValueError):
    """A pattern that cannot be read: unbalanced brackets, a slot without words, nothing but gaps."""


@dataclass(frozen=True)
class Slot:
    alternatives: tuple[str, ...]  # normalised; "" when the slot is optional
    gap_before: int  # characters that may stand between the previous slot and this one

    @property
    def optional(self) -> bool:
        return "" in self.alternatives


@dataclass(frozen=True)
class Intent:
    """``id`` (e.g. ``apologize``), ``label`` shown to trainees (e.g. 向客户致歉), and its wordings and
    patterns as written in the content file."""

    id: str
    label: str
    wordings: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "wordings", tuple(self.wordings))
        object.__setattr__(self, "patterns", tuple(self.patterns))
        if not self.wordings and not self.patterns:
            raise ValueError(f"intent {self.id!r} has neither wordings nor patterns")
        for wording in self.wordings:
            if not normalize(wording):
                raise ValueError(f"intent {self.id!r}: wording {wording!r} has no words in it")
        for pattern in self.patterns:
            compile_pattern(pattern)

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "wordings": list(self.wordings), "patterns": list(self.patterns)}

    @classmethod
    def from_dict(cls, data: dict) -> Intent:
        return cls(data["id"], data.get("label") or data["id"], data.get("wordings") or (), data.get("patterns") or ())

    def extended(self, wordings: list[str] | tuple[str, ...] = (), patterns: list[str] | tuple[str, ...] = ()) -> Intent:
        """This intent with a turn's own extra wordings and patterns added."""
        return Intent(self.id, self.label, (*self.wordings, *wordings), (*self.patterns, *patterns))


@dataclass(frozen=True)
class IntentMatch:
    """Evidence for a heard intent: ``heard`` the transcript words, ``matched_by`` the wording or pattern."""

    heard: str
    matched_by: str
    start: int
    end: int


@lru_cache(maxsize=2048)
def compile_pattern(pattern: str) -> tuple[Slot, ...]:
    """``"[马上|立即] [为您|] 办理"`` → slots; raises :class:`PatternError` on a malformed pattern."""
    if pattern.count("[") != pattern.count("]"):
        raise PatternError(f"unbalanced brackets in pattern {pattern!r}")
    slots: list[Slot] = []
    gap = GAP
    for match in _SLOT.finditer(pattern):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        if raw == WIDE_TOKEN:
            gap = WIDE_GAP
            continue
        # Longest first, so the evidence shows the whole word (办理 rather than 办).
        alternatives = tuple(sorted(dict.fromkeys(normalize(a) for a in raw.split("|")), key=len, reverse=True))
        if not any(alternatives):
            raise PatternError(f"slot [{raw}] of pattern {pattern!r} has no words")
        slots.append(Slot(alternatives, gap if slots else 0))
        gap = GAP
    if not any(not slot.optional for slot in slots):
        raise PatternError(f"pattern {pattern!r} needs at least one slot that is not optional")
    return tuple(slots)


def _same_sound(expected: Syllable, heard: Syllable) -> bool:
    if expected.char == heard.char or expected.reading == heard.reading:
        return True
    return {expected.reading, heard.reading} == {"nin", "ni"}


def _says_at(alternative: tuple[Syllable, ...], heard: tuple[Syllable, ...], at: int) -> bool:
    end = at + len(alternative)
    if end > len(heard):
        return False
    if len(alternative) == 1:
        # One toneless syllable has too many homophones (办 ban / 班 ban in 下班): single characters
        # match themselves, or 您/你.
        a, h = alternative[0], heard[at]
        return a.char == h.char or {a.char, h.char} == {"您", "你"}
    return all(_same_sound(a, h) for a, h in zip(alternative, heard[at:end], strict=True))


def _match_slots(slots: tuple[tuple[tuple[Syllable, ...], ...], ...], gaps: tuple[int, ...],
                 heard: tuple[Syllable, ...], index: int, at: int, first: bool) -> int | None:
    """End position of the first way ``slots[index:]`` can be said from ``at`` on, or ``None``."""
    if index == len(slots):
        return at
    reach = 0 if first else gaps[index]
    for skip in range(reach + 1):
        position = at + skip
        if position > len(heard):
            break
        for alternative in slots[index]:
            if not alternative:
                continue
            if _says_at(alternative, heard, position):
                end = _match_slots(slots, gaps, heard, index + 1, position + len(alternative), False)
                if end is not None:
                    return end
    if any(not alternative for alternative in slots[index]):  # optional: skip the slot
        return _match_slots(slots, gaps, heard, index + 1, at, first)
    return None


def match_pattern(pattern: str, text: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` of normalised ``text`` where ``pattern`` is said (leftmost per start)."""
    slots = compile_pattern(pattern)
    as_syllables = tuple(tuple(to_syllables(a) if a else () for a in slot.alternatives) for slot in slots)
    gaps = tuple(slot.gap_before for slot in slots)
    heard = to_syllables(text)
    found = []
    for start in range(len(heard)):
        end = _match_slots(as_syllables, gaps, heard, 0, start, True)
        if end is not None and end > start:
            found.append((start, end))
    return found


def is_negated(text: str, start: int) -> bool:
    """Whether the words right before ``text[start:]`` negate what follows."""
    before = text[max(0, start - 3) : start]
    if len(before) == 3 and before[1] == "不" and before[0] == before[2]:
        return False  # 能不能 / 会不会 ask a question, they negate nothing
    if before.endswith("别") and len(before) >= 2 and before[-2] in NOT_NEGATING_BIE:
        return False  # 特别小心, 分别处理: 别 inside a word
    return any(before.endswith(negator) for negator in NEGATORS)


def _exact_spans(wording: str, text: str) -> list[tuple[int, int]]:
    phrase = normalize(wording)
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]
    if "您" in phrase:  # recognisers write 你 for 您 all the time
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(phrase.replace("您", "你")), text)]
    return spans


def _fuzzy_spans(wording: str, text: str) -> list[tuple[int, int]]:
    phrase = normalize(wording)
    if len(phrase) <= SHORTEST_FUZZY - 1:
        return []  # 是吗 would be heard in 损失嘛: short wordings must be said as written
    found = align(phrase, text)
    if found is not None and found.cost <= tolerance(len(phrase)):
        return [(found.start, found.end)]
    return []


@dataclass(frozen=True)
class Breaks:
    """Where punctuation stood in the transcript, as positions of the normalised text: a break at ``i`` lies
    between ``text[i - 1]`` and ``text[i]``. A wording never spans a clause break (答复,您 is not 答复您), a
    pattern never spans a sentence break."""

    clause: frozenset[int] = frozenset()
    sentence: frozenset[int] = frozenset()

    @classmethod
    def of(cls, normalized: NormalizedText) -> Breaks:
        clause, sentence = set(), set()
        for i in range(1, len(normalized.positions)):
            between = normalized.clean[normalized.positions[i - 1] + 1 : normalized.positions[i]]
            if any(char in CLAUSE_PUNCTUATION for char in between):
                clause.add(i)
            if any(char in SENTENCE_PUNCTUATION for char in between):
                sentence.add(i)
        return cls(frozenset(clause), frozenset(sentence))


def _crosses(breaks: frozenset[int], start: int, end: int) -> bool:
    return any(start < b < end for b in breaks)


def _cuts_a_number(text: str, start: int, end: int) -> bool:
    """五天 inside 十五天 is another number: a match may not start right after a unit of a cardinal, nor end
    right before one. Digits read one by one (a phone number) may be matched in part."""
    return (start > 0 and text[start] in NUMERALS and text[start - 1] in NUMBER_UNITS) or (
        end < len(text) and text[end - 1] in NUMERALS and text[end] in NUMBER_UNITS)


NO_BREAKS = Breaks()


def match_intent(intent: Intent, text: str, breaks: Breaks = NO_BREAKS) -> IntentMatch | None:
    """The evidence that ``intent`` was heard in normalised ``text`` and not negated, or ``None``.

    Cheapest first: a wording said exactly, then a pattern (compared by sound), then a wording heard with
    recognition errors (the syllable alignment, which costs the most).
    """
    finders = ((intent.wordings, _exact_spans, breaks.clause), (intent.patterns, match_pattern, breaks.sentence),
               (intent.wordings, _fuzzy_spans, breaks.clause))
    for candidates, find, walls in finders:
        for matched_by in candidates:
            for start, end in find(matched_by, text):
                if is_negated(text, start) or _crosses(walls, start, end) or _cuts_a_number(text, start, end):
                    continue
                return IntentMatch(text[start:end], matched_by, start, end)
    return None
