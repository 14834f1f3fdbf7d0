"""The self-assessment's pure core: scoring rules, manual scores, the sheet's total and gaps, the dates."""

from datetime import date, datetime

import pytest

from trainer.assessment.dates import AssessmentCalendar, deadline_note
from trainer.assessment.rules import (
    MEASURES,
    SCORING_RULES,
    Rate,
    parse_manual_points,
    platform_points,
    round_points,
)
from trainer.assessment.sheet import Entry, score_sheet
from trainer.content.assessment import ItemDef
from trainer.errors import ValidationFailed

CAL = AssessmentCalendar()  # 11-30 self-assessment, 12-05 report, Asia/Shanghai


def _item(key, points, measure="manual", **scoring):
    return ItemDef(key, f"项目{key}", points, measure, "说明", "001 篇1 第二则.二", scoring=scoring)


# --- scoring rules ---------------------------------------------------------------------------------

def test_proportional_scores_the_share_and_caps_at_full_at():
    assert platform_points(10, Rate(7, 8), "proportional", {"rule": "proportional"}) == 8.8  # 8.75 rounds half up
    assert platform_points(10, Rate(1, 2), "proportional", {"rule": "proportional", "full_at": 50}) == 10
    assert platform_points(10, Rate(1, 4), "proportional", {"rule": "proportional", "full_at": 50}) == 5


def test_deduct_takes_points_per_percentage_point_and_stops_at_zero():
    rule = {"rule": "deduct", "per_percent": 0.5}
    assert platform_points(20, Rate(10, 10), "deduct", rule) == 20
    assert platform_points(20, Rate(9, 10), "deduct", rule) == 15  # 10 points below → 5 off
    assert platform_points(20, Rate(1, 10), "deduct", rule) == 0  # 90 below would be 45 off: floor at zero
    assert platform_points(20, Rate(9, 10), "deduct", {**rule, "full_at": 90}) == 20


def test_a_rate_over_nobody_scores_full_points():
    assert Rate(0, 0).percent is None
    assert platform_points(10, Rate(0, 0), "proportional", {"rule": "proportional"}) == 10


def test_rounding_is_half_up_to_one_decimal():
    assert round_points(0.25) == 0.3 and round_points(2.675) == 2.7 and round_points(19.95) == 20.0


def test_rule_parameters_are_checked():
    assert SCORING_RULES["deduct"].problems({"rule": "deduct"}) == ["'per_percent' must be a number above 0, got None"]
    assert SCORING_RULES["proportional"].problems({"full_at": 0})
    assert SCORING_RULES["proportional"].problems({"full_at": True})
    assert SCORING_RULES["proportional"].problems({}) == []


def test_every_platform_measure_has_a_source_and_manual_has_none():
    from trainer.assessment.measures import MEASURE_SOURCES

    assert set(MEASURE_SOURCES) == {k for k, m in MEASURES.items() if m.platform}
    assert not MEASURES["manual"].platform


@pytest.mark.parametrize("raw,expected", [("", None), (" 7.5 ", 7.5), ("0", 0.0), ("10", 10.0)])
def test_manual_points_in_half_points(raw, expected):
    assert parse_manual_points(raw, 10, "季度检查") == expected


@pytest.mark.parametrize("raw,message", [("abc", "应为数字"), ("NaN", "应为数字"), ("10.5", "0 到 10 分"),
                                         ("-1", "0 到 10 分"), ("7.3", "0.5 分为单位"), ("1e9", "0 到 10 分")])
def test_manual_points_refused_with_the_item_named(raw, message):
    with pytest.raises(ValidationFailed) as caught:
        parse_manual_points(raw, 10, "季度检查")
    assert "“季度检查”" in caught.value.message and message in caught.value.message


# --- the sheet ---------------------------------------------------------------------------------------

