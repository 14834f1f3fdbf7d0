"""Normalisation: one text form for rubric phrases and transcripts."""

import pytest

from trainer.scoring import normalize
from trainer.scoring.normalize import normalize_with_map, spell_number


def test_traditional_becomes_simplified():
    assert normalize("請問您需要什麼幫助") == "请问您需要什么帮助"
    assert normalize("電費業務") == "电费业务"


def test_taiwan_usage_becomes_mainland_usage():
    # t2s alone keeps 著, a valid Simplified character; Whisper writes it for 着
    assert normalize("您別著急") == "您别着急"
    assert normalize("等著吧") == "等着吧"
    assert normalize("著名") == "著名"


def test_punctuation_and_spaces_are_stripped():
    assert normalize("您好，请坐！ 请问…您需要什么帮助？") == "您好请坐请问您需要什么帮助"
    assert normalize("“不知道”、‘问别人’") == "不知道问别人"


def test_full_width_letters_and_digits_become_half_width():
    assert normalize("ＡＰＰ") == "app"
    assert normalize("５号") == normalize("5号") == "五号"


def test_latin_is_lower_cased():
    assert normalize("请登录APP") == "请登录app"


@pytest.mark.parametrize(
    ("digits", "spoken"),
    [
        ("5号", "五号"),
        ("15元", "十五元"),
        ("105", "一百零五"),
        ("1010", "一千零一十"),
        ("110", "一百一十"),
        ("200度", "两百度"),
        ("0", "零"),
        ("95598", "九五五九八"),
        ("0571", "零五七一"),
        ("2024年", "二零二四年"),
        ("3.5", "三点五"),
        ("50%", "百分之五十"),
        ("8:30", "八点三十"),
        ("9:00", "九点"),
    ],
)
def test_numbers_are_spelled_out_as_spoken(digits, spoken):
    assert normalize(digits) == spoken


def test_numerals_meet_in_one_form_from_either_side():
    # A rubric written with digits matches a transcript written in characters, and the other way round.
    assert normalize("拨打95598") == normalize("拨打九五五九八")
    assert normalize("五号为您服务") == normalize("5号为您服务")


def test_numeral_characters_inside_words_are_left_alone():
    assert normalize("请稍等一下,一定办好") == "请稍等一下一定办好"


def test_digit_strings_read_digit_by_digit_only_when_codes_or_years():
    assert spell_number("2024", followed_by="年") == "二零二四"
    assert spell_number("2024") == "两千零二十四"
    assert spell_number("12345") == "一二三四五"


def test_empty_text_stays_empty():
    assert normalize("") == ""
    assert normalize(" ，。!") == ""


def test_map_points_back_into_the_punctuated_text():
    mapped = normalize_with_map("您好，“不知道”")
    assert mapped.text == "您好不知道"
    assert mapped.clean == "您好,“不知道”"
    assert [mapped.clean[i] for i in mapped.positions] == list(mapped.text)
