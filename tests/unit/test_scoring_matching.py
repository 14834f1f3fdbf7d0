"""Expected items: exact hits, homophones, confusable sounds, fillers, tolerance by length, alternatives."""

import math

import pytest

from trainer.scoring.align import FILLER_COST, align, tolerance
from trainer.scoring.normalize import normalize
from trainer.scoring.scorer import match_item


def hit(item, transcript):
    return match_item(item, normalize(transcript)).hit


def test_exact_characters_are_a_hit_with_zero_distance():
    result = match_item("请坐", normalize("您好,请坐。"))
    assert (result.hit, result.heard, result.alternative, result.distance) == (True, "请坐", "请坐", 0.0)


def test_exact_match_wins_even_when_another_alternative_would_align():
    result = match_item("请稍等|请您稍候", normalize("请您稍候"))
    assert result.alternative == "请您稍候"
    assert result.distance == 0.0


def test_miss_reports_empty_heard_and_no_alternative():
    result = match_item("请坐", normalize("办什么"))
    assert (result.hit, result.heard, result.alternative) == (False, "", None)
    assert result.distance > tolerance(2)


def test_nothing_heard_is_a_miss_at_infinite_distance():
    result = match_item("您好", "")
    assert not result.hit and math.isinf(result.distance)


@pytest.mark.parametrize(
    ("expected", "heard"),
    [("请坐", "请做"), ("检修", "剪修"), ("谅解", "两解"), ("请稍候", "请稍后"), ("供电公司", "公电公司")],
)
def test_asr_homophones_count(expected, heard):
    assert hit(expected, heard)


def test_heard_is_the_transcript_span_that_matched():
    assert match_item("请坐", normalize("您好请做请问")).heard == "请做"


def test_traditional_output_still_matches():
    assert hit("别着急", "您別著急")


@pytest.mark.parametrize(
    ("expected", "heard"),
    [
        ("您好", "你好吗"),  # nin/ni, the commonest slip (allowed per design)
        ("南城", "蓝城"),  # n/l
        ("转交", "钻交"),  # z/zh
        ("政策", "政彻"),  # c/ch
        ("慢慢说", "慢慢索"),  # s/sh
        ("服务", "胡务"),  # f/h
        ("热线", "乐线"),  # r/l
        ("您好", "宁好"),  # in/ing
        ("真诚", "争诚"),  # en/eng
        ("办理", "棒理"),  # an/ang
        ("检修", "讲修"),  # ian/iang
        ("转交", "装交"),  # uan/uang
    ],
)
def test_confusable_initials_and_finals_count(expected, heard):
    assert hit(expected, heard)


@pytest.mark.parametrize(
    ("expected", "heard"),
    [("请问您要办理什么业务", "请问您要板理什么业务"), ("别着急", "别着机"), ("为您服务", "为您服雾")],
)
def test_confusable_and_homophone_errors_in_longer_phrases(expected, heard):
    assert hit(expected, heard)


def test_one_confusable_syllable_is_all_a_two_syllable_phrase_may_have():
    assert hit("您好", "你好")
    assert not hit("您好", "你要")  # nin/ni plus a real error
    assert not hit("南城", "兰层")  # two confusable syllables (0.7) is too much for two syllables


@pytest.mark.parametrize(
    ("expected", "heard"),
    [
        ("请坐", "请走"),  # zuo/zou is no known confusion: "please leave" must not pass for "please sit"
        ("请坐", "坐"),  # the 请 is the point: dropping it is a real error
        ("谅解", "了解"),  # liang/liao: a different everyday word, not a sound-alike
        ("您好", "您要"),
        ("慢走", "快走"),
        ("再见", "好了"),
        ("请稍候", "稍候"),
    ],
)
def test_wrong_words_do_not_match_short_phrases(expected, heard):
    assert not hit(expected, heard)


def test_polite_fillers_may_be_inserted():
    assert hit("请稍等", "请您稍等一下")
    assert hit("请坐", "请您坐")
    assert hit("帮您填", "帮您一下填")
    result = match_item("请稍等", normalize("请您稍等一下"))
    assert result.heard == "请您稍等"
    assert result.distance == pytest.approx(FILLER_COST)


def test_fillers_are_recognised_by_sound():
    # ASR writes 你 for 您: still a filler, at the filler cost plus the nin/ni slip.
    assert hit("请稍等", "请你稍等")
    assert hit("慢慢说", "慢慢的说")


def test_non_filler_insertions_are_real_errors():
    assert not hit("请坐", "请大家坐")
    assert not hit("请稍等", "请大家稍等")


def test_interior_filler_of_the_phrase_may_be_dropped_but_not_its_edges():
    assert hit("请您稍候", "请稍候")
    assert hit("请问您需要什么帮助", "请问需要什么帮助")
    assert not hit("请坐", "坐")  # 请 at the start carries the politeness
    assert not hit("解释一下", "解释")  # 一下 at the end is not interior


def test_tolerance_grows_with_length():
    assert tolerance(1) == tolerance(2) == 0.5
    assert tolerance(3) < tolerance(4) < tolerance(6) < tolerance(9)
    # one real error (1.0) is forgiven from six syllables on, never below
    assert tolerance(5) < 1.0 <= tolerance(6)


def test_long_phrase_forgives_one_real_error_short_one_does_not():
    assert hit("请问您需要什么帮助", "请问你需要什么帮忙")
    assert hit("有什么可以帮您", "有什么可以帮助您")
    assert not hit("为您服务", "为您报务")
    assert not hit("请问您需要什么帮助", "请问您要交什么费用")


def test_alternatives_any_one_is_enough():
    item = "请问您需要什么帮助|请问您要办理什么业务|有什么可以帮您"
    assert match_item(item, normalize("有什么可以帮你")).alternative == "有什么可以帮您"
    assert match_item(item, normalize("请问您要办理什么业务")).hit
    assert not match_item(item, normalize("你说吧")).hit


def test_alternatives_ignore_blanks_around_bars():
    assert match_item(" 感谢 | 谢谢 ", normalize("谢谢您")).alternative == "谢谢"


def test_alignment_span_and_semi_global_window():
    found = align(normalize("请稍等"), normalize("好的请您稍等一下马上"))
    assert found is not None
    assert normalize("好的请您稍等一下马上")[found.start : found.end] == "请您稍等"
    assert align("", "您好") is None
    assert align("您好", "") is None


def test_a_dropped_filler_costs_more_than_an_extra_one():
    assert hit("帮您填", "帮填")  # ASR dropped 您
    assert not hit("帮您填", "办填")  # …but dropped 您 plus an an/ang slip is too much for three syllables
    assert hit("帮您填", "帮您一下填")  # while an extra filler plus nothing else is fine
