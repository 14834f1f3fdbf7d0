"""Plain-text rendering of a CoverageReport for the terminal (CJK characters count two columns)."""

import unicodedata
from collections import Counter

from trainer.content.coverage import CoverageReport
from trainer.content.seeds import PARSERS

STATUS = {"cited": "yes", "via-children": "sub", "uncovered": "NO"}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, columns: int) -> str:
    """Cut to ``columns`` display columns (with … when cut) and pad to exactly that width."""
    if width(text) > columns:
        out = ""
        for ch in text:
            if width(out + ch) > columns - 1:
                break
            out += ch
        text = out + "…"
    return text + " " * (columns - width(text))


def _ids(row, limit: int = 60) -> str:
    ids = [i for kind in ("modules", "questions", "scenarios") for i in row.cited_by[kind]]
    shown, used = [], 0
    for item in ids:
        if used + len(item) + 2 > limit and shown:
            break
        shown.append(item)
        used += len(item) + 2
    rest = len(ids) - len(shown)
    return ", ".join(shown) + (f", … (+{rest})" if rest else "")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def render(report: CoverageReport, *, uncovered_only: bool = False) -> list[str]:
    lines: list[str] = []
    for doc, rows in report.documents.items():
        totals = report.totals(doc)
        part = " 篇1" if doc in ("000", "001") else ""
        lines.append(f"{doc} {PARSERS[doc].title}{part}: {totals['clauses']} clauses, {totals['cited']} cited "
                     f"({_pct(totals['cited'], totals['clauses'])}), {totals['via-children']} via children only, "
                     f"{totals['uncovered']} uncovered")
        shown = [r for r in rows if r.status == "uncovered"] if uncovered_only else rows
        if shown:
            lines.append(f"  {fit('clause', 16)} {fit('excerpt', 30)} {'cited':5} {'M':>3} {'Q':>3} {'S':>3}  cited by")
        for row in shown:
            label = PARSERS[doc].label(row.clause.id)
            counts = " ".join(f"{len(row.cited_by[k]):>3}" for k in ("modules", "questions", "scenarios"))
            lines.append(f"  {fit(label, 16)} {fit(row.clause.title_excerpt, 30)} {STATUS[row.status]:5} {counts}  {_ids(row)}".rstrip())
        lines.append("")
    uncovered = report.uncovered()
    lines.append(f"Uncovered clauses ({len(uncovered)}):" + ("" if uncovered else " none"))
    for doc in report.documents:
        labels = [c.label + ("*" if c.ancestor_cited else "") for c in report.uncovered(doc)]
        if labels:
            lines.append(f"  {doc}: " + ", ".join(label.split(" ", 1)[1] for label in labels))
    if any(c.ancestor_cited for c in uncovered):
        lines.append("  (* a parent clause is cited; a parent citation does not cover its children)")
    via = report.via_children()
    lines.append(f"Covered only through their children ({len(via)}):" + ("" if via else " none"))
    for doc in report.documents:
        labels = [c.label.split(" ", 1)[1] for c in report.via_children(doc)]
        if labels:
            lines.append(f"  {doc}: " + ", ".join(labels))
    lines.append(f"Unresolved citations ({len(report.unresolved)}):" + ("" if report.unresolved else " none"))
    for ref in report.unresolved:
        lines.append(f"  {ref.citation}: {ref.reason} [{ref.kind[:-1]} {ref.item_id}]")
    outside = Counter(r.citation for r in report.outside)
    lines.append(f"Citations outside the indexed parts ({len(report.outside)}):"
                 + (" " + ", ".join(f"{c} ×{n}" for c, n in sorted(outside.items())) if outside else " none"))
    totals = report.totals()
    items = ", ".join(f"{n} {kind}" for kind, n in report.items.items())
    lines.append(
        f"Summary: {totals['clauses']} clauses; {totals['cited']} cited ({_pct(totals['cited'], totals['clauses'])}), "
        f"{totals['via-children']} via children only, {totals['uncovered']} uncovered; "
        f"{report.citations} item-clause citations from {items}"
        + ("; declared sources only" if report.declared_only else "")
    )
    return lines
