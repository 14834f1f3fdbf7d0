"""``trainer backup`` / ``trainer restore``."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.extensions import db
from trainer.ops.backup import create_backup, restore_backup


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path):
    """Write the database and the audio files to TARGET (.tar.gz)."""
    manifest = create_backup(db.engine, Path(current_app.config["AUDIO_DIR"]), target)
    rows = sum(manifest["tables"].values())
    click.echo(f"Backup written to {target}: {rows} rows in {len(manifest['tables'])} tables, {manifest['audio_files']} audio files")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool):
    """Replace the database contents and audio files with those in SOURCE."""
    from flask_migrate import upgrade

    if not yes:
        click.confirm("This replaces every row of the current database. Continue?", abort=True)
    upgrade(revision="heads")
    try:
        manifest = restore_backup(db.engine, Path(current_app.config["AUDIO_DIR"]), source)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {sum(manifest['tables'].values())} rows and {manifest['audio_files']} audio files from {source}")
