"""``trainer content check|import|coverage``."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.content import load_content
from trainer.extensions import db


def _root(path: str | None) -> Path:
    return Path(path) if path else Path(current_app.config["CONTENT_DIR"])


def _load_or_exit(root: Path):
    content, errors = load_content(root)
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
    counts = loaded.counts()
    click.echo("OK: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@content.command("import")
@click.option("--root", type=click.Path(file_okay=False), help="Content root (default: CONTENT_DIR).")
@with_appcontext
def import_command(root):
    """Load all content into the database (idempotent; never deletes learner history)."""
    from trainer.courses.importer import import_content

    loaded = _load_or_exit(_root(root))
    report = import_content(loaded)
    db.session.commit()
    click.echo("Imported: " + (report.summary() or "nothing changed"))
