"""Question banks and exam blueprints from content into the database (see :mod:`trainer.importing`)."""

import json

from sqlalchemy import select

from trainer.content import ContentSet
from trainer.extensions import db
from trainer.importing import ImportReport, by_key, register, retire, upsert
from trainer.quiz.exams import import_exam_defs
from trainer.quiz.models import Question, QuestionBank


def import_banks(content: ContentSet, report: ImportReport) -> None:
    # Only banks that came from content files are ours to update or retire: banks trainers imported from
    # Excel/GIFT (origin 'trainer') and their questions are left alone.
    banks = by_key(QuestionBank, origin="content")
    questions = {q.key: q for q in db.session.scalars(
        select(Question).join(QuestionBank, Question.bank_id == QuestionBank.id).where(QuestionBank.origin == "content"))}
    for bank_def in content.banks.values():
        bank = upsert(QuestionBank, bank_def.id, report, "banks", banks, title=bank_def.title, retired=False)
        for position, q in enumerate(bank_def.questions):
            upsert(
                Question, q.id, report, "questions", questions,
                bank=bank, position=position, type=q.type, stem=q.stem,
                options_json=json.dumps(q.options, ensure_ascii=False),
                answer_json=json.dumps(q.answer, ensure_ascii=False),
                explanation=q.explanation, source=q.source, difficulty=q.difficulty,
                tags_json=json.dumps(q.tags, ensure_ascii=False), retired=False,
            )
    retire(banks, report, "banks")
    retire(questions, report, "questions")


def import_exams(content: ContentSet, report: ImportReport) -> None:
    import_exam_defs(content.exams, report)  # blueprints draw from the banks just imported


register("question banks", 10, import_banks)
register("exams", 40, import_exams)
