"""How alike two questions are: one number from 0 to 100, for near-duplicate warnings and exam draws.

A question is compared as the *statement it tests*, so that a single-choice item, a true/false item and a
fill-in item about the same fact look alike:

- the stem without its lead-in ("按南方电网《规范》,"), citations ("(000 §5.2.5)"), question words
  (哪些, 多少, 请排出…顺序) and punctuation, NFKC-folded (full/half width);
- plus the key: the keyed options of a choice item (sorted, since option order carries no meaning), the steps
  of an ordering item in their right order, the first accepted text of a fill-in item (put into the blank),
  and "错" after a false true/false statement (a false statement tests the opposite of its words).

Two statements are compared with rapidfuzz's ``fuzz.ratio`` (normalised Indel similarity over characters;
Chinese has no spaces, so token-based ratios would treat a whole sentence as one token). Statements that
name different numbers ("4 小时" vs "12 小时", Chinese numerals before a unit read as digits) test different
facts and score 0: the codes are full of parallel rules that differ only in a number.

``SIMILAR_AT`` (65) was chosen on the repository's banks (measured in issue 17): among cross-bank pairs at
65 or more, every pair tested the same fact, while same-fact pairs in different question types (a
single-choice item and a true/false item) scored 65–70; at 60 unrelated parallel rules start to appear
(营业厅 3 米 vs 柜台 3 米, 柜台服务 vs 信息服务 总体要求).
"""

import re
import unicodedata
from collections.abc import Hashable

import numpy
from rapidfuzz import fuzz, process

from trainer.question_types.numerical import entry_text

SIMILAR_AT = 65.0
BLANK = "____"

_CITATION = re.compile(
    r"[（(]?\s*(?:000|001|002|003|004)\s+(?:§[\d.]+|篇\d+\s*[^\s,，。;；:：)）]*|[一二三四五六七八九十]+[.\d()一二三四五六七八九十a-z]*)\s*[）)]?")
_LEAD_IN = re.compile(r"^(?:按|根据|依据)[^,，。]{0,40}?(?:》|规范|细则|标准|规程|规定)[^,，。]{0,12}[,，]")
_QUESTION_WORDS = re.compile(
    r"请(?:排出|按|把|将)?|下列|以下|正确的|先后顺序(?:排列|是)?|处理顺序|顺序|排列"
    r"|(?:应当?|要)?(?:怎样|怎么|如何)(?:做|处理)?|什么时[候间]|什么|哪[些类种项个一句条]*|多少|多长时间|多久|几|是否|谁")
_CN_NUMBER = re.compile(r"([零一二两三四五六七八九十廿]+)(?=[日天个小时分米度次月年项条声周名种])")
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _arabic(numeral: str) -> str:
    """Chinese numerals up to 99 (and 廿) as digits; anything else unchanged."""
    if numeral == "廿":
        return "20"
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return numeral
        return str(_DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0))
    return str(_DIGITS[numeral]) if len(numeral) == 1 else numeral


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text))
    text = _CITATION.sub("", text)
    text = _CN_NUMBER.sub(lambda m: _arabic(m.group(1)), text)
    return re.sub(r"[\W_]+", "", text).lower()


def statement(qtype: str, stem: str, options: list[str], answer: list) -> str:
    """The fact a question tests, folded for comparison (see the module docstring)."""
    stem = _LEAD_IN.sub("", _CITATION.sub("", unicodedata.normalize("NFKC", stem)))
    if qtype == "fill_blank":
        text = stem.replace(BLANK, str(answer[0]) if answer else "")
    elif qtype == "true_false":
        text = stem if answer and answer[0] is True else stem + "(错)"
    elif qtype == "ordering":
        text = stem + "|" + "|".join(options[i] for i in answer if 0 <= i < len(options))
    elif qtype == "numerical":  # the accepted numbers are the fact
        text = stem + "|" + "|".join(entry_text(a) for a in answer if isinstance(a, dict))
    else:
        text = stem + "|" + "|".join(sorted(options[i] for i in answer if 0 <= i < len(options)))
    return _QUESTION_WORDS.sub("", _fold(text))


def _numbers(folded: str) -> frozenset[str]:
    return frozenset(re.findall(r"\d+", folded))


def similarity(a: str, b: str) -> float:
    """0–100 for two folded statements; 0 when both name numbers and the numbers differ."""
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return 0.0
    return fuzz.ratio(a, b)


def similar_pairs(statements: dict[Hashable, str], *, threshold: float = SIMILAR_AT) -> list[tuple[Hashable, Hashable, float]]:
    """Every pair ``(a, b, score)`` of ``statements`` with ``score >= threshold``, best first (``a`` comes
    before ``b`` in the dict's order). Callers that only care about some pairs pass smaller dicts."""
    keys = list(statements)
    if len(keys) < 2:
        return []
    texts = [statements[k] for k in keys]
    # cdist scores every pair in C; the number rule is applied to the few pairs above the threshold.
    matrix = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=threshold)
    pairs = []
    for i, j in numpy.argwhere(numpy.triu(matrix, k=1) >= threshold):
        score = similarity(texts[i], texts[j])
        if score >= threshold:
            pairs.append((keys[i], keys[j], round(score, 1)))
    return sorted(pairs, key=lambda p: -p[2])


def keep_apart(questions: dict[Hashable, tuple[str, str]], *, threshold: float = SIMILAR_AT) -> dict[Hashable, frozenset]:
    """For exam draws: ``{id: ids it must not share a paper with}`` among ``{id: (source clause, statement)}``.

    Two questions are kept apart when they cite the same clause and their statements are similar (the same
    test that ``trainer content check`` warns about; a ``duplicate_of`` mark only silences that warning, and
    a mark is only valid while the pair is similar, so marked pairs are kept apart too)."""
    by_clause: dict[str, dict[Hashable, str]] = {}
    for key, (source, text) in questions.items():
        if source.strip():
            by_clause.setdefault(" ".join(source.split()), {})[key] = text
    apart: dict[Hashable, set] = {}
    for group in by_clause.values():
        for a, b, _score in similar_pairs(group, threshold=threshold):
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    return {key: frozenset(ids) for key, ids in apart.items()}
