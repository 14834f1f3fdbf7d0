"""``trainer content hours`` and the credit warnings of ``trainer content check``: text, JSON, exit codes."""

import json
import re
import shutil

import pytest
from flask import Flask

from tests.conftest import CONTENT
from trainer.courses.cli import content as content_group


@pytest.fixture
def app():
    """The content commands read files and settings only: a bare app with CONTENT_DIR is enough."""
    app = Flask(__name__)
    app.config["CONTENT_DIR"] = str(CONTENT)
    return app


def run(app, *args):
    return app.test_cli_runner().invoke(content_group, list(args))


def test_fixture_modules_credit_more_than_they_offer(app):
    result = run(app, "hours")
    assert result.exit_code == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Rates: reading 300 Han characters/min")
    row = next(line for line in lines if line.startswith("counter-basics "))
    assert row.split()[1:3] == ["ethics", "1.5h"] and row.endswith("OVER")
    assert lines[-1].startswith("Modules crediting more than they offer: 2: counter-basics, phone-basics")
    assert any(line.startswith("Annual requirement (ethics + law, target 16h") for line in lines)


def test_json_report(app):
    result = run(app, "hours", "--json")
    data = json.loads(result.stdout)
    assert data["rates"]["reading_chars_per_minute"] == 300
    module = next(m for m in data["modules"] if m["id"] == "counter-basics")
    assert module["credit_minutes"] == 90 and module["over_credited"] is True
    assert module["quiz"]["items"] == 3 and module["scenarios"][0]["id"] == "counter-greeting"
    assert set(module["activities"]) == {"question", "case", "reflection", "classroom"}


def test_check_warns_but_passes(app):
    result = run(app, "check")
    assert result.exit_code == 0, result.stderr
    assert re.search(r"WARNING counter-basics: credits 1\.5 h but offers about \d+ min of self-study", result.stderr)


def test_honest_credits_exit_0(app, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    for module in (root / "courses/demo-course").glob("*.md"):  # a quarter hour, and two reflections (20 min) to back it
        text = re.sub(r"hours: [0-9.]+", "hours: 0.25", module.read_text(encoding="utf-8"))
        module.write_text(text + "\n### 反思任务一：我的做法\n写一写。\n\n### 反思任务二：我的改进\n写一写。\n", encoding="utf-8")
    result = run(app, "hours", "--root", str(root))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "Modules crediting more than they offer: 0"
    check = run(app, "check", "--root", str(root))
    assert check.exit_code == 0 and "but offers about" not in check.stderr
