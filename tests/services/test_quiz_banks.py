"""Question-bank import/export through the database: round trips, all-or-nothing, and trainer banks
surviving content re-import."""

import pytest
from sqlalchemy import func, select

from tests.conftest import CONTENT
from trainer.content import load_content
from trainer.errors import Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.importing import import_content
from trainer.quiz import banks
from trainer.quiz.excel import read_workbook
from trainer.quiz.models import Question, QuestionBank


@pytest.fixture
def trainer(people, content):
    return people["trainer_east"]


def _defs(bank):
    return [(q.type, q.stem, q.options, q.answer, q.explanation, q.source, q.difficulty, q.tags)
            for q in bank.questions if not q.retired]


@pytest.mark.parametrize("fmt", ["xlsx", "gift", "xml"])
def test_export_import_export_gives_the_same_bank(trainer, fmt):
    shipped = banks.get_bank("demo-bank")
    data, name, _mime = banks.export_bank(shipped, fmt)
    summary = banks.import_bank(trainer, banks.parse_file(name, data), title="复制的题库", filename=name)
    db.session.commit()
    copy = summary.bank
    assert copy.key.startswith("t-") and copy.origin == "trainer" and summary.created == 5
    assert _defs(copy) == _defs(shipped)
    assert [banks.code_of(copy, q) for q in copy.questions] == [q.key for q in shipped.questions]
    again, name2, _ = banks.export_bank(copy, fmt)
    if fmt == "gift":
        assert again.decode().split("\n", 1)[1] == data.decode().split("\n", 1)[1]  # same but for the title line
    summary = banks.import_bank(trainer, banks.parse_file(name2, again), bank=copy)
    db.session.commit()
    assert (summary.created, summary.updated, summary.retired, summary.unchanged) == (0, 0, 0, 5)


def test_reimport_updates_matches_by_code_or_stem_and_retires_missing(trainer):
    data, name, _ = banks.export_bank(banks.get_bank("demo-bank"), "xlsx")
    bank = banks.import_bank(trainer, banks.parse_file(name, data), title="本所题库").bank
    db.session.commit()
    original_ids = {q.key: q.id for q in bank.questions}
    parsed = read_workbook(data)
    parsed.questions[0][1].explanation = "改过的解析"
    parsed.questions[1][1].id = ""  # no 编号: matched by its stem
    del parsed.questions[4]
    summary = banks.import_bank(trainer, parsed, bank=bank)
    db.session.commit()
    assert (summary.created, summary.updated, summary.unchanged, summary.retired) == (0, 1, 3, 1)
    assert {q.key: q.id for q in bank.questions} == original_ids  # same rows: learners' history stays attached
    assert [q.retired for q in bank.questions].count(True) == 1


def test_a_file_with_errors_imports_nothing(trainer):
    from tests.unit.test_quiz_bank_formats import _row, _sheet

    data = _sheet([
        _row(题型="判断题", 题干="好的一行", 答案="对", 出处="000 §5.1"),
        _row(题型="判断题", 题干="坏的一行", 答案="也许", 出处="000 §5.1"),
    ])
    parsed = banks.parse_file("x.xlsx", data)
    assert [e.row for e in parsed.errors] == [3]
    with pytest.raises(ValidationFailed):
        banks.import_bank(trainer, parsed, title="不应出现")
    db.session.rollback()
    assert db.session.scalar(select(func.count(QuestionBank.id)).where(QuestionBank.origin == "trainer")) == 0


def test_shipped_banks_cannot_be_overwritten_and_trainees_cannot_import(trainer, people):
    data, name, _ = banks.export_bank(banks.get_bank("demo-bank"), "gift")
    parsed = banks.parse_file(name, data)
    with pytest.raises(Forbidden):
        banks.import_bank(trainer, parsed, bank=banks.get_bank("demo-bank"))
    with pytest.raises(Forbidden):
        banks.import_bank(people["trainee_east"], parsed, title="x")
    with pytest.raises(ValidationFailed):
        banks.parse_file("bank.docx", b"")


def test_content_reimport_keeps_trainer_banks(trainer):
    data, name, _ = banks.export_bank(banks.get_bank("demo-bank"), "xlsx")
    bank = banks.import_bank(trainer, banks.parse_file(name, data), title="培训师题库").bank
    db.session.commit()
    loaded, errors = load_content(CONTENT)
    assert errors == []
    report = import_content(loaded)
    db.session.commit()
    assert "banks" not in report.retired and "questions" not in report.retired
    db.session.refresh(bank)
    assert not bank.retired and all(not q.retired for q in bank.questions)
    assert db.session.scalar(select(func.count(Question.id))) == 10


def test_exams_from_content_are_imported_and_retired_with_their_file(app, content, tmp_path):
    import shutil

    from trainer.quiz.models import Exam

    exam = db.session.scalar(select(Exam).where(Exam.key == "demo-exam"))
    assert exam.origin == "content" and exam.question_count == 5 and exam.max_points == 10
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    extra = root / "question_banks" / "exams" / "extra-exam.yaml"
    extra.write_text((root / "question_banks" / "exams" / "demo-exam.yaml").read_text(encoding="utf-8")
                     .replace("id: demo-exam", "id: extra-exam"), encoding="utf-8")
    for expected in ("created", "retired"):
        loaded, errors = load_content(root)
        assert errors == []
        report = import_content(loaded)
        db.session.commit()
        assert getattr(report, expected).get("exams") == 1
        extra.unlink(missing_ok=True)
    assert db.session.scalar(select(Exam).where(Exam.key == "extra-exam")).retired
    assert not exam.retired
