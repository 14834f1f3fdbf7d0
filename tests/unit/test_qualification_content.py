"""courses/qualifications/*.yaml: parsed, validated with file/key/problem, cross-checked against content."""

import shutil
from pathlib import Path

from trainer.content import load_content

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "content"


def _root_with(tmp_path, text: str) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    (root / "courses" / "qualifications").mkdir(exist_ok=True)
    (root / "courses" / "qualifications" / "demo-clerk.yaml").write_text(text, encoding="utf-8")
    return root


def test_shipped_qualifications_are_valid_and_reference_real_content():
    content, errors = load_content(REPO)
    assert errors == []
    clerk = content.qualifications["counter-service-clerk"]
    assert clerk.title == "营业厅柜台服务上岗资格"
    assert clerk.exam == "counter-service-exam" and clerk.exam in content.exams
    assert set(clerk.modules) <= set(content.modules) and set(clerk.scenarios) <= set(content.scenarios)
    assert all(s.startswith("counter-") for s in clerk.scenarios) and clerk.validity_months == 12
    assert "qualifications" not in content.courses  # the folder is not read as a course


def test_a_valid_definition_with_defaults(tmp_path):
    root = _root_with(tmp_path, "id: demo-clerk\ntitle: 测试资格\nmodules: [counter-basics]\nexam: {key: demo-exam}\n")
    content, errors = load_content(root)
    assert errors == []
    q = content.qualifications["demo-clerk"]
    assert (q.exam_pass_percent, q.scenario_min_score, q.validity_months, q.scenarios) == (80, 80, 12, [])


def test_errors_name_file_line_and_problem(tmp_path):
    root = _root_with(tmp_path, (
        "id: demo-clerk\ntitle: 测试资格\nmodules: [counter-basics, no-such-module]\n"
        "exam: {key: no-such-exam, pass_percent: 120}\nscenarios: {min_score: 80, ids: [ghost-scenario]}\n"
        "validity_months: 0\n"))
    _content, errors = load_content(root)
    text = "\n".join(str(e) for e in errors)
    assert "courses/qualifications/demo-clerk.yaml: modules[1]: no module 'no-such-module'" in text
    assert "no scenario 'ghost-scenario'" in text
    assert "no exam 'no-such-exam'" in text
    assert "pass_percent' must be 1–100" in text and "validity_months must be 1–120" in text
    assert "line 4" in text


def test_id_must_match_file_and_something_is_required(tmp_path):
    root = _root_with(tmp_path, "id: other-name\ntitle: 空资格\n")
    _content, errors = load_content(root)
    problems = [e.problem for e in errors]
    assert any("must equal the file name" in p for p in problems)
    assert any("at least one of 'modules', 'exam', 'scenarios'" in p for p in problems)
