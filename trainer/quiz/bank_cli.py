"""``trainer bank list | import | export``: question banks from the command line, through the same preview and
import as the 题库 › 导入 page (trainer/quiz/banks.py ``preview_import`` / ``import_bank``).

Who acts: ``import`` needs ``--as USERNAME``, an active trainer or admin account. The import runs with that
person's rights (a trainer writes only banks of their unit; a new bank belongs to them and their unit, an admin's
to no unit) and the audit log names them, as if they had used the page. ``list`` and ``export`` read only; without
``--as`` they see every bank (whoever runs the command can read the database anyway), with it what that person
may read.

``import`` exit status: 0 every question of the file imported (or, with ``--dry-run``, would be); 2 some imported
and some skipped (不支持) or in error (需修改); 1 nothing imported: a file-level error, no importable question,
``--all-or-nothing`` with any question not importable, or a refusal (rights, unknown bank or user, ``--as``
missing). Click itself exits with 2 on an unknown option or a missing argument, before anything is read.

``--json`` prints one JSON object per line for each question of the file, in file order:
``{"name", "status": "imported" | "skipped" | "error", "type", "reason", "number", "code", "warnings"}``
(``error``: 需修改, the file must be fixed; ``skipped``: 不支持, or left out because ``--all-or-nothing`` refused the
file), then one summary object ``{"summary": true, "imported", "skipped", "errors", "created", "updated",
"unchanged", "retired", "bank", "title", "format", "dry_run", "exit_code", "file_errors"}``.
"""

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from trainer.auth import policy
from trainer.auth.models import User
from trainer.errors import TrainerError
from trainer.extensions import db
from trainer.quiz import banks
from trainer.quiz.bankio import BankPreview, PreviewItem
from trainer.quiz.models import QuestionBank

ALL_IMPORTED, NOTHING_IMPORTED, SOME_SKIPPED = 0, 1, 2


def _endings() -> dict[str, str]:
    """Format name → the first file ending its reader is registered under (``gift`` → ``.gift``)."""
    endings: dict[str, str] = {}
    for ending, (fmt, _read) in banks.PREVIEW_READERS.items():
        endings.setdefault(fmt, ending)
    return endings


def _actor(username: str | None, *, required: bool) -> User | None:
    if username is None:
        if required:
            raise click.ClickException("--as USERNAME is required: the import runs with that trainer's or admin's rights "
                                   "and the audit log names them.")
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or user.role not in policy.STAFF_ROLES:
        raise click.ClickException(f"--as {username}: no active trainer or admin account with that username.")
    return user


def _fail(error: TrainerError) -> None:
    click.echo(f"Error: {error.message} ({error.detail})", err=True)
    sys.exit(NOTHING_IMPORTED)


@click.group("bank")
def bank():
    """题库:列出、导入、导出 / Question banks: list, import, export."""


@bank.command("list")
@click.option("--as", "username", help="List only the banks this trainer or admin may read.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per bank.")
@with_appcontext
def list_command(username: str | None, as_json: bool):
    """Every bank: key, origin, unit, active and retired questions."""
    actor = _actor(username, required=False)
    rows = banks.readable_banks(actor) if actor else list(db.session.scalars(select(QuestionBank).order_by(
        QuestionBank.retired, QuestionBank.origin, QuestionBank.key)))
    for row in rows:
        active = sum(1 for q in row.questions if not q.retired)
        record = {"key": row.key, "title": row.title, "origin": row.origin, "unit": row.unit.name if row.unit else None,
                  "active": active, "retired": len(row.questions) - active, "bank_retired": row.retired}
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(f"{row.key:<24} {row.origin:<8} {active:>5} active {record['retired']:>4} retired  "
                       f"{row.title}{' (retired)' if row.retired else ''}{' · ' + record['unit'] if record['unit'] else ''}")
    db.session.rollback()


def _lines(preview: BankPreview, written: bool, mode: str) -> list[dict]:
    """One object per question: what became of it (or, in a dry run, what would)."""
    refused_whole_file = not written
    out = []
    for item in preview.items:
        if item.status == "ok":
            status = "skipped" if refused_whole_file else "imported"
            reason = ("没有导入:" + ("文件中有题目需修改或不支持,--all-or-nothing 时不导入任何题目。" if mode == "all"
                                    else "文件不能导入。")) if refused_whole_file else ""
        else:
            status = "error" if item.status == "fix" else "skipped"
            reason = ";".join(item.reasons) or item.status_label
        out.append({"name": item.name, "status": status, "type": item.type or item.file_type, "reason": reason,
                    "number": item.number, "code": item.code, "warnings": item.warnings})
    return out


