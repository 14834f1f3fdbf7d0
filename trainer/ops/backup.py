"""Backup and restore: the whole database and the audio folder in one .tar.gz.

The database is written table by table as JSON lines through SQLAlchemy, so the same archive restores
into SQLite or PostgreSQL (moving a demo to production is a restore). The archive records the schema
revision; restore refuses an archive from a different revision rather than guessing.
"""

import base64
import datetime as dt
import io
import json
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy import LargeBinary, MetaData, select, text

FORMAT = 1


def _encode(value):
    if isinstance(value, dt.datetime | dt.date):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


def _decode(value, column):
    if isinstance(value, dict) and "$dt" in value:
        parsed = dt.datetime.fromisoformat(value["$dt"])
        return parsed.date() if column.type.python_type is dt.date else parsed
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    return value


def _revisions(connection) -> list[str]:
    try:
        return sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:
        return []


def create_backup(engine, audio_dir: Path, target: Path) -> dict:
    """Write the archive to ``target`` (via a temp file, then rename). Returns counts."""
    metadata = MetaData()
    metadata.reflect(engine)
    counts: dict[str, int] = {}
    target = Path(target)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".partial", delete=False) as handle:
        partial = Path(handle.name)
    try:
        with tarfile.open(partial, "w:gz") as archive, engine.connect() as connection:
            for table in metadata.sorted_tables:
                if table.name == "alembic_version":
                    continue
                buffer = io.BytesIO()
                rows = connection.execute(select(table)).mappings()
                for row in rows:
                    buffer.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False).encode() + b"\n")
                    counts[table.name] = counts.get(table.name, 0) + 1
                _add_bytes(archive, f"db/{table.name}.jsonl", buffer.getvalue())
            audio_files = 0
            if audio_dir.exists():
                for path in sorted(audio_dir.rglob("*")):
                    if path.is_file() and not path.name.endswith(".partial"):
                        archive.add(path, arcname=f"audio/{path.relative_to(audio_dir)}")
                        audio_files += 1
            manifest = {"format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(),
                        "revisions": _revisions(connection), "tables": counts, "audio_files": audio_files}
            _add_bytes(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def restore_backup(engine, audio_dir: Path, source: Path) -> dict:
    """Replace every row of the (already migrated) database and the audio folder with the archive's.
    All database writes happen in one transaction: a failure leaves the database as it was."""
    with tarfile.open(source, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise ValueError(f"unsupported backup format {manifest.get('format')!r}")
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.begin() as connection:
            current = _revisions(connection)
            if manifest["revisions"] != current:
                raise ValueError(f"backup schema {manifest['revisions']} differs from database schema {current}; "
                                 "restore into a database at the same revision")
            tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
            for table in reversed(tables):
                connection.execute(table.delete())
            for table in tables:
                member = f"db/{table.name}.jsonl"
                try:
                    data = archive.extractfile(member).read().decode()
                except KeyError:
                    continue
                rows = [json.loads(line) for line in data.splitlines() if line]
                columns = {c.name: c for c in table.columns}
                rows = [{k: _decode(v, columns[k]) for k, v in row.items() if k in columns} for row in rows]
                if rows:
                    connection.execute(table.insert(), rows)
            if engine.dialect.name == "postgresql":
                _reset_sequences(connection, tables)
        audio_dir.mkdir(parents=True, exist_ok=True)
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith("audio/"):
                relative = Path(member.name).relative_to("audio")
                if ".." in relative.parts:
                    raise ValueError(f"unsafe path in archive: {member.name}")
                destination = audio_dir / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.extractfile(member).read())
    return manifest


def _reset_sequences(connection, tables) -> None:
    """After inserting explicit ids, move each serial sequence past the largest id."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is not False and column.type.python_type is int and not isinstance(column.type, LargeBinary):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
                    f"COALESCE((SELECT MAX(\"{column.name}\") FROM \"{table.name}\"), 0) + 1, false) "
                    f"WHERE pg_get_serial_sequence('\"{table.name}\"', '{column.name}') IS NOT NULL"
                ))
