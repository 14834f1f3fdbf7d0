"""Scenario file edits from 评分分歧: minimal diffs, comments kept, refused when they do not fit."""

from pathlib import Path

import pytest

from trainer.content.editing import EditError, add_example, add_wording, diff

SCENARIO = (Path(__file__).parent.parent / "fixtures/content/scenarios/counter-greeting.yaml").read_text(encoding="utf-8")


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in diff(old, new, "x.yaml").splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_an_example_is_appended_and_nothing_else_changes():
    text = "# a comment that must stay\n" + SCENARIO
    new = add_example(text, 1, "accept", "您好,快请坐,  想办点什么?")
    assert changed_lines(text, new) == ['+        - "您好,快请坐, 想办点什么?"']
    assert new.startswith("# a comment that must stay\n")


def test_a_wording_turns_a_shared_intent_into_a_turn_extension():
    new = add_wording(SCENARIO, 1, "ask-need", "办点啥")
    assert changed_lines(SCENARIO, new) == ["-    intents: [ask-need]", "+    intents: [{id: ask-need, wordings: [办点啥]}]"]
    again = add_wording(new, 1, "ask-need", "想弄点什么")
    assert "wordings: [办点啥, 想弄点什么]" in again


@pytest.mark.parametrize("edit", [
    lambda: add_example(SCENARIO, 9, "accept", "您好"),
    lambda: add_example(SCENARIO, 1, "maybe", "您好"),
    lambda: add_example(SCENARIO, 1, "accept", "   "),
    lambda: add_example(SCENARIO, 1, "reject", "嗯。"),  # already there
    lambda: add_wording(SCENARIO, 2, "ask-need", "办点啥"),  # turn 2 has no intents
    lambda: add_wording(SCENARIO, 1, "apologize", "对不住"),
])
def test_edits_that_do_not_fit_are_refused(edit):
    with pytest.raises(EditError):
        edit()
