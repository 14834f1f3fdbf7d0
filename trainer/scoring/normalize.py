"""Text normalisation shared by rubric phrases and transcripts.

Both sides of every comparison go through the same pipeline, so a rubric written as "5号" and a
transcript that says "五号" meet in one form:

1. NFKC: full-width letters, digits and punctuation become half-width (``，１Ａ`` → ``,1A``).
2. OpenCC Traditional → Simplified, with the ``tw2s`` profile (``t2s`` plus Taiwan usage): Whisper's
   Chinese leans on Taiwan-style text and writes 著急/等著 where Simplified has 着急/等着, which plain
   ``t2s`` leaves alone because 著 is also a Simplified character (著名).
3. Latin letters are lower-cased.
4. Arabic numerals are spelled out in Chinese characters (see :func:`spell_number`). Chinese is the
   canonical form, not digits, because numeral characters also live inside ordinary words
   (一下, 一定, 万一) that must not turn into digits, and because the matcher works on pinyin,
   which digits do not have.
5. Everything that is not a letter or a number (punctuation, symbols, spaces) is dropped.

:func:`normalize_with_map` also keeps the text after step 4 (``clean``, punctuation still there) and,
for every character of the normalised text, its index in ``clean``: the forbidden-phrase rules need
the quotes and clause boundaries that step 5 throws away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

DIGIT_CHARS = "零一二三四五六七八九"
_SMALL_UNITS = ((1000, "千"), (100, "百"), (10, "十"))

# A number: digits, optionally a decimal part, optionally a percent sign; or a clock time 8:30.
_NUMBER = re.compile(r"(?P<clock>(?P<h>\d{1,2}):(?P<m>\d{2}))|(?P<int>\d+)(?:\.(?P<frac>\d+))?(?P<pct>%)?")


@dataclass(frozen=True)
class NormalizedText:
    """``text`` is the normalised string; ``clean`` the same before punctuation was stripped;
    ``positions[i]`` is the index in ``clean`` of ``text[i]``."""

    text: str
    clean: str
    positions: tuple[int, ...]


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    # Building the converter reads OpenCC's dictionaries: do it once per process.
    return opencc.OpenCC("tw2s")


def _digits_one_by_one(digits: str) -> str:
    return "".join(DIGIT_CHARS[int(d)] for d in digits)


def _cardinal_below_10000(value: int) -> str:
    """0–9999 as spoken: 15 → 十五, 105 → 一百零五, 1010 → 一千零一十, 200 → 两百."""
    if value == 0:
        return "零"
    parts: list[str] = []
    pending_zero = False
    for unit_value, unit in _SMALL_UNITS:
        digit, value = divmod(value, unit_value)
        if digit:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            # People say 两百/两千 rather than 二百/二千, and Whisper writes what it hears.
            if digit == 2 and not parts and unit in ("百", "千"):
                parts.append("两")
            # 十五, not 一十五, when ten leads the number.
            elif not (digit == 1 and unit == "十" and not parts):
                parts.append(DIGIT_CHARS[digit])
            parts.append(unit)
        elif parts:
            pending_zero = True
    if value:
        if pending_zero:
            parts.append("零")
        parts.append(DIGIT_CHARS[value])
    return "".join(parts)


def spell_number(digits: str, *, followed_by: str = "") -> str:
    """Spell a run of Arabic digits the way a speaker reads it.

    Codes, phone and account numbers (5+ digits, or a leading zero) and four-digit years
    (followed by 年) are read digit by digit (95598 → 九五五九八); other numbers as cardinals
    (15 → 十五). Amounts of 10,000 and more are rare in counter dialogue and are read digit by digit too,
    which is still the same on both sides of the comparison.
    """
    if len(digits) >= 5 or (len(digits) > 1 and digits[0] == "0"):
        return _digits_one_by_one(digits)
    if len(digits) == 4 and followed_by.startswith("年"):
        return _digits_one_by_one(digits)
    return _cardinal_below_10000(int(digits))


def _spell_numbers(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        following = text[match.end() : match.end() + 1]
        if match["clock"]:
            minutes = int(match["m"])
            hour = _cardinal_below_10000(int(match["h"])) + "点"
            return hour + (_cardinal_below_10000(minutes) if minutes else "")
        spoken = spell_number(match["int"], followed_by=following)
        if match["frac"]:
            spoken += "点" + _digits_one_by_one(match["frac"])
        if match["pct"]:
            spoken = "百分之" + spoken
        return spoken

    return _NUMBER.sub(replace, text)


def _is_kept(char: str) -> bool:
    # Letters (CJK ideographs are letters too) and numerals; 〇 is a numeral (Nl).
    return unicodedata.category(char)[0] in ("L", "N")


def clean_text(text: str) -> str:
    """Steps 1–4: half-width, Simplified, lower-case, numbers spelled out; punctuation kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _to_simplified().convert(text)
    text = text.lower().replace("〇", "零")
    return _spell_numbers(text)


def normalize_with_map(text: str) -> NormalizedText:
    """Normalise ``text`` and remember where each kept character came from (see module doc)."""
    clean = clean_text(text)
    positions = tuple(i for i, char in enumerate(clean) if _is_kept(char))
    return NormalizedText("".join(clean[i] for i in positions), clean, positions)


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """The normalised form of ``text``: Simplified, half-width, lower-case, numbers in Chinese,
    no punctuation or spaces. ``""`` stays ``""``."""
    return normalize_with_map(text).text
