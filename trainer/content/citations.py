"""Read citations (``000 §5.2.1``, ``001 篇1 八.(一).6``, ``004 三.4.b``) into canonical clause ids.

Two entry points: ``parse_citation`` reads one declared citation (a module's ``sources``, a question's
``source``) leniently; ``find_citations`` finds the citations written inside prose ("…向客户道歉
(004 三.3.d、三.3.e)。"), strictly enough that ordinary sentences never read as citations.
Both produce the ids that ``trainer.content.seeds`` gives its clauses.
"""

import re
from dataclasses import dataclass

from trainer.content.seeds import CJK, CN_NUMERALS, PARSERS, cn_to_int, int_to_cn

DOC = "|".join(PARSERS)
_CN = f"[{CN_NUMERALS}]+"


class CitationError(ValueError):
    pass


@dataclass(frozen=True)
class Citation:
    doc: str
    part: int  # the 篇 it names; 1 when it names none
    clause: str | None  # canonical clause id; None when only a document or part is named
    text: str


def _dotted(rest: str) -> str | None:
    """000: ``§5.2.1`` (the § and a trailing 条 are optional)."""
    match = re.fullmatch(r"(?:第\s*)?§?\s*(\d+(?:\.\d+)*)\s*条?", rest)
    if not match:
        raise CitationError(f"'{rest}' is not a dotted clause number like §5.2.1")
    return ".".join(str(int(n)) for n in match.group(1).split("."))


_OUTLINE_TOKEN = re.compile(
    rf"第({_CN})则|[(\uff08]\s*({_CN})\s*[)\uff09]|({_CN})|(\d+)|([A-Za-z])|([.\s、·\uff0e]+)"
)


def _outline(rest: str) -> str | None:
    """001–004: chapter numeral, ``(一)`` items, numbered items, letters, joined by dots.

    "第一则" is dropped (001's chapters 一…十 are cited without it); 第二则 and 第三则 stay."""
    parts: list[str] = []
    position = 0
    while position < len(rest):
        match = _OUTLINE_TOKEN.match(rest, position)
        if not match:
            raise CitationError(f"cannot read '{rest[position:]}' in clause '{rest}'")
        position = match.end()
        section, paren, numeral, digits, letter, _sep = match.groups()
        if section:
            if parts:
                raise CitationError(f"'第{section}则' must come first in '{rest}'")
            number = cn_to_int(section)
            if number and number > 1:
                parts.append(f"第{int_to_cn(number)}则")
        elif paren:
            parts.append(f"({int_to_cn(cn_to_int(paren) or 0)})")
        elif numeral:
            number = cn_to_int(numeral)
            if not number:
                raise CitationError(f"'{numeral}' is not a Chinese number in '{rest}'")
            parts.append(int_to_cn(number))
        elif digits:
            parts.append(str(int(digits)))
        elif letter:
            parts.append(letter.lower())
    return ".".join(parts) or None


GRAMMARS = {"000": _dotted}  # every other document is an outline


def parse_citation(text: str) -> Citation:
    """One citation as written in a ``source``/``sources`` field; raises CitationError if unreadable."""
    match = re.fullmatch(r"\s*(\d{3})\s*(?:篇\s*(\d+))?\s*(.*?)\s*", text or "")
    if not match or match.group(1) not in PARSERS:
        raise CitationError(f"'{text}' does not start with a document number ({', '.join(PARSERS)})")
    doc, part, rest = match.group(1), int(match.group(2) or 1), match.group(3)
    clause = GRAMMARS.get(doc, _outline)(rest) if rest else None
    return Citation(doc, part, clause, text.strip())


# Prose: a document number, an optional 篇N, then a clause written the strict way content writes it.
_SEGMENT = rf"(?:[(\uff08]{_CN}[)\uff09]|\d+|[a-z](?![A-Za-z])|{_CN})"
_FREE_CLAUSE = {
    "dotted": re.compile(r"§\s*\d+(?:\.\d+)*"),
    "outline": re.compile(rf"(?:第{_CN}则|{_CN})(?:\.{_SEGMENT})*"),
}
_CONTINUATION = {  # "004 二.2、二.6", "000 §5.2.5、§5.2.7": same document, must look like a clause
    "dotted": re.compile(r"[ \t]*[、,\uff0c/;\uff1b和及与][ \t]*(§?\s*\d+(?:\.\d+)+)"),
    "outline": re.compile(rf"[ \t]*[、,\uff0c/;\uff1b和及与][ \t]*({_CN}(?:\.{_SEGMENT})+)"),
}
_FREE_HEAD = re.compile(rf"(?<![0-9A-Za-z.])({DOC})[ \t]*(?:篇[ \t]*(\d+)[ \t]*)?")


def _trim(raw: str, text: str, start: int) -> str:
    """A clause ending in a Chinese numeral glued to more CJK text ("003 一般") is prose: drop that part."""
    while raw and raw[-1] in CN_NUMERALS:
        end = start + len(raw)
        if end >= len(text) or not re.match(f"[{CJK}]", text[end]):
            break
        cut = raw.rfind(".")
        raw = raw[:cut] if cut > 0 else ""
    return raw


def find_citations(text: str) -> list[Citation]:
    """Every citation that names a clause inside a piece of prose, in order."""
    return [span.citation for span in citation_spans(text)]


@dataclass(frozen=True)
class Span:
    """Where a citation stands in prose: ``text[start:end]``; ``named`` is False for a continuation that names
    only the clause ("、§5.2.7" after "000 §5.2.5")."""

    start: int
    end: int
    citation: Citation
    named: bool


def citation_spans(text: str) -> list[Span]:
    """:func:`find_citations` with the place of each (to show prose with the citations in words)."""
    found: list[Span] = []
    for head in _FREE_HEAD.finditer(text or ""):
        doc, part = head.group(1), int(head.group(2) or 1)
        style = "dotted" if doc in GRAMMARS else "outline"
        grammar = GRAMMARS.get(doc, _outline)
        prefix = f"{doc} 篇{part} " if head.group(2) else f"{doc} "
        match = _FREE_CLAUSE[style].match(text, head.end())
        start, raw = (match.start(), match.group(0)) if match else (0, "")
        begin = head.start()
        while raw := _trim(raw, text, start):
            try:
                clause = grammar(raw)
            except CitationError:
                break
            found.append(Span(begin, start + len(raw), Citation(doc, part, clause, prefix + raw), begin == head.start()))
            following = _CONTINUATION[style].match(text, start + len(raw))
            start, raw = (following.start(1), following.group(1)) if following else (0, "")
            begin = start
    return found
