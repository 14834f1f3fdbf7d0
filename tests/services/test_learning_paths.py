"""Learning paths: imported from files idempotently (retired, never deleted), or made in the UI."""

import shutil

import pytest
from sqlalchemy import select

from tests.conftest import CONTENT
from trainer.assignments import paths
from trainer.assignments.models import LearningPath
from trainer.content import load_content
from trainer.errors import Conflict, Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.importing import import_content


def _import(root):
    content, errors = load_content(root)
    assert errors == []
    report = import_content(content)
    db.session.commit()
    return report


def test_import_is_idempotent_and_retires_what_disappears(app, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    assert _import(root).created["paths"] == 1
    assert "paths" not in _import(root).updated
    row = paths.get_path("new-hire-onboarding")
    assert [(s.key, s.title, s.after) for s in row.active_steps] == [
        ("phone", "电话服务基础", []), ("counter", "柜台服务基础", ["phone"]),
        ("greeting", "客户来到柜台", ["counter"]), ("exam", "测试考试", ["phone", "counter", "greeting"])]

    file = root / "courses/paths/new-hire-onboarding.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.split("  - id: greeting")[0].replace("测试入职路径", "改名后的路径"), encoding="utf-8")
    report = _import(root)
    assert report.updated["paths"] == 1
    row = paths.get_path("new-hire-onboarding")
    assert row.title == "改名后的路径" and [s.key for s in row.active_steps] == ["phone", "counter"]
    assert len(row.steps) == 4  # the removed steps are retired, not deleted

    file.unlink()
    assert _import(root).retired["paths"] == 1
    assert db.session.scalar(select(LearningPath).where(LearningPath.key == "new-hire-onboarding")).retired


def test_ui_path_lifecycle(content, people):
    trainer = people["trainer_east"]
    row = paths.create_path(trainer, "  营业班周训  ", "每周一次")
    db.session.commit()
    assert row.key == f"ui-{row.id}" and row.title == "营业班周训" and row.source == "ui"
    first = paths.add_step(trainer, row, "module", "phone-basics", [])
    second = paths.add_step(trainer, row, "scenario", "counter-greeting", [first.key])
    third = paths.add_step(trainer, row, "exam", "demo-exam", [first.key, second.key])
    db.session.commit()
    assert [(s.title, s.after) for s in row.active_steps] == [
        ("电话服务基础", []), ("客户来到柜台", ["step-1"]), ("测试考试", ["step-1", "step-2"])]
    paths.remove_step(trainer, row, second.id)
    db.session.commit()
    assert [s.key for s in row.active_steps] == ["step-1", "step-3"] and third.after == ["step-1"]
    again = paths.add_step(trainer, row, "module", "counter-basics", ["step-3"])
    assert again.key == "step-4"  # keys are never reused


def test_ui_path_rules(content, people):
    trainer, other = people["trainer_east"], people["trainer_west"]
    row = paths.create_path(trainer, "路径")
    with pytest.raises(ValidationFailed):
        paths.create_path(trainer, "   ")
    with pytest.raises(ValidationFailed):
        paths.add_step(trainer, row, "module", "no-such-module", [])
    with pytest.raises(ValidationFailed):
        paths.add_step(trainer, row, "course", "demo-course", [])  # a path step is a module, scenario or exam
    with pytest.raises(ValidationFailed):
        paths.add_step(trainer, row, "module", "phone-basics", ["step-9"])
    with pytest.raises(Forbidden):
        paths.add_step(other, row, "module", "phone-basics", [])
    assert paths.can_edit(people["admin"], row) and not paths.can_edit(other, row)
    content_path = paths.get_path("new-hire-onboarding")
    with pytest.raises(Forbidden):
        paths.add_step(people["admin"], content_path, "module", "phone-basics", [])


def test_content_cannot_take_over_a_ui_path_key(content, people, tmp_path):
    row = paths.create_path(people["admin"], "界面路径")
    db.session.commit()
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    loaded, errors = load_content(root)
    loaded.paths[row.key] = loaded.paths.pop("new-hire-onboarding")
    loaded.paths[row.key].id = row.key
    with pytest.raises(Conflict):
        import_content(loaded)