def _status(lines: list[dict]) -> int:
    imported = sum(1 for line in lines if line["status"] == "imported")
    if not imported:
        return NOTHING_IMPORTED
    return ALL_IMPORTED if imported == len(lines) else SOME_SKIPPED


def _human(item: PreviewItem, line: dict) -> str:
    name = f" {item.name}" if item.name else ""
    text = f"  #{item.number}{name} [{line['type'] or '?'}] {line['status']}"
    return text + (f": {line['reason']}" if line["reason"] else "")


@bank.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted({fmt for fmt, _ in banks.PREVIEW_READERS.values()})),
              help="Read the file as this format (default: from its ending: .xlsx, .gift/.txt, .xml).")
@click.option("--bank", "bank_key", help="Import into this trainer bank (replaces its questions; missing ones are retired).")
@click.option("--title", default="", help="Title of the new bank (default: the file's category, else its name).")
@click.option("--source", default="", help="出处 for every question that gives none, e.g. '000 §5.2.1'.")
@click.option("--all-or-nothing", is_flag=True, help="Import only if every question is importable.")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question, then a summary object.")
@click.option("--as", "username", help="The trainer or admin the import runs as (required; named in the audit log).")
@with_appcontext
def import_command(file: Path, fmt: str | None, bank_key: str | None, title: str, source: str, all_or_nothing: bool,
                   dry_run: bool, as_json: bool, username: str | None):
    """Import a GIFT, Moodle XML or Excel file into a new bank or an existing trainer bank."""
    if bank_key and title:
        raise click.ClickException("--bank and --title exclude each other: --title names a new bank.")
    actor = _actor(username, required=True)
    mode = "all" if all_or_nothing else "good"
    name = file.name if fmt is None else f"{file.stem}{_endings()[fmt]}"
    try:
        preview = banks.preview_import(name, file.read_bytes(), default_source=source)
        target = banks.get_bank(bank_key) if bank_key else None
        if target is not None:
            banks.require_writable(actor, target)
        summary = None
        if preview.importable(mode):
            summary = banks.import_bank(actor, preview, bank=target, filename=file.name, mode=mode,
                                        title=title or ("" if target else preview.title or file.stem))
    except TrainerError as error:
        db.session.rollback()
        _fail(error)
    lines = _lines(preview, summary is not None, mode)
    code = _status(lines) if not preview.errors else NOTHING_IMPORTED
    report = {
        "summary": True, "imported": sum(1 for line in lines if line["status"] == "imported"),
        "skipped": sum(1 for line in lines if line["status"] == "skipped"),
        "errors": sum(1 for line in lines if line["status"] == "error"),
        **{k: getattr(summary, k) if summary else 0 for k in ("created", "updated", "unchanged", "retired")},
        "bank": summary.bank.key if summary and not dry_run else bank_key, "title": summary.bank.title if summary else title,
        "format": preview.format, "dry_run": dry_run, "exit_code": code, "file_errors": [str(e) for e in preview.errors],
    }
    if dry_run or summary is None:
        db.session.rollback()
    else:
        db.session.commit()
    if as_json:
        for line in lines:
            click.echo(json.dumps(line, ensure_ascii=False))
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        for item, line in zip(preview.items, lines, strict=True):
            if line["status"] != "imported":
                click.echo(_human(item, line))
        for error in preview.errors:
            click.echo(f"  {error}")
        verb = "would import" if dry_run else "imported"
        where = f" into {report['bank']}" if report["bank"] else ""
        click.echo(f"{verb} {report['imported']}, skipped {report['skipped']}, errors {report['errors']}{where}"
                   + (f" (created {report['created']}, updated {report['updated']}, unchanged {report['unchanged']},"
                      f" retired {report['retired']})" if summary else ""))
    sys.exit(code)


@bank.command("export")
@click.argument("bank_key", metavar="BANK")
@click.option("--format", "fmt", type=click.Choice(sorted(banks.EXPORTERS)), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="The file to write ('-' for standard output).")
@click.option("--as", "username", help="Export only if this trainer or admin may read the bank.")
@with_appcontext
def export_command(bank_key: str, fmt: str, output: Path, username: str | None):
    """Write a bank's active questions as GIFT, Moodle XML or Excel."""
    actor = _actor(username, required=False)
    try:
        row = banks.readable_bank(actor, bank_key) if actor else banks.get_bank(bank_key)
        data, _name, _mimetype = banks.export_bank(row, fmt)
        count = sum(1 for q in row.questions if not q.retired)
    except TrainerError as error:
        _fail(error)
    finally:
        db.session.rollback()
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(data)
    click.echo(f"Wrote {count} question(s) of {bank_key} to {output} ({fmt}).")
