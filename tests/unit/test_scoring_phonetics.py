"""Syllables and how alike two of them sound."""

import pytest

from trainer.scoring.phonetics import (
    CONFUSABLE_COST,
    HOMOPHONE_COST,
    PLAIN_ERROR_COST,
    is_homophone,
    reading_cost,
    split_syllable,
    syllable_cost,
    to_syllables,
)


def one(char):
    (syllable,) = to_syllables(char)
    return syllable


def test_one_toneless_syllable_per_character_with_context():
    assert [s.reading for s in to_syllables("银行")] == ["yin", "hang"]
    assert [s.reading for s in to_syllables("行走")] == ["xing", "zou"]
    assert [s.reading for s in to_syllables("app您")] == ["a", "p", "p", "nin"]


@pytest.mark.parametrize(
    ("reading", "parts"),
    [("zhuang", ("zh", "uang")), ("shi", ("sh", "i")), ("an", ("", "an")), ("ying", ("y", "ing"))],
)
def test_split_into_initial_and_final(reading, parts):
    assert split_syllable(reading) == parts


def test_same_character_is_free_and_homophone_nearly_free():
    assert syllable_cost(one("坐"), one("坐")) == 0
    assert syllable_cost(one("坐"), one("做")) == HOMOPHONE_COST


def test_heteronyms_are_read_in_context():
    assert [s.reading for s in to_syllables("了解")] == ["liao", "jie"]
    assert [s.reading for s in to_syllables("好了")] == ["hao", "le"]
    # the same character matches itself whichever reading each context gave it
    liao, le = to_syllables("了解")[0], to_syllables("好了")[1]
    assert syllable_cost(liao, le) == 0


def test_rare_readings_of_other_characters_do_not_count():
    # pypinyin lists 立 with an archaic reading wei and 其 with ji; 立即 is not 微机 or 理其
    assert syllable_cost(one("立"), one("微")) == PLAIN_ERROR_COST
    assert syllable_cost(one("即"), one("其")) == PLAIN_ERROR_COST


@pytest.mark.parametrize(
    ("expected", "heard"),
    [("nan", "lan"), ("zi", "zhi"), ("ci", "chi"), ("si", "shi"), ("fu", "hu"), ("ri", "li")],
)
def test_confusable_initials(expected, heard):
    assert reading_cost(expected, heard) == CONFUSABLE_COST
    assert reading_cost(heard, expected) == CONFUSABLE_COST


@pytest.mark.parametrize(
    ("expected", "heard"),
    [("jin", "jing"), ("fen", "feng"), ("fan", "fang"), ("xian", "xiang"), ("guan", "guang")],
)
def test_confusable_finals(expected, heard):
    assert reading_cost(expected, heard) == CONFUSABLE_COST


def test_nin_and_ni_are_confusable_syllables():
    assert syllable_cost(one("您"), one("你")) == CONFUSABLE_COST


def test_two_confusable_parts_cost_twice():
    assert reading_cost("nan", "lang") == pytest.approx(2 * CONFUSABLE_COST)


@pytest.mark.parametrize(
    ("expected", "heard"), [("zuo", "zou"), ("liang", "liao"), ("nin", "yu"), ("b", "p")]
)
def test_other_differences_are_plain_errors(expected, heard):
    assert reading_cost(expected, heard) == PLAIN_ERROR_COST


def test_strict_homophone_test_for_forbidden_phrases():
    assert is_homophone(one("道"), one("到"))
    assert not is_homophone(one("您"), one("你"))
