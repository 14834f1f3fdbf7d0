"""An exam paper never holds two near-duplicate questions citing the same clause (issue 17)."""

import random
import shutil
from pathlib import Path

from trainer.content import load_content
from trainer.extensions import db
from trainer.importing import import_content
from trainer.quiz import services
from trainer.quiz.exams import get_exam
from trainer.timeutil import utcnow

FIXTURE = Path(__file__).parent.parent / "fixtures" / "content"
OTHER_BANK = """id: other-bank
title: 另一题库
questions:
  - id: other-001
    type: fill_blank
    stem: 按南方电网规范，电话铃响____声内应接听。
    answer: ["5"]
    explanation: 五声以内接听。
    source: "000 §5.2.1"
    difficulty: 1
  - id: other-002
    type: fill_blank
    stem: 接到投诉电话，应在____日内给予答复。
    answer: ["5"]
    explanation: 五日内答复。
    source: "000 §5.2.5"
    difficulty: 1
"""
EXAM = """id: fill-exam
title: 填空考试
duration_minutes: 10
draw:
  - {banks: [demo-bank, other-bank], type: fill_blank, count: 2, points: 5}
"""


def test_a_paper_never_holds_both_questions_of_a_duplicate_pair(app, units, make_user, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    (root / "question_banks" / "other-bank.yaml").write_text(OTHER_BANK, encoding="utf-8")
    (root / "question_banks" / "exams" / "fill-exam.yaml").write_text(EXAM, encoding="utf-8")
    loaded, errors = load_content(root)
    assert errors == []
    import_content(loaded)
    db.session.commit()

    papers = set()
    for seed in range(12):  # a new trainee each time: a retake would prefer the questions not seen yet
        user = make_user("trainee", units["east_team"], username=f"trainee{seed}")
        attempt, created = services.start_exam(user, get_exam("fill-exam", user), utcnow(), random.Random(seed))
        assert created
        papers.add(frozenset(item.question.key for item in attempt.items))
    # demo-004 and other-001 ask the same thing about 000 §5.2.1: only one of them with other-002
    assert papers == {frozenset({"demo-004", "other-002"}), frozenset({"other-001", "other-002"})}