def test_sheet_total_and_what_stops_submission():
    items = [_item("hours", 40, "hours_compliance", rule="proportional"), _item("checks", 40), _item("complaints", 20)]
    sheet = score_sheet(items, {"checks": Entry(35, "四次检查记录"), "complaints": Entry(None, "")}, {"hours": Rate(3, 4)})
    assert [line.points for line in sheet.lines] == [30, 35, None]
    assert sheet.total == 65 and sheet.maximum == 100
    assert sheet.missing == ["“项目complaints”尚未打分", "“项目complaints”缺少佐证说明"] and not sheet.complete
    assert sheet.line("hours").figure == "3/4 人(75.0%)"
    assert sheet.line("hours").rule_text == "得分 = 40 分 × 比例"


def test_a_score_without_evidence_is_not_ready():
    sheet = score_sheet([_item("checks", 100)], {"checks": Entry(100, "  ")}, {})
    assert sheet.missing == ["“项目checks”缺少佐证说明"]


def test_an_unmeasured_platform_item_scores_nothing_but_does_not_block():
    sheet = score_sheet([_item("hours", 100, "hours_compliance", rule="proportional")], {}, {})
    assert sheet.lines[0].points is None and sheet.total == 0 and sheet.complete


# --- dates ---------------------------------------------------------------------------------------------

def test_the_report_date_lasts_to_shanghai_midnight():
    assert CAL.report_due_moment(2026) == datetime(2026, 12, 5, 15, 59, 59, 999999)
    assert not CAL.is_late(datetime(2026, 12, 5, 15, 59, 59), 2026)  # 23:59:59 on 5 December in Shanghai
    assert CAL.is_late(datetime(2026, 12, 5, 16, 0, 0), 2026)  # 00:00 on 6 December
    assert not CAL.is_late(None, 2026)


def test_stages_of_the_year():
    assert CAL.stage(datetime(2026, 11, 29, 16, 0), 2026).key == "self_check"  # 30 Nov local: still self-check
    stage = CAL.stage(datetime(2026, 11, 30, 16, 0), 2026)  # 1 Dec local
    assert (stage.key, stage.due, stage.days_left) == ("reporting", date(2026, 12, 5), 4)
    closed = CAL.stage(datetime(2026, 12, 10, 2, 0), 2026)
    assert (closed.key, closed.days_left) == ("closed", -5)


def test_deadline_notes():
    on_time = deadline_note(CAL, year=2026, first_submitted_at=datetime(2026, 12, 1), now=datetime(2026, 12, 20))
    late = deadline_note(CAL, year=2026, first_submitted_at=datetime(2026, 12, 8, 3), now=datetime(2026, 12, 20))
    due = deadline_note(CAL, year=2026, first_submitted_at=None, now=datetime(2026, 12, 3, 1))
    overdue = deadline_note(CAL, year=2026, first_submitted_at=None, now=datetime(2026, 12, 7, 1))
    assert (on_time.key, on_time.text) == ("on_time", "按时报送")
    assert (late.key, late.text) == ("late", "逾期报送(晚 3 天)")
    assert (due.key, due.text) == ("due", "距 12 月 5 日报送截止还有 2 天")
    assert (overdue.key, overdue.text) == ("overdue", "已超过 12 月 5 日报送截止 2 天,尚未报送")
    today = deadline_note(CAL, year=2026, first_submitted_at=None, now=datetime(2026, 12, 5, 1))
    assert (today.key, today.text) == ("due", "今天(12 月 5 日)报送截止")  # never "还有 0 天"


def test_only_this_year_and_last_year_can_change():
    now = datetime(2027, 1, 10)
    assert CAL.editable(now, 2027) and CAL.editable(now, 2026)
    assert not CAL.editable(now, 2025) and not CAL.editable(now, 2028)


def test_dates_are_settings_and_checked():
    calendar = AssessmentCalendar.from_config({"ASSESSMENT_DEADLINE": "11-25", "ASSESSMENT_REPORT_DUE": "12-10"})
    assert calendar.report_due_date(2026) == date(2026, 12, 10) and calendar.self_due_date(2026) == date(2026, 11, 25)
    with pytest.raises(ValidationFailed, match="不能早于自查日期"):
        AssessmentCalendar.from_config({"ASSESSMENT_DEADLINE": "12-10", "ASSESSMENT_REPORT_DUE": "12-05"})
    with pytest.raises(ValidationFailed):
        AssessmentCalendar.from_config({"ASSESSMENT_REPORT_DUE": "12-32"})
