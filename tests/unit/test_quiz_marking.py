"""Scoring rules of the five question types (trainer/quiz/marking.py), and response shapes."""

import pytest

from trainer.quiz import marking
from trainer.quiz.marking import SCORERS, score


def test_registry_covers_the_five_content_types():
    from trainer.content.questions import QUESTION_VALIDATORS

    assert set(SCORERS) == set(QUESTION_VALIDATORS) == set(marking.RESPONSE_CHECKERS)


@pytest.mark.parametrize("response, credit", [([1], 1.0), ([0], 0.0), ([], 0.0), (None, 0.0)])
def test_single(response, credit):
    assert score("single", [1], response, 4) == credit


@pytest.mark.parametrize("response, credit", [([True], 1.0), ([False], 0.0), ([], 0.0), ([1], 0.0)])
def test_true_false_wants_a_real_boolean(response, credit):
    assert score("true_false", [True], response, 0) == credit


@pytest.mark.parametrize(
    "response, credit",
    [
        ([0, 1, 3], 1.0),            # exactly right
        ([0, 1], pytest.approx(2 / 3)),  # two of three right, nothing wrong
        ([0], pytest.approx(1 / 3)),
        ([0, 1, 2], 0.0),            # 2/3 − 1/1 < 0: floored at 0
        ([0, 1, 2, 3], 0.0),         # "all of them" gains nothing
        ([2], 0.0),                  # only the wrong one: floored at 0
        ([], 0.0),
    ],
)
def test_multiple_partial_credit(response, credit):
    result = score("multiple", [0, 1, 3], response, 4)
    assert result == credit
    assert 0.0 <= result <= 1.0


def test_multiple_with_two_wrong_options_costs_half_each():
    # 5 options, right = {0, 1, 2}: one wrong option costs 1/2.
    assert score("multiple", [0, 1, 2], [0, 1, 2, 3], 5) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "given",
    ["五", "5", "\uff15", " 5 ", "5。", " 五 ", "5!", "(5)", "\u30105\u3011"],
)
def test_fill_blank_normalises_width_spaces_and_edge_punctuation(given):
    assert score("fill_blank", ["5", "五"], [given], 0) == 1.0


@pytest.mark.parametrize("given", ["6", "五声", "", "5 5"])
def test_fill_blank_rejects_other_text(given):
    assert score("fill_blank", ["5", "五"], [given], 0) == 0.0


def test_fill_blank_is_case_insensitive_and_full_width_letters_fold():
    assert score("fill_blank", ["kWh"], ["\uff2b\uff37\uff28"], 0) == 1.0
    assert marking.normalise_text("  95598 。") == "95598"


@pytest.mark.parametrize(
    "response, credit",
    [
        ([2, 1, 0], 1.0),
        ([0, 1, 2], 0.0),            # reversed: longest correct run 1 → (1-1)/2
        ([2, 0, 1], 0.5),            # 2 then 1 in order (or 2 then 0) → (2-1)/2
        ([1, 2, 0], 0.5),
        ([2, 2, 0], 0.0),            # not a permutation
        ([], 0.0),
    ],
)
def test_ordering_partial_by_longest_correct_subsequence(response, credit):
    assert score("ordering", [2, 1, 0], response, 3) == credit


def test_ordering_one_step_misplaced_in_four():
    assert score("ordering", [0, 1, 2, 3], [1, 0, 2, 3], 4) == pytest.approx(2 / 3)


def test_response_checkers_accept_good_shapes_and_refuse_bad_ones():
    check = marking.RESPONSE_CHECKERS
    assert check["single"]([2], 4) == [2]
    assert check["multiple"]([3, 0], 4) == [0, 3]
    assert check["true_false"]([False], 0) == [False]
    assert check["fill_blank"](["  五 "], 0) == ["五"]
    assert check["fill_blank"](["   "], 0) == []
    assert check["ordering"]([2, 0, 1], 3) == [2, 0, 1]
    for qtype, raw, n in [
        ("single", [0, 1], 4), ("single", [4], 4), ("single", ["0"], 4), ("single", [True], 4),
        ("multiple", [1, 1], 4), ("true_false", ["true"], 0), ("fill_blank", [5], 0),
        ("fill_blank", ["x" * 201], 0), ("ordering", [0, 1], 3), ("ordering", "012", 3),
    ]:
        with pytest.raises(ValueError):
            check[qtype](raw, n)


def test_shown_and_original_indexes_are_inverse():
    order = [2, 0, 3, 1]  # shown position → original index
    assert marking.to_original("single", [0], order) == [2]
    assert marking.to_original("multiple", [0, 3], order) == [1, 2]
    assert marking.to_original("ordering", [3, 2, 1, 0], order) == [1, 3, 0, 2]
    for qtype, shown in [("single", [1]), ("multiple", [0, 2]), ("ordering", [1, 3, 0, 2])]:
        assert marking.to_shown(qtype, marking.to_original(qtype, shown, order), order) == shown
    assert marking.to_original("fill_blank", ["五"], []) == ["五"]


@pytest.mark.parametrize("credit, rating", [(1.0, "good"), (0.5, "hard"), (0.0, "again")])
def test_results_turn_into_review_ratings(credit, rating):
    assert marking.rating_for(credit) == rating
