"""The store an import preview keeps its file in (trainer/quiz/pending_imports.py): private files, bound to the
uploader, expiring, swept — including a file whose description a crash never wrote."""

import os
import stat

import pytest

from trainer.errors import Conflict, Forbidden, NotFound
from trainer.quiz.pending_imports import PendingImports


def test_kept_read_back_only_by_its_owner_until_it_expires(tmp_path):
    store = PendingImports(tmp_path / "kept", max_age=60)
    token = store.put(7, "题库.gift", b"data", {"target": "", "title": "t", "source": "000 §5"}, now=1000.0)
    assert stat.S_IMODE((tmp_path / "kept").stat().st_mode) == 0o700
    pending = store.get(token, 7, now=1059.0)
    assert (pending.filename, pending.data, pending.fields["source"]) == ("题库.gift", b"data", "000 §5")
    with pytest.raises(Forbidden):
        store.get(token, 8, now=1001.0)
    with pytest.raises(Conflict):
        store.get(token, 7, now=1061.0)
    with pytest.raises(NotFound):  # removed when found expired
        store.get(token, 7, now=1001.0)


@pytest.mark.parametrize("token", [None, "", "../secret_key", "a/b", "x" * 42])
def test_malformed_tokens_never_reach_the_file_system(tmp_path, token):
    with pytest.raises(NotFound):
        PendingImports(tmp_path).get(token, 1, now=0.0)


def test_sweep_removes_old_uploads_and_orphaned_blobs(tmp_path):
    store = PendingImports(tmp_path, max_age=60)
    old = store.put(1, "a.gift", b"a", {}, now=0.0)
    orphan = tmp_path / ("o" * 43 + ".bin")
    orphan.write_bytes(b"x")
    os.utime(orphan, (0, 0))
    new = store.put(1, "b.gift", b"b", {}, now=100.0)  # storing sweeps
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{new}.bin", f"{new}.json"])
    assert old != new
