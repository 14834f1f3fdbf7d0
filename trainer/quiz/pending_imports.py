"""Uploaded bank files between the import preview and its confirmation (题库 › 导入). Pure: no Flask, no database.

Why the file stays on the server: the confirmation must import exactly the file that was previewed and must not
trust anything the browser sends back. Sending the questions (or the file) back through the page would put up to
16 MB in a hidden field and still need a signature; asking for the file again lets the trainer confirm a preview of
one file with another. So the preview stores the bytes here under a random token (``secrets.token_urlsafe``, 32
bytes: not guessable), with the uploader's id, the file name and the choices made on the form (target bank, title,
batch 出处); the confirmation gets them back only for the same user and within ``max_age``, and reads the file again
with the same reader (trainer/quiz/banks.py ``preview_import``).

- One folder (``BANK_IMPORT_DIR``, default ``<instance>/bank-imports``) created with mode 0700, each upload two
  files ``<token>.bin`` (the bytes) and ``<token>.json`` (who, when, what), created with mode 0600: other system
  accounts cannot read them, and the web never serves that folder.
- A token is bound to its uploader: another user (an admin too) is told the preview is not theirs.
- Removed when confirmed (after the import committed) or cancelled; the ones past ``max_age`` are removed whenever
  a preview is stored or read (:meth:`PendingImports.sweep`), so nothing piles up.
"""

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from trainer.errors import Conflict, Forbidden, NotFound

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32); also keeps any path out of the file names


@dataclass
class Pending:
    token: str
    owner_id: int
    filename: str
    data: bytes
    created: float  # seconds since the epoch
    fields: dict = field(default_factory=dict)


class PendingImports:
    def __init__(self, folder: Path | str, max_age: float = 30 * 60):
        self.folder = Path(folder)
        self.max_age = max_age

    def _paths(self, token: str) -> tuple[Path, Path]:
        return self.folder / f"{token}.bin", self.folder / f"{token}.json"

    def put(self, owner_id: int, filename: str, data: bytes, fields: dict, now: float) -> str:
        """Keep an uploaded file for ``owner_id``; returns its token."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.sweep(now)
        token = secrets.token_urlsafe(32)
        blob, meta = self._paths(token)
        _write_private(blob, data)
        _write_private(meta, json.dumps({"owner": owner_id, "filename": filename, "created": now, "fields": fields},
                                        ensure_ascii=False).encode("utf-8"))
        return token

    def get(self, token, owner_id: int, now: float) -> Pending:
        """The file kept under ``token`` for ``owner_id``: NotFound when unknown (or already used), Conflict when
        expired (and then removed), Forbidden when another user uploaded it."""
        self.sweep(now, keep=token)
        if not isinstance(token, str) or not TOKEN.match(token):
            raise NotFound("这次预览无效,请重新上传文件。", "malformed bank import token")
        blob, meta = self._paths(token)
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            data = blob.read_bytes()
        except FileNotFoundError as exc:
            raise NotFound("这次预览已导入、已取消或已过期,请重新上传文件。", f"no pending bank import {token[:6]}…") from exc
        if info["owner"] != owner_id:
            raise Forbidden("这次预览不是您做的,不能由您确认;请自己上传文件。",
                            f"user {owner_id} tried to confirm user {info['owner']}'s bank import {token[:6]}…")
        if now - info["created"] > self.max_age:
            self.drop(token)
            raise Conflict(f"这次预览已超过 {self.max_age / 60:g} 分钟,已失效,请重新上传文件。",
                           f"bank import {token[:6]}… expired")
        return Pending(token, info["owner"], info["filename"], data, info["created"], info.get("fields", {}))

    def drop(self, token: str) -> None:
        if isinstance(token, str) and TOKEN.match(token):
            for path in self._paths(token):
                path.unlink(missing_ok=True)

    def sweep(self, now: float, keep: str | None = None) -> int:
        """Remove the uploads older than ``max_age`` (``keep``: one the caller reads next and reports itself)."""
        removed = 0
        if not self.folder.is_dir():
            return removed
        for meta in self.folder.glob("*.json"):
            token = meta.stem
            if token == keep:
                continue
            try:
                created = json.loads(meta.read_text(encoding="utf-8"))["created"]
            except (OSError, ValueError, KeyError, TypeError):  # being written or removed by another request
                created = _modified(meta, now)
            if now - created > self.max_age:
                self.drop(token)
                removed += 1
        for blob in self.folder.glob("*.bin"):  # a blob whose description was never written (a crash between them)
            if not blob.with_suffix(".json").exists() and now - _modified(blob, now) > self.max_age:
                blob.unlink(missing_ok=True)
                removed += 1
        return removed


def _modified(path: Path, default: float) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return default


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` readable and writable by this account only (never an existing file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
