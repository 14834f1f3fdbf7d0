"""``trainer content check|import|coverage|hours``."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.content import load_content
from trainer.content.hours import credit_warnings
from trainer.content.quality import quality
from trainer.content.rubrics import verify_examples
from trainer.courses.quality_cli import quality_command
from trainer.extensions import db


def _root(path: str | None) -> Path:
    return Path(path) if path else Path(current_app.config["CONTENT_DIR"])


def _load_or_exit(root: Path):
    content, errors = load_content(root)
    if not errors:  # examples are scored only against rubrics that parsed
        errors = verify_examples(content.scenarios.values())
    if not errors:  # options are shuffled: a text that names an option's position misleads (content/quality.py)
        errors = quality(content).errors
    for error in errors:
        click.echo(f"ERROR {error}", err=True)
    if errors:
        click.echo(f"{len(errors)} error(s) in {root}; nothing imported.", err=True)
        sys.exit(1)
    return content


@click.group()
def content():
    """课程内容:检查、导入、覆盖率 / Content files: check, import, coverage."""


@content.command("check")
@click.option("--root", type=click.Path(file_okay=False), help="Content root (default: CONTENT_DIR).")
@with_appcontext
def check_command(root):
    """Validate courses/, question_banks/ and scenarios/; exit 1 on any error."""
    loaded = _load_or_exit(_root(root))
    for warning in quality(loaded).warnings:  # near-duplicates, guessable keys: see `content quality`
        click.echo(f"WARNING {warning}", err=True)
    for warning in credit_warnings(loaded):  # warnings, not errors: a credit is a judgement, see `content hours`
        click.echo(f"WARNING {warning}", err=True)
    counts = loaded.counts()
    click.echo("OK: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


content.add_command(quality_command)


@content.command("import")
@click.option("--root", type=click.Path(file_okay=False), help="Content root (default: CONTENT_DIR).")
@with_appcontext
def import_command(root):
    """Load all content into the database (idempotent; never deletes learner history)."""
    from trainer.importing import import_content

    loaded = _load_or_exit(_root(root))
    report = import_content(loaded)
    db.session.commit()
    click.echo("Imported: " + (report.summary() or "nothing changed"))


@content.command("coverage")
@click.option("--root", type=click.Path(file_okay=False), help="Content root (default: CONTENT_DIR).")
@click.option("--seeds", type=click.Path(file_okay=False), help="Seeds folder (default: SEEDS_DIR or <repo>/../shared/seeds).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--uncovered-only", is_flag=True, help="List only the clauses nothing cites.")
@click.option("--declared-only", is_flag=True, help="Count only declared sources, not citations quoted in text.")
@click.option("--write-index", is_flag=True, help="Regenerate the vendored clause index from the seeds and exit.")
@with_appcontext
def coverage_command(root, seeds, as_json, uncovered_only, declared_only, write_index):
    """For every clause of the source documents: the modules, questions and scenarios that cite it.

    Exit 2 when the seeds folder is missing (without --seeds, the vendored index
    trainer/content/clauses.json is used instead)."""
    import json

    from trainer.content import coverage as cov
    from trainer.content.coverage_text import render
    from trainer.content.seeds import seeds_folder

    explicit = seeds or current_app.config.get("SEEDS_DIR")
    seeds_dir = seeds_folder(explicit)
    try:
        clauses, origin = cov.load_clauses(seeds_dir, required=bool(explicit) or write_index)
    except cov.SeedError as exc:
        click.echo(f"ERROR {exc}. Pass --seeds PATH or set TRAINER_SEEDS_DIR.", err=True)
        sys.exit(2)
    if write_index:
        path = cov.write_index(clauses, seeds_dir, cov.INDEX_PATH)
        click.echo(f"Wrote {sum(map(len, clauses.values()))} clauses to {path}")
        return
    if not explicit and origin.startswith("vendored"):
        click.echo(f"NOTE using the {origin}", err=True)
    loaded, errors = load_content(_root(root))
    if errors:
        click.echo(f"WARNING {len(errors)} content error(s) (see `trainer content check`); "
                   "coverage counts what could be read.", err=True)
    report = cov.coverage(loaded, clauses, declared_only=declared_only)
    if as_json:
        click.echo(json.dumps(report.to_dict(uncovered_only=uncovered_only), ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(render(report, uncovered_only=uncovered_only)))


@content.command("hours")
@click.option("--root", type=click.Path(file_okay=False), help="Content root (default: CONTENT_DIR).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def hours_command(root, as_json):
    """Per module: credit, characters, reading time, activities and their time; totals per category.

    Exit 1 when a module credits more than its self-study estimate (see trainer/content/hours.py for the rates)."""
    import json

    from trainer.content.hours import hours_report
    from trainer.content.hours_text import render, to_dict
    from trainer.hours import HoursPolicy

    loaded, errors = load_content(_root(root))
    if errors:
        click.echo(f"WARNING {len(errors)} content error(s) (see `trainer content check`); "
                   "hours count what could be read.", err=True)
    report = hours_report(loaded)
    policy = HoursPolicy.from_config(current_app.config)
    if as_json:
        click.echo(json.dumps(to_dict(report), ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(render(report, policy.categories, policy.target_minutes)))
    if report.over_credited():
        sys.exit(1)
