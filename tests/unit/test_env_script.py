"""scripts/_env.sh installs the Python package once per pyproject.toml and extras, so that running
./scripts/demo.sh again on an intranet machine needs no network (pip fetches setuptools to build an editable
install even when everything is already there). Run with a stand-in venv whose pip only logs its calls."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPTS / "_env.sh", tmp_path / "scripts" / "_env.sh")
    (tmp_path / "scripts" / "run.sh").write_text('source "$(dirname "$0")/_env.sh"\npython_env "$1"\n')
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, body in {"python": "exit 0", "pip": 'echo "$*" >> "$PIP_LOG"; exit "${PIP_RC:-0}"'}.items():
        (bin_dir / name).write_text(f"#!/usr/bin/env bash\n{body}\n")
        (bin_dir / name).chmod(stat.S_IRWXU)
    return tmp_path


def _run(tree, extras="", **env):
    log = tree / "pip.log"
    result = subprocess.run(["bash", str(tree / "scripts" / "run.sh"), extras], capture_output=True, text=True,
                            env={**os.environ, "TRAINER_VENV": str(tree / "venv"), "PIP_LOG": str(log), **env})
    return result.returncode, log.read_text().splitlines() if log.exists() else []


def test_installs_once_then_again_only_when_pyproject_or_extras_change(tree):
    rc, calls = _run(tree)
    assert rc == 0 and calls == ["install -q --upgrade pip", "install -q -e ."]
    assert _run(tree) == (0, calls)  # nothing to do: no pip, no network
    (tree / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '2'\n")
    assert _run(tree)[1][2:] == ["install -q --upgrade pip", "install -q -e ."]
    assert _run(tree, "[test]")[1][4:] == ["install -q --upgrade pip", "install -q -e .[test]"]
    assert len(_run(tree, "[test]")[1]) == 6 and len(_run(tree)[1]) == 6


def test_a_failed_install_is_tried_again(tree):
    rc, calls = _run(tree, PIP_RC="1")
    assert rc != 0 and calls == ["install -q --upgrade pip"]  # set -e stops at the failure; no stamp written
    rc, calls = _run(tree)
    assert rc == 0 and calls[1:] == ["install -q --upgrade pip", "install -q -e ."]
