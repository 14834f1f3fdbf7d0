"""Intents: wordings, slot patterns, negation, evidence; and the rubric that mixes them with standard phrases."""

import pytest

from trainer.scoring import Rubric, normalize, score_transcript
from trainer.scoring.intents import Intent, PatternError, compile_pattern, match_intent, match_pattern

PROMPT = Intent(
    "promise-prompt", "承诺马上为客户办理", ["马上为您办理"],
    ["[马上|立即|这就|现在就] [为您|给您|帮您|] [办|办理|查|处理]"],
)
ASK_NEED = Intent("ask-need", "询问客户需要办理什么", ["有什么可以帮您"], ["[什么|啥] [业务|事]"])
GREETING = Rubric(phrases=["您好", "请坐"], intents=[ASK_NEED], forbid=["不知道", "下班了"])


def heard(intent: Intent, text: str):
    return match_intent(intent, normalize(text))


@pytest.mark.parametrize("text", ["我马上给您办", "好的,这就帮你查一下", "请稍候,我们马上为您办理", "现在就办理"])
def test_a_promise_in_other_words_is_heard(text):
    assert heard(PROMPT, text) is not None


@pytest.mark.parametrize("text", ["没法马上给您办", "现在不能给您办理", "您先回去吧", "马上要下班了"])
def test_no_promise_or_a_negated_one_is_not_heard(text):
    assert heard(PROMPT, text) is None


def test_a_question_or_a_word_with_bie_is_not_a_negation():
    assert heard(PROMPT, "我看看能不能马上给您办") is not None
    careful = Intent("careful", "承诺小心", ["小心"])
    assert heard(careful, "我会特别小心的") is not None
    assert heard(careful, "您别小心翼翼的") is None


def test_evidence_names_the_words_and_the_pattern():
    found = heard(PROMPT, "嗯我这就给你查")
    assert found.heard == "这就给你查"
    assert found.matched_by.startswith("[马上|")
    exact = heard(PROMPT, "马上为您办理")
    assert (exact.heard, exact.matched_by) == ("马上为您办理", "马上为您办理")


def test_patterns_compare_by_sound_and_prefer_the_longest_alternative():
    assert match_pattern("[马上] [为您|] [办|办理]", "马上为你办理") == [(0, 6)]
    assert match_pattern("[马上] … [办理]", "马上把您这个过户手续办理") == [(0, 12)]
    assert match_pattern("[马上] [办理]", "马上把您这个过户手续办理") == []  # beyond the normal gap


@pytest.mark.parametrize("pattern", ["[马上|立即", "[|]", "[马上|] [|为您]", "…"])
def test_malformed_patterns_are_refused(pattern):
    with pytest.raises(PatternError):
        compile_pattern(pattern)


def test_an_intent_needs_wordings_or_patterns():
    with pytest.raises(ValueError):
        Intent("empty", "空")


def test_rubric_mixes_standard_phrases_and_intents_and_round_trips():
    result = score_transcript("您好!请坐。您想办理什么业务呢?", GREETING)
    assert result.passed
    kinds = [(item.kind, item.key, item.hit) for item in result.items]
    assert kinds == [("phrase", "您好", True), ("phrase", "请坐", True), ("intent", "ask-need", True)]
    assert Rubric.from_dict(GREETING.to_dict()) == GREETING


def test_a_standard_phrase_stays_strict_where_the_turn_drills_it():
    result = score_transcript("您好,您想办理什么业务?", GREETING)
    assert not result.passed
    assert "没有说到标准用语“请坐”。" in result.feedback


def test_a_missed_intent_is_explained_with_an_example_wording():
    result = score_transcript("您好,请坐。", GREETING)
    assert not result.passed
    assert "没有表达出:询问客户需要办理什么(例如“有什么可以帮您”)。" in result.feedback


def test_older_specs_with_expect_still_load():
    assert Rubric.from_dict({"expect": ["您好"], "forbid": ["不知道"]}).phrases == ("您好",)


REPLY = Intent("reply-in-time", "承诺五日内答复", ["五天内", "五个工作日"], ["[五|5] [天|日] [内|之内]"])
READ_BACK = Intent("read-back", "复述并确认", ["是吗", "对吗", "五六七八"])


def test_a_match_may_not_cut_a_cardinal_number():
    assert score_transcript("我们会在五天内答复您", Rubric(intents=[REPLY])).passed
    assert not score_transcript("我们会在15天内答复您", Rubric(intents=[REPLY])).passed
    assert score_transcript("您的电话是13912345678,对吧", Rubric(intents=[READ_BACK])).passed  # digits in part


def test_short_wordings_are_matched_as_written_and_never_across_punctuation():
    assert not score_transcript("没什么损失嘛", Rubric(intents=[READ_BACK])).passed  # 失嘛 sounds like 是吗
    answer = Intent("answer", "答复客户", ["答复您"])
    assert score_transcript("核实后答复您", Rubric(intents=[answer])).passed
    assert not score_transcript("不能给您答复,您留个电话", Rubric(intents=[answer])).passed
