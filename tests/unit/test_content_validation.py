"""Broken content files: every error names the file, the line or key, and the problem."""

import shutil
from pathlib import Path

import pytest

from trainer.content import load_content

FIXTURE = Path(__file__).parent.parent / "fixtures" / "content"


@pytest.fixture
def root(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def errors_of(root) -> list[str]:
    _content, errors = load_content(root)
    return [str(e) for e in errors]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fixture_content_is_valid(root):
    content, errors = load_content(root)
    assert errors == []
    assert content.counts() == {"courses": 1, "modules": 2, "banks": 1, "questions": 5, "scenarios": 2, "turns": 6,
                                "exams": 1, "paths": 1}
    module = content.modules["counter-basics"]
    assert [s.key for s in module.sections] == ["greet", "先外后内", "标准用语"]
    assert module.credit.minutes == 90


def test_repository_content_is_valid():
    repo = Path(__file__).parent.parent.parent
    _content, errors = load_content(repo)
    assert [str(e) for e in errors] == []


def test_yaml_syntax_error_names_line(root):
    replace(root / "question_banks/demo-bank.yaml", "title: 测试题库", "title: [测试题库")
    errors = errors_of(root)
    assert any(e.startswith("question_banks/demo-bank.yaml: line ") and "YAML syntax error" in e for e in errors)


def test_answer_index_out_of_range_names_key_and_line(root):
    replace(root / "question_banks/demo-bank.yaml", "answer: [1]", "answer: [7]")
    errors = errors_of(root)
    assert "question_banks/demo-bank.yaml: line 8, questions[0].answer: index 7 is out of range for 4 options" in errors


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("type: single", "type: essay", "unknown type 'essay'"),
        ("answer: [0, 1, 3]", "answer: [0]", "needs two or more distinct answers"),
        ("answer: [false]", "answer: [no_such]", "a true_false answer is [true] or [false]"),
        ("stem: 电话铃响____声内接听。", "stem: 电话铃响几声内接听。", "exactly one blank"),
        ("answer: [2, 1, 0]", "answer: [2, 2, 0]", "a permutation"),
        ("difficulty: 2", "difficulty: 5", "difficulty is 1, 2 or 3"),
        ('source: "000 §5.1.3"', "source: 规范第五条", "citation '规范第五条' must look like"),
        ("    explanation: 先外后内。\n", "", "missing required key 'explanation'"),
    ],
)
def test_question_problems(root, old, new, problem):
    replace(root / "question_banks/demo-bank.yaml", old, new)
    errors = errors_of(root)
    assert any(e.startswith("question_banks/demo-bank.yaml: line ") and problem in e for e in errors), errors


def test_duplicate_question_id_across_banks(root):
    text = (root / "question_banks/demo-bank.yaml").read_text(encoding="utf-8")
    (root / "question_banks/other-bank.yaml").write_text(text.replace("id: demo-bank", "id: other-bank"), encoding="utf-8")
    assert any("question id 'demo-001' is also used in" in e for e in errors_of(root))


def test_module_problems(root):
    module = root / "courses/demo-course/01-counter-basics.md"
    replace(module, "credit: {category: ethics, hours: 1.5}", "credit: {category: fun, hours: 1.2}")
    replace(module, "count: 3", "count: 30")
    replace(module, "scenarios: [counter-greeting]", "scenarios: [no-such-scenario]")
    errors = errors_of(root)
    file = "courses/demo-course/01-counter-basics.md"
    assert any(e.startswith(f"{file}: line 4, credit.category") and "unknown category 'fun'" in e for e in errors)
    assert any(e.startswith(f"{file}: line 4, credit.hours") and "0.25 steps" in e for e in errors)
    assert f"{file}: quiz.count: count 30 exceeds the 5 questions of bank 'demo-bank'" in errors
    assert f"{file}: scenarios: no scenario 'no-such-scenario' in scenarios/" in errors


def test_module_without_front_matter_or_sections(root):
    (root / "courses/demo-course/02-phone-basics.md").write_text("# 标题\n正文\n", encoding="utf-8")
    errors = errors_of(root)
    assert any("02-phone-basics.md: line 1: a module starts with YAML front matter" in e for e in errors)
    assert any("module 'phone-basics' has no file" in e for e in errors)


def test_text_before_first_section(root):
    replace(root / "courses/demo-course/02-phone-basics.md", "## 五声之内", "引言文字\n\n## 五声之内")
    errors = errors_of(root)
    assert any("02-phone-basics.md: line 7: text before the first '## ' heading" in e for e in errors), errors


def test_module_id_must_match_file_and_course_listing(root):
    replace(root / "courses/demo-course/02-phone-basics.md", "id: phone-basics", "id: Phone_Basics")
    errors = errors_of(root)
    assert any("not kebab-case" in e for e in errors)
    assert any("must equal the file name 'phone-basics'" in e for e in errors)


def test_scenario_problems(root):
    path = root / "scenarios/counter-greeting.yaml"
    replace(path, "setting: counter", "setting: kitchen")
    replace(path, "model_answer: 再见,您慢走!", "model_answer: 再见,快走!")
    replace(path, "max_seconds: 10", "max_seconds: 100")
    errors = errors_of(root)
    file = "scenarios/counter-greeting.yaml"
    assert any(e.startswith(f"{file}: line 3, setting") and "unknown setting 'kitchen'" in e for e in errors)
    assert any("turns[1].model_answer" in e and "fails its own rubric" in e and "phrase '慢走'" in e
               and "forbidden '快走'" in e for e in errors)
    assert any("turns[1].max_seconds" in e and "5–60" in e for e in errors)


def test_top_level_must_be_mapping(root):
    (root / "scenarios/counter-greeting.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    assert any("expected a mapping" in e for e in errors_of(root))
