"""Known Whisper failures become "nothing heard" with a reason; real answers pass through untouched."""

import pytest

from trainer.speech.hallucination import (
    EMPTY,
    NO_SPEECH,
    PROMPT_ECHO,
    REPETITION,
    SUBTITLE_CREDIT,
    check_transcript,
    find_loop,
    is_credit,
    prompt_overlap,
)

PROMPT = "您好，请坐，请问您需要什么帮助？请问您要办理什么业务，有什么可以帮您？"


@pytest.mark.parametrize(
    "text",
    [
        "字幕by索兰娅",
        "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
        "优优独播剧场——YoYo Television Series Exclusive",
        "中文字幕提供",
        "由 Amara.org 社区提供的字幕",
        "谢谢观看!",
        "谢谢大家收看。",
    ],
)
def test_subtitle_credits_are_nothing_heard(text):
    assert check_transcript(text) == check_transcript([text])
    verdict = check_transcript(text)
    assert verdict.nothing_heard and verdict.reason == SUBTITLE_CREDIT and verdict.text == ""


@pytest.mark.parametrize("text", ["谢谢您的反映,我已经详细记录了。", "谢谢", "感谢您的耐心等待", "我们马上为您办理"])
def test_polite_speech_is_not_a_credit(text):
    assert not is_credit(text)
    assert check_transcript(text).text == text


def test_a_credit_segment_is_dropped_and_the_speech_around_it_kept():
    verdict = check_transcript(["您好,请坐", "字幕by索兰娅", "有什么可以帮您"])
    assert verdict.nothing_heard is False
    assert verdict.text == "您好,请坐，有什么可以帮您"


@pytest.mark.parametrize(
    ("segments", "reason"),
    [([], NO_SPEECH), (["", "  "], NO_SPEECH), (["。。。", "?"], EMPTY), ("……", EMPTY), ("嗯。啊", EMPTY)],
)
def test_empty_and_punctuation_only(segments, reason):
    verdict = check_transcript(segments)
    assert verdict.nothing_heard and verdict.reason == reason


@pytest.mark.parametrize(
    "text",
    ["请坐请坐请坐请坐请坐", "谢谢大家谢谢大家谢谢大家谢谢大家", "您好" + "啊" * 8, "我们马上为您办理，马上为您办理，马上为您办理，马上为您办理"],
)
def test_loops_are_repetition(text):
    assert find_loop(text)
    verdict = check_transcript(text)
    assert verdict.nothing_heard and verdict.reason == REPETITION


@pytest.mark.parametrize("text", ["好好好,您慢走", "谢谢谢谢,再见", "请稍等,请稍等,马上就好", "您好您好,请坐"])
def test_natural_repeats_are_speech(text):
    assert find_loop(text) is None
    assert not check_transcript(text).nothing_heard


def test_prompt_read_back_at_an_impossible_rate_is_an_echo():
    echo = PROMPT.rstrip("？")
    verdict = check_transcript(echo, prompt=PROMPT, speech_seconds=1.2)
    assert verdict.nothing_heard and verdict.reason == PROMPT_ECHO
    assert check_transcript(echo, prompt=PROMPT, speech_seconds=0.0).reason == PROMPT_ECHO


def test_saying_the_expected_phrases_is_not_an_echo():
    # A clerk who says exactly what the prompt lists overlaps it a lot, but at a human speaking rate.
    said = "您好，请坐，请问您需要什么帮助？"
    in_prompt, coverage = prompt_overlap(said, "您好，请坐，请问您需要什么帮助？")
    assert in_prompt == coverage == 1.0
    verdict = check_transcript(said, prompt="您好，请坐，请问您需要什么帮助？", speech_seconds=3.1)
    assert not verdict.nothing_heard and verdict.text == said
    # Covering only part of a long prompt is never an echo, whatever the rate.
    assert not check_transcript("您好，请坐", prompt=PROMPT, speech_seconds=0.3).nothing_heard


def test_without_a_duration_only_an_exact_copy_of_a_long_prompt_is_an_echo():
    assert check_transcript(PROMPT, prompt=PROMPT).reason == PROMPT_ECHO
    assert not check_transcript("您好，请坐", prompt="您好，请坐").nothing_heard


def test_no_prompt_no_echo_check():
    assert not check_transcript(PROMPT, speech_seconds=0.5).nothing_heard
