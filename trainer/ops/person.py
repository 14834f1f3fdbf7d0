"""One person's data on request: export everything that refers to them, or erase what the law lets us.

Both walk the foreign keys of the live metadata rather than a hand-kept list, so a feature that adds a
table referring to ``user`` is covered without touching this module:

* **export**: every row that references the user (any column: owner or actor) and, transitively, the rows
  that reference those (a quiz attempt's items, a role-play session's attempts), as JSON, plus the
  person's recordings, in one zip; and the audit events about the person or about any of those rows
  (target ``user:<id>`` or ``<table>:<id>``, e.g. a trainer's override of their role-play verdict).
* **delete**: learner activity is deleted (rows owned through a ``user_id`` column, and their children,
  and the recordings). Records the company must keep — the hours ledger, qualification grants and their
  evidence, the audit log — stay, attached to the user row, which is anonymised: username
  ``deleted-<id>``, display name 已删除用户, no employee number, inactive, no password. Rows where the
  person appears only as the acting trainer or admin (``created_by_id`` …) are kept as they are.
"""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from pathlib import Path

from sqlalchemy import delete, select

from trainer.ops.backup import _encode

# Tables whose rows about a person are kept after a deletion request (retention duties).
RETAINED = {"hours_entry", "qualification_grant", "qualification_evidence", "audit_event"}
OWNER_COLUMN = "user_id"
DELETED_NAME = "已删除用户"


def _children(metadata, table_name: str):
    """(table, fk column) pairs for every foreign key pointing at ``table_name``."""
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name:
                yield table, fk.parent


def collect(connection, metadata, user_id: int, *, owner_only: bool = False, skip=frozenset()) -> dict[str, list[dict]]:
    """table name → rows (as dicts) that reference the user, directly or through a collected row."""
    found: dict[str, dict] = defaultdict(dict)  # table → {pk tuple: row}
    frontier = [("user", {user_id})]
    while frontier:
        parent, ids = frontier.pop()
        for table, column in _children(metadata, parent):
            if table.name in skip or table.name == "user":
                continue
            if owner_only and parent == "user" and column.name != OWNER_COLUMN:
                continue
            pk = [c.name for c in table.primary_key.columns]
            new_ids = set()
            for row in connection.execute(select(table).where(column.in_(sorted(ids)))).mappings():
                key = tuple(row[c] for c in pk)
                if key not in found[table.name]:
                    found[table.name][key] = dict(row)
                    if len(pk) == 1:
                        new_ids.add(row[pk[0]])
            if new_ids:
                frontier.append((table.name, new_ids))
    return {name: list(rows.values()) for name, rows in found.items() if rows}


def export_person(connection, metadata, user_row: dict, audio_dir: Path, target: Path) -> dict:
    rows = collect(connection, metadata, user_row["id"])
    rows = {"user": [user_row], **rows}
    if "audit_event" in metadata.tables:  # events about the person and their rows, not only those by them
        rows["audit_event"] = rows.get("audit_event", []) + _events_about(connection, metadata.tables["audit_event"], rows)
    audio = [r["audio_name"] for r in rows.get("roleplay_attempt", []) if r.get("audio_name")]
    counts = {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table_rows in sorted(rows.items()):
            clean = [{k: _encode(v) for k, v in r.items() if k != "password_hash"} for r in table_rows]
            archive.writestr(f"data/{name}.json", json.dumps(clean, ensure_ascii=False, indent=1))
            counts[name] = len(clean)
        stored = 0
        for name in audio:
            path = audio_dir / name
            if path.is_file():
                archive.write(path, f"audio/{name}")
                stored += 1
        manifest = {"user_id": user_row["id"], "username": user_row["username"], "tables": counts, "audio_files": stored}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _events_about(connection, events, rows: dict[str, list[dict]]) -> list[dict]:
    """Audit events whose target is one of ``rows`` (``<table>:<id>``), other than those already in it."""
    known = {r["id"] for r in rows.get("audit_event", [])}
    targets = sorted({f"{name}:{r['id']}" for name, table_rows in rows.items() for r in table_rows if "id" in r})
    found = []
    for start in range(0, len(targets), 500):  # a long IN list in pieces the databases take
        query = select(events).where(events.c.target.in_(targets[start:start + 500])).order_by(events.c.id)
        found += [dict(r) for r in connection.execute(query).mappings() if r["id"] not in known]
    return found


def delete_person(connection, metadata, user_id: int, audio_dir: Path) -> dict:
    """Delete the person's activity rows and recordings and anonymise the user row, in the caller's
    transaction. Returns table → rows deleted and the number of recordings removed."""
    rows = collect(connection, metadata, user_id, owner_only=True, skip=RETAINED)
    audio = [r["audio_name"] for r in rows.get("roleplay_attempt", []) if r.get("audio_name")]
    counts = {}
    for table in reversed(metadata.sorted_tables):  # children before parents
        if table.name not in rows:
            continue
        pk = list(table.primary_key.columns)
        keys = [tuple(r[c.name] for c in pk) for r in rows[table.name]]
        for key in keys:
            connection.execute(delete(table).where(*[c == v for c, v in zip(pk, key, strict=True)]))
        counts[table.name] = len(keys)
    users = metadata.tables["user"]
    connection.execute(users.update().where(users.c.id == user_id).values(
        username=f"deleted-{user_id}", display_name=DELETED_NAME, employee_no=None, active=False,
        password_hash="", must_change_password=False))
    return {"tables": counts, "audio": audio}


def remove_audio(audio_dir: Path, names: list[str]) -> int:
    """After the commit: the recordings of deleted attempts (a crash before this leaves orphan files, never
    rows pointing at missing files)."""
    from trainer.roleplay.services import storage

    removed = 0
    for name in names:
        path = storage.path_for(audio_dir, name)
        if path.is_file():
            path.unlink()
            removed += 1
    return removed
