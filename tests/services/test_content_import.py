"""Importing content is idempotent and never deletes learner history."""

import shutil

from sqlalchemy import func, select

from tests.conftest import CONTENT
from trainer.content import load_content
from trainer.courses import services
from trainer.courses.models import Module, Section, SectionRead
from trainer.extensions import db
from trainer.importing import import_content
from trainer.quiz.models import Question
from trainer.roleplay.models import ScenarioTurn


def _import(root):
    content, errors = load_content(root)
    assert errors == []
    report = import_content(content)
    db.session.commit()
    return report


def test_import_creates_everything(app):
    report = _import(CONTENT)
    assert report.created == {"banks": 1, "questions": 5, "courses": 1, "modules": 2, "sections": 5, "scenarios": 2, "turns": 6,
                              "exams": 1, "paths": 1, "assessment standards": 1}
    assert db.session.scalar(select(func.count(Question.id))) == 5
    turn = db.session.scalar(select(ScenarioTurn).where(ScenarioTurn.position == 1,
                                                      ScenarioTurn.scenario.has(key="counter-greeting")))
    assert turn.expect[0] == "您好" and turn.scenario.key == "counter-greeting"


def test_reimport_changes_nothing(app):
    _import(CONTENT)
    report = _import(CONTENT)
    assert report.created == {} and report.updated == {} and report.retired == {}


def test_reimport_updates_text_and_retires_removed_without_losing_reads(app, make_user, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    _import(root)
    learner = make_user()
    module = db.session.scalar(select(Module).where(Module.key == "counter-basics"))
    removed = next(s for s in module.sections if s.key == "标准用语")
    services.mark_section_read(learner, removed.id)
    services.mark_section_read(learner, module.sections[0].id)
    db.session.commit()

    path = root / "courses/demo-course/01-counter-basics.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("客户走近柜台时", "客户来到柜台前时").split("## 标准用语")[0]
    path.write_text(text, encoding="utf-8")
    report = _import(root)

    assert report.updated.get("sections") == 1 and report.retired == {"sections": 1}
    db.session.refresh(module)
    assert "客户来到柜台前时" in module.sections[0].body_markdown
    assert db.session.scalar(select(func.count(SectionRead.id))) == 2  # history kept
    assert db.session.get(Section, removed.id).retired is True
    progress = services.module_progress(learner)[module.id]
    assert (progress.done, progress.total) == (1, 2)  # retired sections no longer count


def test_mark_read_is_idempotent(app, content, make_user):
    learner = make_user()
    module = services.get_module("counter-basics")
    for _ in range(3):
        services.mark_section_read(learner, module.sections[0].id)
    db.session.commit()
    assert services.module_progress(learner)[module.id].done == 1
