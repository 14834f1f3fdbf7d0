"""Learning path files: every error names the file, the line or key, and the problem."""

import shutil
from pathlib import Path

import pytest

from trainer.content import load_content

FIXTURE = Path(__file__).parent.parent / "fixtures" / "content"
REPO = Path(__file__).parent.parent.parent


@pytest.fixture
def root(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def write_path(root: Path, name: str, text: str) -> None:
    (root / "courses" / "paths" / f"{name}.yaml").write_text(text, encoding="utf-8")


def errors_of(root) -> list[str]:
    return [str(e) for e in load_content(root)[1]]


def test_fixture_path_parses_with_prerequisites(root):
    content, errors = load_content(root)
    assert errors == []
    path = content.paths["new-hire-onboarding"]
    assert [(s.id, s.kind, s.ref, s.after) for s in path.steps] == [
        ("phone", "module", "phone-basics", []), ("counter", "module", "counter-basics", ["phone"]),
        ("greeting", "scenario", "counter-greeting", ["counter"]), ("exam", "exam", "demo-exam", ["phone", "counter", "greeting"]),
    ]


def test_repository_onboarding_path_names_real_content():
    content, errors = load_content(REPO)
    assert errors == []
    path = content.paths["new-hire-onboarding"]
    assert path.title == "新员工入职培训"
    kinds = [s.kind for s in path.steps]
    assert kinds[0] == "module" and "scenario" in kinds and kinds[-1] == "exam"
    assert all(s.after for s in path.steps[1:])  # every step after the first has a prerequisite


def test_references_must_exist(root):
    write_path(root, "broken", """id: broken
title: 坏路径
steps:
  - {id: a, module: no-such-module}
  - {id: b, scenario: no-such-scenario}
  - {id: c, exam: no-such-exam}
""")
    errors = errors_of(root)
    assert "courses/paths/broken.yaml: steps[0].module: no module 'no-such-module' in courses/*/" in errors
    assert "courses/paths/broken.yaml: steps[1].scenario: no scenario 'no-such-scenario' in scenarios/" in errors
    assert "courses/paths/broken.yaml: steps[2].exam: no exam 'no-such-exam' in question_banks/exams/" in errors


def test_after_may_only_name_earlier_steps(root):
    write_path(root, "order", """id: order
title: 顺序
steps:
  - id: first
    module: phone-basics
    after: [second]
  - id: second
    module: counter-basics
    after: [second, first]
""")
    errors = errors_of(root)
    assert any("line 6, steps[0].after[0]: 'after' names 'second', which is not a step listed above this one" in e for e in errors)
    assert any("steps[1].after[0]: step 'second' cannot come after itself" in e for e in errors)
    assert len(errors) == 2


def test_step_shape_errors(root):
    write_path(root, "shape", """id: shape
title: 形状
steps:
  - id: two-kinds
    module: phone-basics
    scenario: counter-greeting
  - id: dup
    module: phone-basics
  - id: dup
    module: counter-basics
  - id: Bad_Id
    module: phone-basics
    colour: red
  - just a string
""")
    errors = errors_of(root)
    assert any("steps[0]: a step names exactly one of module, scenario, exam (found: module, scenario)" in e for e in errors)
    assert any("steps[2].id: step id 'dup' is used twice in this path" in e for e in errors)
    assert any("steps[3].id: 'Bad_Id' is not kebab-case" in e for e in errors)
    assert any("steps[3].colour: unknown key 'colour'" in e for e in errors)
    assert any("steps[4]: each step is a mapping of keys" in e for e in errors)


def test_file_level_errors(root):
    write_path(root, "ui-7", "id: ui-7\ntitle: 保留前缀\nsteps: [{id: a, module: phone-basics}]\n")
    write_path(root, "empty", "id: empty\ntitle: 空\nsteps: []\n")
    write_path(root, "wrong-name", "id: other-name\ntitle: 名字不对\nsteps: [{id: a, module: phone-basics}]\n")
    errors = errors_of(root)
    assert any(e.startswith("courses/paths/ui-7.yaml") and "kept for paths made in the web interface" in e for e in errors)
    assert any(e.startswith("courses/paths/empty.yaml") and "a path needs at least one step" in e for e in errors)
    assert any(e.startswith("courses/paths/wrong-name.yaml") and "must equal the file name 'wrong-name'" in e for e in errors)


def test_paths_folder_is_not_read_as_a_course(root):
    content, errors = load_content(root)
    assert "paths" not in content.courses and errors == []
