"""Chart payloads (trainer/charts.py): shape checks and the score histogram's bins."""

import pytest

from trainer import charts


def test_histogram_bins_hold_their_lower_edge_and_the_last_holds_the_top():
    labels, counts = charts.histogram([0, 9.9, 10, 79.5, 80, 100, 100, 120, -5])
    assert labels[0] == "0–10" and labels[-1] == "90–100" and len(labels) == 10
    assert counts[0] == 3  # 0, 9.9 and the clamped -5
    assert counts[1] == 1 and counts[7] == 1 and counts[8] == 1
    assert counts[9] == 3  # 100, 100 and the clamped 120
    assert sum(counts) == 9


def test_a_series_must_match_the_categories():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        charts.bar_chart("x", ["a", "b", "c"], [charts.series("s", [1, 2])])


def test_bar_chart_payload():
    chart = charts.bar_chart("图", ["甲", "乙"], [charts.series("人数", [3, 4], stack="p", colors=["#000", "#fff"])],
                             max_value=100, suffix="%", mark=(80, "及格线"))
    assert chart == {
        "kind": "bar", "label": "图", "categories": ["甲", "乙"], "horizontal": True, "max": 100, "suffix": "%",
        "series": [{"name": "人数", "values": [3, 4], "stack": "p", "colors": ["#000", "#fff"]}],
        "mark": {"value": 80, "label": "及格线"},
    }
