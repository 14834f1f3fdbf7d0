"""Which clauses of the source documents the content cites. Pure: no Flask, no database.

Rules (documented in docs/content-format.md, "Coverage"):
- An item (module, question, scenario) cites a clause through its declared ``sources``/``source``
  and, unless ``declared_only``, through citations written in its text (module sections; question
  stem, options, explanation; scenario situation and tips): a module that quotes ``——001 篇1 九.(一)``
  teaches that clause even if its front matter lists only ``001 篇1 九``.
- A citation covers exactly the clause it names. Citing a parent (``000 §5.2``) covers the parent,
  not its children, so "uncovered" stays honest; a parent that nobody cites but whose descendants
  are cited is reported as covered *via children*, apart from both lists.
- Citations of parts outside the index (``000 篇2``, ``001 篇5 三``) are listed as *outside*;
  citations that name no indexed clause (a typo, or the ambiguous ``004 三.b``) as *unresolved*.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from trainer.content.citations import Citation, CitationError, find_citations, parse_citation
from trainer.content.loader import ContentSet
from trainer.content.seeds import (
    INDEX_PATH,
    PARSERS,
    Clause,
    SeedError,
    extract_clauses,
    load_index,
    write_index,
)

__all__ = [
    "INDEX_PATH", "Clause", "CoverageReport", "SeedError", "coverage", "extract_clauses",
    "load_clauses", "load_index", "write_index",
]

KINDS = ("modules", "questions", "scenarios")
INDEXED_PART = 1  # 000 and 001 are indexed for 篇1 only; 002–004 have no parts


def clause_label(doc: str, clause_id: str) -> str:
    """How content cites the clause: ``000 §5.2.1``, ``001 篇1 八.(一).6``, ``002 三.5``."""
    return f"{doc} {PARSERS[doc].label(clause_id)}"


@dataclass
class ClauseCoverage:
    doc: str
    clause: Clause
    cited_by: dict[str, list[str]]  # kind → sorted item ids
    status: str = "uncovered"  # cited | via-children | uncovered
    ancestor_cited: bool = False  # uncovered, but a parent clause is cited

    @property
    def label(self) -> str:
        return clause_label(self.doc, self.clause.id)

    def to_dict(self) -> dict:
        return {"id": self.clause.id, "label": self.label, "title": self.clause.title_excerpt,
                "status": self.status, "ancestor_cited": self.ancestor_cited, **self.cited_by}


@dataclass(frozen=True)
class Reference:
    """A citation that did not land on an indexed clause, and where it was found."""

    citation: str
    kind: str
    item_id: str
    reason: str

    def to_dict(self) -> dict:
        return {"citation": self.citation, "kind": self.kind, "item": self.item_id, "reason": self.reason}


@dataclass
class CoverageReport:
    documents: dict[str, list[ClauseCoverage]]
    unresolved: list[Reference] = field(default_factory=list)
    outside: list[Reference] = field(default_factory=list)
    items: dict[str, int] = field(default_factory=dict)  # kind → how many items were read
    citations: int = 0  # citations that landed on an indexed clause (item × clause pairs)
    declared_only: bool = False

    def with_status(self, status: str, doc: str | None = None) -> list[ClauseCoverage]:
        docs = [doc] if doc else list(self.documents)
        return [c for d in docs for c in self.documents[d] if c.status == status]

    def uncovered(self, doc: str | None = None) -> list[ClauseCoverage]:
        return self.with_status("uncovered", doc)

    def via_children(self, doc: str | None = None) -> list[ClauseCoverage]:
        return self.with_status("via-children", doc)

    def totals(self, doc: str | None = None) -> dict[str, int]:
        docs = [doc] if doc else list(self.documents)
        rows = [c for d in docs for c in self.documents[d]]
        counts = {status: sum(1 for c in rows if c.status == status)
                  for status in ("cited", "via-children", "uncovered")}
        return {"clauses": len(rows), **counts}

    def to_dict(self, *, uncovered_only: bool = False) -> dict:
        wanted = {"uncovered"} if uncovered_only else {"cited", "via-children", "uncovered"}
        return {
            "declared_only": self.declared_only,
            "items": self.items,
            "citations": self.citations,
            "totals": self.totals(),
            "documents": {
                doc: {"title": PARSERS[doc].title, "totals": self.totals(doc),
                      "clauses": [c.to_dict() for c in rows if c.status in wanted]}
                for doc, rows in self.documents.items()
            },
            "uncovered": {doc: [c.label for c in self.uncovered(doc)] for doc in self.documents},
            "via_children": {doc: [c.label for c in self.via_children(doc)] for doc in self.documents},
            "unresolved": [r.to_dict() for r in self.unresolved],
            "outside": [r.to_dict() for r in self.outside],
        }


def _items(content: ContentSet) -> Iterator[tuple[str, str, list[str], list[str]]]:
    """(kind, id, declared citations, texts that may quote citations) for every citing item."""
    for module in content.modules.values():
        texts = [module.title] + [f"{s.title}\n{s.body}" for s in module.sections]
        yield "modules", module.id, list(module.sources), texts
    for bank in content.banks.values():
        for question in bank.questions:
            texts = [question.stem, *question.options, question.explanation]
            yield "questions", question.id, [question.source] if question.source else [], texts
    for scenario in content.scenarios.values():
        texts = [scenario.title, scenario.situation] + [t.tips for t in scenario.turns]
        yield "scenarios", scenario.id, list(scenario.sources), texts


def _citations(declared: list[str], texts: list[str], declared_only: bool) -> Iterator[tuple[Citation | None, str, bool]]:
    for text in declared:
        try:
            yield parse_citation(text), text, True
        except CitationError as exc:
            yield None, f"{text} ({exc})", True
    if not declared_only:
        for text in texts:
            for citation in find_citations(text):
                yield citation, citation.text, False


def coverage(content: ContentSet, clauses: dict[str, list[Clause]], *, declared_only: bool = False) -> CoverageReport:
    """Map every citation in ``content`` onto ``clauses`` (from ``extract_clauses`` or ``load_index``)."""
    index = {doc: {c.id for c in items} for doc, items in clauses.items()}
    hits: dict[tuple[str, str], dict[str, set[str]]] = {}
    report = CoverageReport({}, declared_only=declared_only, items=dict.fromkeys(KINDS, 0))
    unresolved: set[Reference] = set()
    outside: set[Reference] = set()
    for kind, item_id, declared, texts in _items(content):
        report.items[kind] += 1
        for citation, text, is_declared in _citations(declared, texts, declared_only):
            if citation is None:
                unresolved.add(Reference(text, kind, item_id, "unreadable citation"))
            elif citation.doc not in index:
                unresolved.add(Reference(text, kind, item_id, f"no clause index for document {citation.doc}"))
            elif citation.part != INDEXED_PART:
                outside.add(Reference(text, kind, item_id, f"篇{citation.part} is not indexed"))
            elif citation.clause is None:
                if is_declared:
                    unresolved.add(Reference(text, kind, item_id, "names a document but no clause"))
            elif citation.clause not in index[citation.doc]:
                unresolved.add(Reference(text, kind, item_id, _missing_reason(citation, index[citation.doc])))
            else:
                hits.setdefault((citation.doc, citation.clause), {}).setdefault(kind, set()).add(item_id)
    report.citations = sum(len(ids) for by_kind in hits.values() for ids in by_kind.values())
    for doc, items in clauses.items():
        rows = []
        cited = {c.id for c in items if (doc, c.id) in hits}
        with_cited_descendant = {ancestor for cid in cited for ancestor in _ancestors(cid)}
        for clause in items:
            by_kind = hits.get((doc, clause.id), {})
            row = ClauseCoverage(doc, clause, {k: sorted(by_kind.get(k, ())) for k in KINDS})
            if clause.id in cited:
                row.status = "cited"
            elif clause.id in with_cited_descendant:
                row.status = "via-children"
            row.ancestor_cited = row.status == "uncovered" and any(a in cited for a in _ancestors(clause.id))
            rows.append(row)
        report.documents[doc] = rows
    order = {kind: i for i, kind in enumerate(KINDS)}
    report.unresolved = sorted(unresolved, key=lambda r: (r.citation, order[r.kind], r.item_id))
    report.outside = sorted(outside, key=lambda r: (r.citation, order[r.kind], r.item_id))
    return report


def _ancestors(clause_id: str) -> list[str]:
    parts = clause_id.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def _missing_reason(citation: Citation, ids: set[str]) -> str:
    head, _, tail = citation.clause.rpartition(".")
    matches = sorted(i for i in ids if head and i.startswith(head + ".") and i.endswith("." + tail)
                     and i.count(".") == citation.clause.count(".") + 1)
    if matches:  # "004 三.b": a letter without its numbered item
        return "ambiguous, did you mean " + " or ".join(clause_label(citation.doc, m) for m in matches) + "?"
    return f"no clause {citation.clause} in the {citation.doc} seed"


def load_clauses(seeds_dir: Path | None, *, required: bool) -> tuple[dict[str, list[Clause]], str]:
    """The clause index and where it came from: the seeds folder, or the vendored index when the
    folder is absent and was not asked for explicitly (``required``). Raises SeedError otherwise."""
    if seeds_dir is not None and Path(seeds_dir).is_dir():
        return extract_clauses(seeds_dir), f"seeds {seeds_dir}"
    if required:
        raise SeedError(f"seeds folder {seeds_dir} does not exist")
    if not INDEX_PATH.exists():
        raise SeedError(f"seeds folder {seeds_dir} does not exist and there is no vendored index {INDEX_PATH}")
    return load_index(INDEX_PATH), f"vendored index {INDEX_PATH} (seeds folder {seeds_dir} not found)"
