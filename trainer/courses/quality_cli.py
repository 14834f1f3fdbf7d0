"""``trainer content quality``: guessability per bank and near-duplicate pairs (rules in trainer/content/quality.py)."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.content import ContentSet, load_content
from trainer.content.quality import BankStats, QualityReport, course_of_bank, quality

_COLUMNS = ("bank", "single", "longest key", "pick longest", "multiple", "all-but-one", "T/F true", "false T/F", "give-away", "ordering",
            "3 steps", "ASCII punct.")


def _cell(part: int, whole: int) -> str:
    return f"{part}/{whole} {part / whole:4.0%}" if whole else "-"


def _row(stats: BankStats) -> tuple[str, ...]:
    guess = f"{stats.longest_guess / stats.single:.0%} ({stats.chance / stats.single:.0%})" if stats.single else "-"
    return (stats.bank, str(stats.single), _cell(stats.longest_key, stats.single), guess, str(stats.multiple),
            _cell(stats.all_but_one, stats.multiple), _cell(stats.true, stats.true + stats.false), str(stats.false), _cell(stats.giveaway_false, stats.false),
            str(stats.ordering), _cell(stats.three_steps, stats.ordering),
            _cell(stats.ascii_punctuation, stats.questions))


def totals(content: ContentSet, report: QualityReport) -> dict[str, BankStats]:
    """Per course (through the modules that quiz from a bank), then over every bank."""
    courses = course_of_bank(content)
    groups: dict[str, BankStats] = {}
    for stats in report.stats:
        for name in (f"course {courses.get(stats.bank) or '(no module)'}", "all banks"):
            groups.setdefault(name, BankStats(name)).add(stats)
    return dict(sorted(groups.items(), key=lambda kv: kv[0] == "all banks"))


def render(content: ContentSet, report: QualityReport) -> list[str]:
    """The table (pick longest: what a guesser who always picks the longest option scores, blind chance in
    brackets), then the near-duplicate pairs."""
    rows = [_COLUMNS, *(_row(s) for s in report.stats), *(_row(s) for s in totals(content, report).values())]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(report.stats) + 2, "")
    marked = [p for p in report.duplicates if p.marked]
    open_pairs = [p for p in report.duplicates if not p.marked]
    lines += ["", f"Near-duplicates across banks: {len(open_pairs)} unmarked, {len(marked)} marked duplicate_of"]
    for pair in report.duplicates:
        lines.append(f"  {pair.score:5.1f}  {pair.a} ~ {pair.b}{'  same clause' if pair.same_source else ''}"
                     f"{'  (marked)' if pair.marked else ''}")
    lines += ["", f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"]
    return lines


def to_dict(content: ContentSet, report: QualityReport) -> dict:
    def stats_dict(s: BankStats) -> dict:
        return {**vars(s), "shares": {k: round(v, 3) for k, v in s.shares().items()}}

    return {"banks": [stats_dict(s) for s in report.stats],
            "totals": {name: stats_dict(s) for name, s in totals(content, report).items()},
            "duplicates": [vars(p) for p in report.duplicates],
            "errors": [str(e) for e in report.errors], "warnings": [str(w) for w in report.warnings]}


@click.command("quality")
@click.option("--root", type=click.Path(file_okay=False), help="Content root (default: CONTENT_DIR).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def quality_command(root, as_json):
    """Guessability per bank and course, near-duplicate pairs, errors and warnings.

    Exit 1 when a question refers to an option by its position (or the content does not load)."""
    loaded, errors = load_content(Path(root) if root else Path(current_app.config["CONTENT_DIR"]))
    for error in errors:
        click.echo(f"ERROR {error}", err=True)
    report = quality(loaded)
    if as_json:
        click.echo(json.dumps(to_dict(loaded, report), ensure_ascii=False, indent=1))
    else:
        for problem in report.errors:
            click.echo(f"ERROR {problem}", err=True)
        for warning in report.warnings:
            click.echo(f"WARNING {warning}", err=True)
        click.echo("\n".join(render(loaded, report)))
    if errors or report.errors:
        sys.exit(1)
