"""Exam draws keep near-duplicates citing the same clause off one paper (issue 17)."""

import random

import pytest

from trainer.content.exams import DrawRule
from trainer.content.similarity import keep_apart, statement
from trainer.quiz.draw import Candidate, DrawError, draw_exam

RULE = DrawRule(banks=["ethics", "law"], type="single", count=2)
POOL = [Candidate(1, "ethics", "single", 1), Candidate(2, "law", "single", 1), Candidate(3, "law", "single", 1)]


def drawn(seed: int, apart=None, rules=(RULE,)) -> set[int]:
    return {item.question_id for item in draw_exam(list(rules), POOL, random.Random(seed), apart=apart)}


def test_questions_kept_apart_never_share_a_paper():
    apart = {1: frozenset({2}), 2: frozenset({1})}
    papers = [drawn(seed, apart) for seed in range(200)]
    assert all(paper != {1, 2} for paper in papers)
    assert {frozenset(p) for p in papers} == {frozenset({1, 3}), frozenset({2, 3})}
    # without the constraint the same pool does put both on one paper: the check above can fail
    assert any(drawn(seed) == {1, 2} for seed in range(200))


def test_apart_holds_across_rules_of_one_blueprint():
    one_each = [DrawRule(banks=["ethics"], type="single", count=1), DrawRule(banks=["law"], type="single", count=1)]
    apart = {1: frozenset({2, 3}), 2: frozenset({1}), 3: frozenset({1})}
    with pytest.raises(DrawError) as error:
        drawn(0, apart, one_each)  # question 1 is the only ethics question and both law questions repeat it
    assert (error.value.rule_index, error.value.wanted, error.value.available) == (1, 1, 0)


def test_a_rule_that_cannot_fill_its_count_without_a_duplicate_fails():
    apart = {1: frozenset({2, 3}), 2: frozenset({1, 3}), 3: frozenset({1, 2})}
    with pytest.raises(DrawError):
        drawn(0, apart)


def test_keep_apart_needs_the_same_clause_and_a_similar_statement():
    five_days = statement("single", "投诉电话应在几日内给予答复？", ["3 日", "5 日", "7 日"], [1])
    same = statement("fill_blank", "投诉电话应在____日内给予答复。", [], ["5"])
    other = statement("single", "营业厅工作人员至少应提前多少分钟上岗？", ["5分钟", "10分钟"], [0])
    apart = keep_apart({"a": ("000 §5.2.5", five_days), "b": ("000 §5.2.5", same), "c": ("000 §5.2.5", other),
                        "d": ("002 三.5", same)})
    assert apart == {"a": frozenset({"b"}), "b": frozenset({"a"})}
