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
   "如果您不知道也没关系", "您不清楚的话". A greeting (您好, 你好) is not a subject, nor is the one
   thanked (谢谢您下不为例: the comma Whisper dropped does not make the customer say it); and a push-off
   that names the clerk (不是我弄的, 不归我管) is the clerk's whoever comes before it. Only negative
   predicates get this reading: an imperative push-off aimed at the customer ("你问别人", "您明天再来",
   "你爱投诉就投诉") is exactly what the codes forbid, whoever its grammatical subject is.

5. **Prohibited**: a modal of prohibition stands right before it, optionally with whom it concerns and an
   adverb (不能/不会/不要/别/不用/绝不 + 让您 + 就/再/随便 …): "不能就当没看见", "您别问别人了,我来帮您",
   "不用您自己填", or before a list it belongs to ("不会让您两眼一抹黑、不知道进度"); or it is one of two
   alternatives being weighed ("说能办或者办不了都不准").
6. **Reported**: someone else's words retold: a subject other than the clerk (他, 有人, 工作人员, 您 …)
   with a verb of saying earlier in the clause, or a previous clause that ends with one ("有人跟您说不归他管",
   "您是说,他们说下班了?"). 跟您说 / 给您讲 is the clerk speaking and does not count as a report, nor does an
   invitation to speak (您慢慢说, 您请讲, 你接着说): the clerk's own words follow it.
