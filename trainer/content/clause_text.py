"""Citations in the words a trainee reads (issue 16, point 4).

Content cites clauses by code (``000 §4.4.1``, ``001 篇1 八.(二).10``, ``004 三.4.b``); a page shows the document's
name, the clause's place in it and its opening words: ``《供电营业员工文明服务行为规范》(南方电网)第 4.4.1 条``, with
the code kept for the hover text and the clause page (``/clauses?ref=…``). Pure: reads the vendored clause index
(``clauses.json``, made from the seed documents by ``trainer content coverage --write-index``).
"""

import json
import re
from dataclasses import dataclass
from functools import cache

from trainer.content.citations import CitationError, citation_spans, parse_citation
from trainer.content.seeds import CN_NUMERALS, INDEX_PATH, SeedError, extract_clauses

INDEXED_PART = 1  # the index holds 篇1 of 000 and 001 (and the whole of 002–004, which have no parts)
SHORT_TITLE = 14  # characters of a clause's opening words shown after its place


@dataclass(frozen=True)
class ClauseRef:
    code: str  # as content writes it
    doc: str = ""
    part: int = 1
    clause: str | None = None
    document: str = ""  # 《name》(issuer)
    place: str = ""  # 第 4.4.1 条 / 八、(二)10 / "" for the whole document
    title: str = ""  # the clause's opening words from the index ("" when it is not indexed)

    @property
    def name(self) -> str:
        """Document and place: what the page shows."""
        return f"{self.document}{self.place}" if self.document else self.code

    @property
    def short_title(self) -> str:
        words = re.split(r"[,。;:!?,;:!?…]", self.title.replace(" ", ""), maxsplit=1)[0]
        return words if len(words) <= SHORT_TITLE else words[:SHORT_TITLE] + "…"

    @property
    def hover(self) -> str:
        return f"{self.code}:{self.title}" if self.title else self.code


@cache
def _index() -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, list[str]]]:
    """(document titles, (doc, clause id) → opening words, doc → clause ids in document order)."""
    data = json.loads(INDEX_PATH.read_text(encoding="utf-8"))["documents"]
    titles = {doc: entry["title"] for doc, entry in data.items()}
    clauses = {(doc, c["id"]): c["title"] for doc, entry in data.items() for c in entry["clauses"]}
    order = {doc: [c["id"] for c in entry["clauses"]] for doc, entry in data.items()}
    return titles, clauses, order


def document_name(doc: str) -> str:
    """``供电营业员工文明服务行为规范(南方电网)`` → ``《供电营业员工文明服务行为规范》(南方电网)``."""
    title = _index()[0].get(doc, doc)
    match = re.fullmatch(r"(.+?)([((].+[))])", title)
    return f"《{match.group(1)}》{match.group(2)}" if match else f"《{title}》"


def _outline_place(clause: str) -> str:
    """``八.(二).10`` → ``八、(二)10``; ``三.4.b`` → ``三、4.b``; ``第二则.八`` → ``第二则 八``."""
    parts = clause.split(".")
    text = parts[0]
    for index, segment in enumerate(parts[1:], 1):
        before = parts[index - 1]
        if index == 1 and all(ch in CN_NUMERALS for ch in before):
            text += "、"
        elif before.startswith("第") and before.endswith("则"):
            text += " "
        elif not before.startswith("("):
            text += "."
        text += segment
    return text


def place_of(doc: str, part: int, clause: str | None) -> str:
    where = f"第{part}篇" if part != INDEXED_PART else ""
    if clause is None:
        return where
    if doc == "000":
        return f"{where}第 {clause} 条"
    return f"{where} {_outline_place(clause)}".strip()


def describe(code: str) -> ClauseRef:
    """One citation in words; an unreadable one stays as written."""
    try:
        cited = parse_citation(code)
    except CitationError:
        return ClauseRef(code=(code or "").strip())
    title = _index()[1].get((cited.doc, cited.clause), "") if cited.part == INDEXED_PART and cited.clause else ""
    return ClauseRef(code=cited.text, doc=cited.doc, part=cited.part, clause=cited.clause,
                     document=document_name(cited.doc), place=place_of(cited.doc, cited.part, cited.clause), title=title)


def split_sources(value) -> list[str]:
    """A ``sources`` list, or one ``source`` string that may hold several (``000 §5.2.5、002 三.5``)."""
    if not value:
        return []
    if isinstance(value, str):
        return [s for s in re.split(r"\s*[、;;,,]\s*(?=\d{3}\b)", value.strip()) if s]
    return [s for item in value for s in split_sources(item)]


def in_words(text: str | None) -> str:
    """Plain text with every citation written in it (or, for a source field, the whole of it) in words."""
    text = text or ""
    if not citation_spans(text) and split_sources(text) and describe(split_sources(text)[0]).document:
        return "、".join(describe(code).name for code in split_sources(text))
    return "".join(replace_citations(text, lambda ref, named: ref.name if named else ref.place or ref.code))


def replace_citations(text: str, render) -> list:
    """``text`` in pieces: the prose between citations as it is, and ``render(ref, named)`` for each citation
    (``named``: it names its document; False for "、§5.2.7" after "000 §5.2.5")."""
    out, last = [], 0
    for span in citation_spans(text):
        out += [text[last:span.start], render(describe(span.citation.text), span.named)]
        last = span.end
    return [*out, text[last:]]


@cache
def _whole_clauses(seeds_dir: str) -> dict[tuple[str, str], str]:
    try:
        found = extract_clauses(seeds_dir, limit=1_000_000)
    except (SeedError, OSError):
        return {}
    return {(doc, clause.id): clause.title_excerpt for doc, clauses in found.items() for clause in clauses}


def whole_text(ref: "ClauseRef", seeds_dir) -> str:
    """The clause's whole text from the seed documents when they are at hand (``SEEDS_DIR``), else ""."""
    return _whole_clauses(str(seeds_dir)).get((ref.doc, ref.clause), "") if ref.title else ""


@dataclass(frozen=True)
class ClausePage:
    ref: ClauseRef
    ancestors: list[ClauseRef]
    children: list[ClauseRef]
    text: str = ""  # the whole clause when the seed documents are at hand; the index's opening words otherwise


def clause_page(code: str, seeds_dir=None) -> ClausePage | None:
    """The clause, the clauses above it and the ones right under it; None when the index does not hold it."""
    ref = describe(code)
    if not ref.title:
        return None
    _titles, _clauses, order = _index()
    prefix = "篇1 " if ref.doc == "001" else ("§" if ref.doc == "000" else "")
    parts = ref.clause.split(".")
    ancestors = [describe(f"{ref.doc} {prefix}{'.'.join(parts[:n])}") for n in range(1, len(parts))]
    children = [describe(f"{ref.doc} {prefix}{cid}") for cid in order[ref.doc]
                if cid.startswith(ref.clause + ".") and cid.count(".") == ref.clause.count(".") + 1]
    text = (whole_text(ref, seeds_dir) if seeds_dir else "") or ref.title
    return ClausePage(ref, [a for a in ancestors if a.title], children, text)
