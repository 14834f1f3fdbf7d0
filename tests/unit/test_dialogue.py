"""Branching dialogues: branch choice, and the checks every scenario graph must pass."""

import pytest

from trainer.content import load_content
from trainer.scoring.dialogue import Branch, Node, Outcome, check_graph, choose

OPEN = [
    Branch("boss", {"forbidden": True}, "愤怒", "推诿激怒了客户"),
    Branch("upset", {"missed": ["apologize"]}, "愤怒"),
    Branch("calm", {}, "平静"),
]


def outcome(heard=(), forbidden=(), passed=True, score=90):
    return Outcome(frozenset(heard), tuple(forbidden), passed, score)


def test_the_first_branch_that_holds_decides_and_carries_mood_and_note():
    assert choose(OPEN, "t2", outcome(["apologize"], ["不知道"]), "不满") == choose(OPEN, "t2", outcome(forbidden=["x"]), "不满")
    step = choose(OPEN, "t2", outcome(["apologize"], ["不知道"], passed=False), "不满")
    assert (step.goto, step.mood, step.note, step.branched) == ("boss", "愤怒", "推诿激怒了客户", True)
    assert choose(OPEN, "t2", outcome(), "不满").goto == "upset"
    default = choose(OPEN, "t2", outcome(["apologize"]), "不满")
    assert (default.goto, default.mood, default.branched) == ("calm", "平静", False)


def test_without_branches_the_following_turn_comes_and_the_mood_stays():
    step = choose([], "t3", outcome(), "不满")
    assert (step.goto, step.mood) == ("t3", "不满")
    assert choose([], None, outcome(), "平静").goto is None


@pytest.mark.parametrize("when, held", [
    ({"met": ["a", "b"]}, False), ({"met": "a"}, True), ({"missed": ["a", "b"]}, True),
    ({"passed": False}, False), ({"score_at_least": 80}, True), ({"score_below": 80}, False),
    ({"forbidden": False, "met": ["a"]}, True),
])
def test_conditions(when, held):
    assert Branch("x", when).holds(outcome(["a"])) is held


def node(key, branches=(), default=None, items=("apologize",)):
    return Node(key, tuple(branches), default, frozenset(items))


def test_a_sound_graph_has_no_problems():
    nodes = [node("open", OPEN, "upset"), node("upset", (), "calm"), node("calm"), node("boss")]
    assert check_graph(nodes) == []


@pytest.mark.parametrize("nodes, problem", [
    ([node("a", [Branch("nowhere")])], "unknown turn 'nowhere'"),
    ([node("a", [Branch("b", {"met": ["refund"]})], "b"), node("b")], "does not score"),
    ([node("a", [Branch("b", {"mood": 1})], "b"), node("b")], "unknown condition 'mood'"),
    ([node("a", [Branch("b", {}, "高兴")]), node("b")], "unknown mood"),
    ([node("a", (), "b"), node("b", (), "a")], "loop back"),
    ([node("a"), node("b")], "no path reaches this turn"),
    ([node(f"t{i}", (), f"t{i + 1}") for i in range(13)] + [node("t13")], "longer than 12"),
])
def test_graph_problems_are_named(nodes, problem):
    assert any(problem in message for _key, message in check_graph(nodes)), check_graph(nodes)


def test_the_content_check_reports_graph_problems_with_file_and_turn(tmp_path):
    import shutil

    from tests.conftest import CONTENT

    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    path = root / "scenarios/phone-outage-complaint.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("goto: boss", "goto: bos", 1), encoding="utf-8")
    errors = [str(e) for e in load_content(root)[1]]
    assert any("phone-outage-complaint.yaml" in e and "turn 'open'" in e and "unknown turn 'bos'" in e for e in errors)
    path.write_text(text.replace("goto: boss", "goto: calm", 1), encoding="utf-8")
    errors = [str(e) for e in load_content(root)[1]]
    assert any("turn 'boss'" in e and "no path reaches this turn" in e for e in errors)
    path.write_text(text.replace("    end: true\n", "    end: true\n    next: [{goto: boss}]\n", 1), encoding="utf-8")
    errors = [str(e) for e in load_content(root)[1]]
    assert any("turn 'calm' closes the conversation" in e for e in errors)
