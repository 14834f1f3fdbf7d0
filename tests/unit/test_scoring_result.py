"""Score formula, speaking rate, response delay, feedback, the dict shape, the rubric and the prompt."""

import json

import pytest

from trainer.scoring import (
    PASS_SCORE,
    ForbiddenHit,
    ItemResult,
    Rubric,
    ScoreResult,
    prompt_for,
    score_transcript,
)
from trainer.scoring.prompt import MAX_PROMPT_CHARS
from trainer.scoring.scorer import compute_score, pace_penalty, speaking_rate

GREETING = Rubric(phrases=["您好", "请坐", "请问您需要什么帮助|有什么可以帮您"], forbid=["不知道", "不归我管"])
MODEL_ANSWER = "您好,请坐,请问您需要什么帮助?"


def test_model_answer_passes_with_full_marks():
    result = score_transcript(MODEL_ANSWER, GREETING)
    assert result.passed and result.score == 100
    assert [item.hit for item in result.items] == [True, True, True]
    assert result.forbidden == []
    assert result.normalized == "您好请坐请问您需要什么帮助"


def test_items_report_the_whole_item_string():
    result = score_transcript(MODEL_ANSWER, GREETING)
    assert [item.expect for item in result.items] == list(GREETING.phrases)
    assert isinstance(result.items[0], ItemResult)


def test_coverage_is_the_share_of_items_hit_capped_below_the_pass_line():
    assert compute_score(3, 3, 0) == 100
    assert compute_score(2, 3, 0) == 59  # 67 but not passed: capped
    assert compute_score(1, 3, 0) == 33
    assert compute_score(0, 3, 0) == 0
    assert compute_score(0, 0, 0) == 100  # a rubric with no items asks nothing


def test_forbidden_phrase_costs_points_and_caps_below_the_pass_line():
    assert compute_score(3, 3, 1) == PASS_SCORE - 1
    assert compute_score(1, 3, 1) == 13
    assert compute_score(0, 3, 2) == 0  # never negative


def test_passed_means_every_item_and_no_forbidden_phrase():
    forbidden = score_transcript("您好,请坐,有什么可以帮您?这不归我管。", GREETING)
    assert not forbidden.passed
    assert forbidden.forbidden == [ForbiddenHit("不归我管", "不归我管")]
    missing = score_transcript("您好,有什么可以帮您?", GREETING)
    assert not missing.passed and missing.score < PASS_SCORE


@pytest.mark.parametrize(
    ("rate", "penalty"),
    [(2.0, 0), (4.5, 0), (7.0, 0), (8.0, 5), (9.0, 10), (12.0, 10), (1.5, 2.5), (0.5, 7.5)],
)
def test_rate_outside_two_to_seven_costs_up_to_ten(rate, penalty):
    assert pace_penalty(rate, None) == pytest.approx(penalty)


@pytest.mark.parametrize(("delay", "penalty"), [(0.5, 0), (3.0, 0), (4.0, 2), (5.5, 5), (20.0, 10)])
def test_delay_beyond_three_seconds_costs_up_to_ten(delay, penalty):
    assert pace_penalty(None, delay) == pytest.approx(penalty)


def test_passed_answer_never_drops_below_80_and_failed_never_reaches_the_pass_line():
    assert compute_score(3, 3, 0, chars_per_second=20, response_delay_seconds=60) == 80
    assert compute_score(2, 3, 0, chars_per_second=4) < PASS_SCORE


def test_chars_per_second_counts_normalised_characters():
    result = score_transcript(MODEL_ANSWER, GREETING, audio_seconds=4.0)
    assert result.chars_per_second == pytest.approx(13 / 4.0, abs=0.01)
    assert speaking_rate("您好", None) is None
    assert speaking_rate("您好", 0) is None
    assert speaking_rate("", 3.0) is None


def test_fast_speech_and_slow_start_lower_the_score_and_say_so():
    result = score_transcript(MODEL_ANSWER, GREETING, audio_seconds=1.3, response_delay_seconds=5.0)
    assert result.passed
    assert result.chars_per_second == 10.0
    assert result.score == 100 - 10 - 4
    assert any("语速偏快" in line for line in result.feedback)
    assert any("开口较慢" in line for line in result.feedback)
    assert result.response_delay_seconds == 5.0


def test_slow_speech_is_reported():
    result = score_transcript(MODEL_ANSWER, GREETING, audio_seconds=10.0)
    assert any("语速偏慢" in line for line in result.feedback)


def test_feedback_names_missing_items_and_forbidden_phrases():
    result = score_transcript("您好,我不知道", GREETING)
    assert "没有说到标准用语“请坐”。" in result.feedback
    assert "没有说到标准用语“请问您需要什么帮助”或“有什么可以帮您”。" in result.feedback
    assert "出现了服务禁语“不知道”。" in result.feedback


def test_feedback_for_silence_and_for_a_clean_answer():
    assert score_transcript("", GREETING).feedback == ["没有听到回答,请再说一遍。"]
    assert score_transcript(MODEL_ANSWER, GREETING, audio_seconds=3.0).feedback == ["要点齐全,用语规范。"]


def test_to_dict_shape_is_json_ready():
    result = score_transcript("您好,请坐,我不知道", GREETING, audio_seconds=3.0, response_delay_seconds=1.2)
    data = result.to_dict()
    assert set(data) == {
        "transcript",
        "normalized",
        "items",
        "forbidden",
        "forbidden_heard",
        "passed",
        "score",
        "chars_per_second",
        "response_delay_seconds",
        "feedback",
    }
    assert data["items"][0] == {"expect": "您好", "hit": True, "heard": "您好", "alternative": "您好",
                                "kind": "phrase", "key": "您好"}
    assert data["items"][2] == {"expect": "请问您需要什么帮助|有什么可以帮您", "hit": False, "heard": "",
                                "alternative": None, "kind": "phrase", "key": "请问您需要什么帮助|有什么可以帮您"}
    assert data["forbidden"] == ["不知道"]
    assert data["passed"] is False
    assert data["transcript"] == "您好,请坐,我不知道"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert isinstance(result, ScoreResult)


def test_rubric_accepts_lists_and_dicts_and_rejects_empty_items():
    rubric = Rubric.from_dict({"expect": ["您好"], "forbid": None})
    assert rubric.phrases == ("您好",) and rubric.forbid == ()
    assert Rubric(phrases=["您好"]) == rubric
    with pytest.raises(ValueError, match="phrase"):
        Rubric(phrases=["您好", " | "])
    with pytest.raises(ValueError, match="forbid phrase"):
        Rubric(phrases=["您好"], forbid=["!"])


def test_prompt_is_one_polite_sentence_listing_every_expected_phrase():
    prompt = prompt_for(GREETING)
    assert prompt == "您好，请坐，请问您需要什么帮助，有什么可以帮您。"
    assert "不知道" not in prompt  # never bias toward a push-off


def test_prompt_lists_a_phrase_once_and_is_empty_without_items():
    assert prompt_for(Rubric(phrases=["再见", "慢走|再见"])) == "再见，慢走。"
    assert prompt_for(Rubric(phrases=[])) == ""


def test_long_prompt_drops_extra_alternatives_before_first_ones():
    items = [f"第{n}项服务用语很长很长|第{n}项备选说法也很长很长" for n in "一二三四五"]
    prompt = prompt_for(Rubric(phrases=items))
    assert len(prompt) <= MAX_PROMPT_CHARS
    assert all(f"第{n}项服务用语很长很长" in prompt for n in "一二三四五")
    assert "第五项备选说法也很长很长" not in prompt
