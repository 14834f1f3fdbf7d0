"""``trainer content check`` rejects position references and warns about quality; ``trainer content quality``."""

import json
import shutil
from pathlib import Path

import pytest

from trainer.courses.cli import content as content_group

FIXTURE = Path(__file__).parent.parent / "fixtures" / "content"


@pytest.fixture
def root(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def run(app, *args):
    return app.test_cli_runner().invoke(content_group, list(args))


def point_at_positions(root: Path) -> None:
    bank = root / "question_banks" / "demo-bank.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("起身、示座、倾听。", "前三项都对。"), encoding="utf-8")


def test_check_fails_on_a_position_reference_and_import_refuses(app, root):
    point_at_positions(root)
    for command in ("check", "import"):
        result = run(app, command, "--root", str(root))
        assert result.exit_code == 1, result.output
        assert "ERROR question_banks/demo-bank.yaml: demo-002.explanation: refers to an option by its position ('前三项')" in result.stderr


def test_check_passes_with_quality_warnings(app, root):
    result = run(app, "check", "--root", str(root))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    # the fixture bank writes ASCII punctuation in Chinese text: a warning, not an error
    assert "WARNING question_banks/demo-bank.yaml: questions: 4 question(s) use ASCII punctuation" in result.stderr


def test_quality_report_as_text_and_json(app, root):
    (root / "question_banks" / "other-bank.yaml").write_text(
        "id: other-bank\ntitle: 另一题库\nquestions:\n  - id: other-001\n    type: fill_blank\n"
        "    stem: 按南方电网规范，电话铃响____声内应接听。\n    answer: ['5']\n    explanation: 五声以内接听。\n"
        "    source: \"000 §5.2.1\"\n    difficulty: 1\n", encoding="utf-8")
    text = run(app, "quality", "--root", str(root))
    assert text.exit_code == 0, text.stderr
    assert text.stdout.splitlines()[0].split()[:4] == ["bank", "single", "longest", "key"]
    assert "demo-004 ~ other-001  same clause" in text.stdout
    data = json.loads(run(app, "quality", "--root", str(root), "--json").stdout)
    demo = next(b for b in data["banks"] if b["bank"] == "demo-bank")
    assert (demo["multiple"], demo["all_but_one"], demo["ordering"], demo["three_steps"]) == (1, 1, 1, 1)
    assert [(d["a"], d["b"], d["marked"]) for d in data["duplicates"]] == [("demo-004", "other-001", False)]
    assert "all banks" in data["totals"]

    point_at_positions(root)
    assert run(app, "quality", "--root", str(root)).exit_code == 1
