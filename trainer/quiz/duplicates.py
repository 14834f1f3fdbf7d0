"""Which questions of an exam's pool must not share a paper: near-duplicates citing the same clause (issue 17).

The rule itself is pure (``trainer.content.similarity.keep_apart``); this module reads the pool's text."""

import json

from sqlalchemy import select

from trainer.content.similarity import keep_apart, statement
from trainer.extensions import db
from trainer.quiz.models import Question


def kept_apart(question_ids: list[int]) -> dict[int, frozenset[int]]:
    """``{question id: ids it must not share a paper with}`` among ``question_ids`` (absent: no constraint)."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(Question.id, Question.type, Question.stem, Question.options_json, Question.answer_json, Question.source)
        .where(Question.id.in_(question_ids), Question.source != "")
    ).all()
    return keep_apart({qid: (source, statement(qtype, stem, json.loads(options), json.loads(answer)))
                       for qid, qtype, stem, options, answer, source in rows})
