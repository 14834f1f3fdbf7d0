"""Recordings on disk: under ``AUDIO_DIR`` (outside the web root), named by the server, never by the upload.

A name is ``<2 hex>/<32 hex>.wav``: random, so one trainee cannot guess another's file, and sharded so no
folder grows past a few thousand files. Files are written under a temporary name and renamed into place,
so a crash mid-write never leaves a half file under a name the database points at.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

NAME_PATTERN = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}\.wav$")


def new_name() -> str:
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}.wav"


def path_for(root: str | Path, name: str) -> Path:
    """The file for a stored ``name``; ``ValueError`` for anything that is not a name we generated."""
    if not NAME_PATTERN.match(name or ""):
        raise ValueError(f"not a stored audio name: {name!r}")
    return Path(root) / name


def save(root: str | Path, data: bytes) -> str:
    """Write ``data`` durably and return its new name."""
    name = new_name()
    final = path_for(root, name)
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    return name


def read(root: str | Path, name: str) -> bytes:
    return path_for(root, name).read_bytes()
