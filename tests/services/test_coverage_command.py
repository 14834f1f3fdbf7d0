"""``trainer content coverage``: seeds lookup, exit codes, text and JSON output."""

import json

import pytest

import trainer
import trainer.content.coverage as cov
from tests.unit.test_coverage import SEED_000, SEED_001, SEED_002, SEED_003, SEED_004
from trainer.courses.cli import content as content_group


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    for doc, text in {"000": SEED_000, "001": SEED_001, "002": SEED_002, "003": SEED_003, "004": SEED_004}.items():
        (folder / f"{doc}_test.txt").write_text(text, encoding="utf-8")
    return folder


def run(app, *args):
    return app.test_cli_runner().invoke(content_group, ["coverage", *args])


def test_text_report_on_fixture_content(app, seeds):
    result = run(app, "--seeds", str(seeds))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("000 供电营业员工文明服务行为规范")
    assert any(line.split()[:1] == ["§3.1"] for line in lines)  # one row per clause
    assert any(line.startswith("Uncovered clauses (") for line in lines)
    assert lines[-1].startswith("Summary: ")


def test_json_uncovered_only(app, seeds):
    result = run(app, "--seeds", str(seeds), "--json", "--uncovered-only")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["items"] == {"modules": 2, "questions": 5, "scenarios": 2}  # tests/fixtures/content
    statuses = {c["status"] for d in data["documents"].values() for c in d["clauses"]}
    assert statuses == {"uncovered"}
    assert data["totals"]["clauses"] == 13 + 15 + 5 + 3 + 10


def test_missing_seeds_exit_2(app, tmp_path):
    result = run(app, "--seeds", str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert "seeds folder" in result.stderr and "does not exist" in result.stderr


def test_default_falls_back_to_vendored_index(app, tmp_path, monkeypatch):
    monkeypatch.setattr(trainer, "REPO_ROOT", tmp_path / "repo")  # no ../shared/seeds beside it
    result = run(app, "--json")
    assert result.exit_code == 0, result.stderr
    assert "NOTE using the vendored index" in result.stderr
    assert json.loads(result.stdout)["totals"]["clauses"] == sum(len(c) for c in cov.load_index().values())


def test_write_index(app, seeds, tmp_path, monkeypatch):
    target = tmp_path / "clauses.json"
    monkeypatch.setattr(cov, "INDEX_PATH", target)
    result = run(app, "--seeds", str(seeds), "--write-index")
    assert result.exit_code == 0, result.stderr
    assert "Wrote 46 clauses" in result.stdout
    assert cov.load_index(target)["003"][0].id == "一"
