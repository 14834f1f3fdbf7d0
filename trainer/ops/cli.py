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


@click.group("person")
def person():
    """One person's data on request: export it, or delete it (keeping what must be kept)."""


def _user_row(username: str) -> dict:
    from sqlalchemy import select

    users = db.metadata.tables["user"]
    row = db.session.execute(select(users).where(users.c.username == username)).mappings().first()
    if row is None:
        raise click.ClickException(f"no user {username!r}")
    return dict(row)


@person.command("export")
@click.argument("username")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def person_export(username: str, target: Path):
    """Write every row that refers to USERNAME (JSON) and their recordings to TARGET (.zip)."""
    from trainer import audit
    from trainer.ops.person import export_person

    user = _user_row(username)
    manifest = export_person(db.session.connection(), db.metadata, user, Path(current_app.config["AUDIO_DIR"]), target)
    audit.record(None, "person.export", f"user:{user['id']}", tables=manifest["tables"])
    db.session.commit()
    rows = sum(manifest["tables"].values())
    click.echo(f"{username}: {rows} rows in {len(manifest['tables'])} tables and {manifest['audio_files']} recordings written to {target}")


@person.command("delete")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def person_delete(username: str, yes: bool):
    """Delete USERNAME's learning activity and recordings; keep hours, qualifications and the audit log
    under an anonymised account."""
    from trainer import audit
    from trainer.ops.person import delete_person, remove_audio

    user = _user_row(username)
    if not yes:
        click.confirm(f"Delete the learning records of {username} and anonymise the account?", abort=True)
    audio_dir = Path(current_app.config["AUDIO_DIR"])
    result = delete_person(db.session.connection(), db.metadata, user["id"], audio_dir)
    audit.record(None, "person.delete", f"user:{user['id']}", deleted=result["tables"])
    db.session.commit()
    removed = remove_audio(audio_dir, result["audio"])
    click.echo(f"{username} → deleted-{user['id']}: {sum(result['tables'].values())} rows deleted "
               f"({', '.join(f'{k} {v}' for k, v in sorted(result['tables'].items())) or 'none'}), {removed} recordings removed")
