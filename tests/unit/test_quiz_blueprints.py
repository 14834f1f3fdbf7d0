"""Exam blueprints (question_banks/exams/*.yaml): validation, and drawing attempts from them."""

import random
from pathlib import Path

import pytest

from tests.conftest import CONTENT
from trainer.content import load_content
from trainer.content.exams import DrawRule, shortfalls
from trainer.question_types import QUESTION_TYPES
from trainer.quiz.draw import Candidate, DrawError, draw_exam, draw_practice

REPO = Path(__file__).resolve().parents[2]


def _write(root: Path, name: str, text: str) -> None:
    folder = root / "question_banks" / "exams"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def content_root(tmp_path):
    import shutil

    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def test_shipped_blueprints_are_valid_and_drawable():
    content, errors = load_content(REPO)
    assert errors == []
    exam = content.exams["counter-service-exam"]
    assert (exam.title, exam.question_count, exam.duration_minutes, exam.pass_percent, exam.max_attempts) == (
        "营业厅柜台服务上岗考试", 50, 60, 80, 3)
    assert sum(r.count * r.points for r in exam.rules) == 100
    assert content.exams["ethics-law-annual-exam"].question_count * 2.5 == 100


def test_fixture_blueprint_is_loaded(content_root):
    content, errors = load_content(content_root)
    assert errors == [] and list(content.exams) == ["demo-exam"]


def test_blueprint_errors_name_the_file_and_rule(content_root):
    _write(content_root, "bad-exam.yaml", """id: bad-exam
title: 坏考试
duration_minutes: 0
pass_percent: 120
draw:
  - {banks: [demo-bank, nope], type: single, count: 3}
  - {banks: [demo-bank], type: essay, count: 1}
  - {banks: [demo-bank], type: multiple, count: 1, difficulty: [4]}
""")
    _content, errors = load_content(content_root)
    text = "\n".join(str(e) for e in errors)
    assert "question_banks/exams/bad-exam.yaml" in text
    assert "duration_minutes must be 1–600" in text and "pass_percent must be 1–100" in text
    assert "no question bank 'nope'" in text and "unknown type 'essay'" in text
    assert "draw[0].count" in text and "only 1 match" in text
    assert "difficulty lists 1, 2 or 3" in text


def test_overlapping_rules_are_checked_against_what_earlier_rules_may_take():
    rules = [DrawRule(["b"], "single", 3), DrawRule(["b"], "single", 2)]
    pools = [{1, 2, 3, 4}, {1, 2, 3, 4}]
    assert shortfalls(rules, pools) == [(1, 2, 1)]
    assert shortfalls(rules, [{1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}]) == []


def test_trainer_bank_prefix_is_reserved_for_content(content_root):
    (content_root / "question_banks" / "demo-bank.yaml").rename(content_root / "question_banks" / "t-demo.yaml")
    text = (content_root / "question_banks" / "t-demo.yaml").read_text(encoding="utf-8").replace("id: demo-bank", "id: t-demo")
    (content_root / "question_banks" / "t-demo.yaml").write_text(text, encoding="utf-8")
    _content, errors = load_content(content_root)
    assert any("reserved for banks trainers import" in str(e) for e in errors)


def _candidates():
    types = ["single"] * 6 + ["multiple"] * 4 + ["true_false"] * 4 + ["fill_blank"] * 3 + ["ordering"] * 3
    options = {"single": 4, "multiple": 4, "true_false": 0, "fill_blank": 0, "ordering": 3}
    return [Candidate(i, "b", t, 1 + i % 3, ("x",) if i % 2 else (), options[t]) for i, t in enumerate(types, start=1)]


def test_draw_follows_rules_without_repeats_grouped_by_type():
    rules = [DrawRule(["b"], "single", 4), DrawRule(["b"], "multiple", 2, points=2), DrawRule(["b"], "ordering", 3),
             DrawRule(["b"], "true_false", 2, tags=["x"])]
    items = draw_exam(rules, _candidates(), random.Random(1))
    ids = [i.question_id for i in items]
    assert len(ids) == len(set(ids)) == 11
    assert [i.type for i in items] == sorted((i.type for i in items), key=list(QUESTION_TYPES).index)
    assert all(i.points == 2 for i in items if i.type == "multiple")
    by_id = {c.id: c for c in _candidates()}
    assert all("x" in by_id[i.question_id].tags for i in items if i.type == "true_false")
    for item in items:
        assert sorted(item.option_order) == list(range(by_id[item.question_id].option_count))


def test_draw_is_random_and_options_are_shuffled():
    rules = [DrawRule(["b"], "single", 3)]
    draws = {tuple(i.question_id for i in draw_exam(rules, _candidates(), random.Random(seed))) for seed in range(20)}
    assert len(draws) > 5
    orders = {tuple(i.option_order) for seed in range(20) for i in draw_exam(rules, _candidates(), random.Random(seed))}
    assert len(orders) > 3
    unshuffled = draw_exam(rules, _candidates(), random.Random(3), shuffle_options=False)
    assert all(i.option_order == [0, 1, 2, 3] for i in unshuffled)


def test_retakes_prefer_questions_not_seen_before():
    rules = [DrawRule(["b"], "single", 3)]
    first = {i.question_id for i in draw_exam(rules, _candidates(), random.Random(5))}
    second = {i.question_id for i in draw_exam(rules, _candidates(), random.Random(6), seen=first)}
    assert first.isdisjoint(second)


def test_draw_refuses_a_pool_that_is_too_small():
    with pytest.raises(DrawError):
        draw_exam([DrawRule(["b"], "ordering", 4)], _candidates(), random.Random(1))


def test_practice_draws_any_type():
    items = draw_practice(_candidates(), 10, random.Random(2))
    assert len({i.question_id for i in items}) == 10
