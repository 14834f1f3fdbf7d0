"""The exam charts' figures: score bands of each person's best score and the facility index per question."""

from types import SimpleNamespace

from trainer import charts
from trainer.quiz import charts as quiz_charts
from trainer.quiz.analysis import ItemStats, PersonResult, UnitResult


def test_score_chart_counts_best_scores_and_colours_by_pass_mark():
    unit = UnitResult(SimpleNamespace(name="东区"), [PersonResult(None, 2, 95.0, True), PersonResult(None, 1, 82.5, False),
                                                     PersonResult(None, 0, None, False), PersonResult(None, 1, 40.0, False)])
    chart = quiz_charts.score_chart([unit], pass_percent=85)
    counts = chart["series"][0]["values"]
    assert sum(counts) == 3  # the person who never submitted is not in the distribution
    assert counts[9] == 1 and counts[8] == 1 and counts[4] == 1
    colours = chart["series"][0]["colors"]
    assert colours[9] == charts.GREEN and colours[8] == charts.AMBER and colours[7] == charts.RED  # 85 splits 80–90
    assert chart["horizontal"] is False


def test_difficulty_chart_colours_flags_and_small_samples():
    rows = [
        (SimpleNamespace(stem="以下哪一项是柜台服务的首问负责制要求之一,请选择"), ItemStats(1, n=10, facility=0.1, flags=["太难或答案有误"]), []),
        (SimpleNamespace(stem="问候语"), ItemStats(2, n=10, facility=0.5), []),
        (SimpleNamespace(stem="礼貌用语"), ItemStats(3, n=10, facility=0.98, flags=["太容易"]), []),
        (SimpleNamespace(stem="新题"), ItemStats(4, n=2, facility=0.333), []),
    ]
    chart = quiz_charts.difficulty_chart(rows)
    assert chart["categories"][0] == "1. 以下哪一项是柜台服务的首问负责制…" and chart["categories"][1] == "2. 问候语"
    assert chart["series"][0]["values"] == [0.1, 0.5, 0.98, 0.33]
    assert chart["series"][0]["colors"] == [charts.RED, charts.BLUE, charts.AMBER, charts.GREY]
    assert chart["max"] == 1


def test_a_question_label_is_plain_text():
    assert quiz_charts.question_label(3, "[html]<p>选出<b>正确</b>的&amp;做法</p>") == "3. 选出正确的&做法"
    assert quiz_charts.question_label(4, "  两行\n题干 ") == "4. 两行 题干"