7. **Concessive**: the clause concedes it (虽然/尽管/即使/哪怕/就算 before it: "虽然快下班了,我一定给您
   办完"), or, for a statement that is not a negative predicate, the sentence goes on to promise the
   service ("已经到点了,不过我一定给您办完", "快下班了,您放心,我一定给您办完"). A negative push-off such as
   不知道 is not excused by a promise that follows it.
8. **Relative**: "有听不懂的您就问我", "有不清楚的地方随时问": 有 before and 的 after make it "whatever
   you may not follow", an invitation to ask.
9. **Retracted**: the clerk quotes their own earlier words to take them back: "我刚才说下不为例是我不对"
   (我 + 刚才/之前 + 说 before it, 不对/说错/不应该/不该 after it in the same sentence).

An occurrence never spans punctuation: "看一下。填得…" does not say 瞎填.

Everything else counts: "我不知道", "这不归我管", "不知道,你问别人".
"""

from __future__ import annotations

import re

from trainer.scoring.align import strict_occurrences
from trainer.scoring.normalize import NormalizedText

# A space counts as a clause break: Whisper often marks a pause in Chinese with a space instead of a comma
# ("你收好的 没别的就走吧": without it, 你 would read as the subject of the push-off that follows).
CLAUSE_BREAKS = frozenset(",.。!?;:、\n \u3000")
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

_PROHIBITIVE_MODAL = r"(?:不可以|不应该|不能够|不能|不会|不要|不用|不必|无需|不准|不许|不得|不该|绝不|决不|从不|切勿|严禁|禁止|别)"
_WHOM = r"(?:让|叫|要|再让|再叫)?(?:您们|你们|您|你)?"  # 不能让您自己跑, 不用您自己填
_PROHIBITED = re.compile(_PROHIBITIVE_MODAL + _WHOM + r"(?:再|就|也|还|随便|轻易|这样|那样|直接|只|光|总|老|一直|马上|去|来|跑去){0,2}$")
# The prohibition covers a whole list: "不会让您两眼一抹黑、不知道进度".
_PROHIBITED_LIST = re.compile(_PROHIBITIVE_MODAL + _WHOM + r"[^,.。!?;:]{1,12}、$")
# Weighing alternatives, not refusing: "现在说能办或者办不了都不准".
_ALTERNATIVE = re.compile(r"(?:或者|或是)$")
# "有听不懂的(地方)您就问我": a relative clause about whatever the customer may not follow, not a push-off.
_RETRACT_BEFORE = re.compile(r"我(?:们)?(?:刚才|刚刚|之前|方才|刚)(?:那样|那么)?(?:说|讲)(?:了|的|过)?$")
_RETRACT_AFTER = re.compile(r"(?:不对|说错|讲错|不应该|不该|错了|不合适)")
_RELATIVE_BEFORE, _RELATIVE_AFTER = re.compile(r"(?:有|要是有|如果有|还有|有什么)$"), re.compile(r"^(?:的|之处)")
_CONCESSIVE = re.compile(r"(?:虽然|虽说|尽管|即使|即便|哪怕|就算|纵然)")
_THEN_SERVICE = re.compile(
    r"^[^。!?;]*?(?:一定|照常|照样|仍然|依然|继续|保证|给您办|为您办|帮您办|办完|办好|处理完|处理好)"
)
_REPORTER = r"(?:他们|她们|他|她|对方|有人|别人|人家|工作人员|同事|师傅|那位|您|你)"
_REPORTED = re.compile(
    r"(?<![跟和给对同向])" + _REPORTER + r"[^,。!?;:]{0,5}?(?:说|讲|回答|答复|告诉|回复)"
)
_REPORTED_AT_END = re.compile(_REPORTED.pattern + r"(?:的是|是|的|过|了|道)?$")
# "您慢慢说" / "您请讲" / "你接着说" invite the customer to speak: what follows is the clerk's own reply, not a
# report of the customer's words (别着急,请坐,您慢慢说,那事跟我没关系 is a push-off).
_INVITATION = re.compile(r"(?:您们|你们|您|你)(?:请|先|慢慢|接着|继续|尽管|放心|详细|具体|再|就)+(?:地)?(?:说|讲)")

# A pronoun right after a verb of thanks is its object: in "谢谢您下不为例" (Whisper often drops the comma
# after 谢谢您) nobody but the clerk says 下不为例, so it must not read as "about the customer" (rule 4).
_THANKED = re.compile(r"(?:谢谢|感谢|多谢|谢)$")

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


def _names_the_clerk(phrase: str) -> bool:
    """A push-off with 我 in it (不是我弄的, 不归我管, 跟我没关系) disowns something for the clerk: a customer
    named before it ("表是你们弄坏的不是我弄的", the comma dropped) does not make it about the customer."""
    return any(pronoun in phrase for pronoun in FIRST_PERSON)


def _nearest_pronoun(prefix: str) -> tuple[str, int] | None:
    """The last personal pronoun in ``prefix`` and how many characters follow it; greetings skipped."""
    found = None
    for match in _PRONOUN.finditer(prefix):
        if prefix[match.end() : match.end() + 1] == "好":  # 您好 / 你好 greet, they are no subject
            continue
        if _THANKED.search(prefix[: match.start()]):  # 谢谢您 / 感谢你们: the one thanked, no subject
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
    if _NEGATED_SAYING.search(prefix) or _NEGATED.search(prefix) or _PROHIBITED.search(prefix):
        return True
    if _ALTERNATIVE.search(prefix) or _PROHIBITED_LIST.search(_list_prefix(clean, start)):
        return True
    if _is_reported(clean, left, prefix) or _is_concessive(phrase, clean, end, prefix):
        return True
    if _RELATIVE_BEFORE.search(prefix) and _RELATIVE_AFTER.search(clean[end:]):
        return True
    if _RETRACT_BEFORE.search(prefix):
        _, sentence_end = _clause_bounds(clean, end, end, SENTENCE_BREAKS)
        if _RETRACT_AFTER.search(clean[end:sentence_end]):
            return True
    if _is_negative_predicate(phrase) and not _names_the_clerk(phrase):
        nearest = _nearest_pronoun(prefix)
        if nearest and nearest[0] in SECOND_PERSON and nearest[1] <= SUBJECT_GAP:
            return True
    return False


def _list_prefix(clean: str, start: int) -> str:
    """The text before ``start`` back to the last break that is not an enumeration comma 、."""
    left, _ = _clause_bounds(clean, start, start, CLAUSE_BREAKS - {"、"})
    return "".join(char for char in clean[left:start] if char not in _ALL_QUOTES and not char.isspace())


def _is_reported(clean: str, clause_start: int, prefix: str) -> bool:
    """Rule 6: a report in this clause, or a previous clause that ends with one ("他说:"). What follows the
    verb of saying must not bring the clerk back as the speaker: in "你说什么我听不懂" the clerk says it."""
    for match in _REPORTED.finditer(prefix):
        between = prefix[match.end():]
        if not _INVITATION.fullmatch(match.group()) and not any(word in between for word in (*FIRST_PERSON, "什么", "啥")):
            return True
    if clause_start == 0 or clean[clause_start - 1] in SENTENCE_BREAKS:
        return False
    previous_start, _ = _clause_bounds(clean, clause_start - 1, clause_start - 1, CLAUSE_BREAKS)
    previous = "".join(c for c in clean[previous_start : clause_start - 1] if c not in _ALL_QUOTES and not c.isspace())
    report = _REPORTED_AT_END.search(previous)
    return bool(report) and not _INVITATION.search(previous[report.start():])


def _is_concessive(phrase: str, clean: str, end: int, prefix: str) -> bool:
    """Rule 7."""
    if _CONCESSIVE.search(prefix):
        return True
    if _is_negative_predicate(phrase):
        return False
    _, sentence_end = _clause_bounds(clean, end, end, SENTENCE_BREAKS)
    return bool(_THEN_SERVICE.search(clean[end:sentence_end]))


def _spans_punctuation(clean: str, start: int, end: int) -> bool:
    return any(not (char.isalnum()) and not char.isspace() for char in clean[start:end])


def find_forbidden(phrase: str, transcript: NormalizedText) -> str | None:
    """The words of the first occurrence of normalised ``phrase`` that counts (module doc), or ``None``."""
    for begin, finish in strict_occurrences(phrase, transcript.text):
        clean_start = transcript.positions[begin]
        clean_end = transcript.positions[finish - 1] + 1
        if _spans_punctuation(transcript.clean, clean_start, clean_end):
            continue
        if not is_exempt(phrase, transcript.clean, clean_start, clean_end):
            return transcript.text[begin:finish]
    return None
