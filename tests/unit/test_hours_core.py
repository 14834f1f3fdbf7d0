"""The pure hours core: training year in Asia/Shanghai, deadline, summary, entry rules; qualification status."""

from datetime import date, datetime

import pytest

from trainer.certification.status import (
    GrantFacts,
    Requirements,
    add_months,
    all_met,
    requirement_items,
    status_of,
)
from trainer.errors import ValidationFailed
from trainer.hours import (
    Entry,
    HoursPolicy,
    check_entry,
    dedupe_key,
    parse_deadline,
    summarize,
    summarize_entries,
)

POLICY = HoursPolicy()


def test_the_year_turns_at_shanghai_midnight():
    assert POLICY.year_of(datetime(2025, 12, 31, 15, 59, 59)) == 2025  # 23:59:59 in Shanghai
    assert POLICY.year_of(datetime(2025, 12, 31, 16, 0, 0)) == 2026  # 00:00:00 on 1 January in Shanghai
    assert POLICY.today(datetime(2025, 12, 31, 16, 0, 0)) == date(2026, 1, 1)


def test_year_bounds_are_naive_utc():
    assert POLICY.year_bounds(2026) == (datetime(2025, 12, 31, 16, 0), datetime(2026, 12, 31, 16, 0))


def test_days_left_to_the_november_deadline():
    assert POLICY.deadline_date(2026) == date(2026, 11, 30)
    assert POLICY.days_left(datetime(2026, 11, 1, 2, 0), 2026) == 29
    assert POLICY.days_left(datetime(2026, 11, 29, 16, 30), 2026) == 0  # already 30 Nov in Shanghai
    assert POLICY.days_left(datetime(2026, 12, 5, 0, 0), 2026) == -5
    assert POLICY.deadline_moment(2026) > datetime(2026, 11, 30, 15, 59)


@pytest.mark.parametrize("text,expected", [("11-30", (11, 30)), ("12-5", (12, 5)), (" 1-01 ", (1, 1))])
def test_deadline_setting_parses(text, expected):
    assert parse_deadline(text) == expected


@pytest.mark.parametrize("text", ["11/30", "13-01", "02-30", "02-29", "", "end of november"])
def test_bad_deadline_setting_is_refused(text):
    with pytest.raises(ValidationFailed):
        parse_deadline(text)


def test_policy_from_config_uses_the_settings():
    policy = HoursPolicy.from_config({"HOURS_TARGET_MINUTES": 600, "HOURS_CATEGORIES": ["ethics"], "ASSESSMENT_DEADLINE": "12-05",
                                      "TIMEZONE": "Asia/Shanghai"})
    assert (policy.target_minutes, policy.categories, policy.deadline) == (600, ("ethics",), (12, 5))


def test_summary_counts_only_the_configured_categories():
    summary = summarize_entries(2026, [Entry("ethics", 480), Entry("law", 300), Entry("service", 600), Entry("law", 60)], POLICY)
    assert summary.by_category == {"ethics": 480, "law": 360, "service": 600}
    assert (summary.counted_minutes, summary.other_minutes, summary.missing_minutes) == (840, 600, 120)
    assert not summary.compliant and summary.percent == 87
    assert summarize(2026, {"ethics": 500, "law": 460}, POLICY).compliant


def test_negative_adjustments_reduce_but_never_below_zero():
    summary = summarize_entries(2026, [Entry("ethics", 60), Entry("ethics", -120, "adjustment")], POLICY)
    assert summary.counted_minutes == 0 and summary.missing_minutes == 960 and summary.percent == 0


def test_percent_rounds_down_so_almost_is_not_done():
    assert summarize(2026, {"ethics": 959}, POLICY).percent == 99
    assert summarize(2026, {"ethics": 2000}, POLICY).percent == 100


def test_entry_rules():
    check_entry("module", "ethics", 90)
    check_entry("adjustment", "law", -60, "重复计入,予以冲销")
    for source, category, minutes, reason in [
        ("module", "ethics", 0, ""), ("module", "ethics", -30, ""), ("adjustment", "law", 60, "  "),
        ("module", "cooking", 30, ""), ("nonsense", "ethics", 30, ""), ("classroom", "law", 601, ""),
        ("adjustment", "law", 0, "x"), ("module", "ethics", 1.5, ""), ("module", "ethics", True, ""),
    ]:
        with pytest.raises(ValidationFailed):
            check_entry(source, category, minutes, reason)


def test_dedupe_key_only_for_once_only_sources():
    assert dedupe_key("module", "counter-basics") == "module:counter-basics"
    assert dedupe_key("classroom", "17") == "classroom:17"
    assert dedupe_key("adjustment", None) is None
    with pytest.raises(ValidationFailed):
        dedupe_key("scenario", "")


# --- qualification status -------------------------------------------------------------------------

REQ = Requirements(modules=("m1", "m2"), scenarios=("s1",), scenario_min_score=80, exam="e1", exam_pass_percent=80)
NOW = datetime(2026, 6, 1, 12, 0)


def test_requirements_need_the_minimum_scores():
    items = requirement_items(REQ, {("module", "m1"): None, ("module", "m2"): None, ("scenario", "s1"): 79, ("exam", "e1"): 95})
    assert [i.met for i in items] == [True, True, False, True] and not all_met(items)
    items = requirement_items(REQ, {("module", "m1"): None, ("module", "m2"): None, ("scenario", "s1"): 80, ("exam", "e1"): 80})
    assert all_met(items)
    assert not all_met([])


@pytest.mark.parametrize("grants,evidence,expected", [
    ([], False, "not_started"),
    ([], True, "in_progress"),
    ([GrantFacts(datetime(2026, 1, 1), datetime(2027, 1, 1))], True, "certified"),
    ([GrantFacts(datetime(2025, 6, 20), datetime(2026, 6, 20))], True, "expiring"),
    ([GrantFacts(datetime(2025, 5, 1), datetime(2026, 5, 1))], True, "expired"),
    ([GrantFacts(datetime(2026, 1, 1), datetime(2027, 1, 1), revoked_at=datetime(2026, 3, 1))], True, "revoked"),
    # The newest grant decides: a renewal after an expiry certifies again.
    ([GrantFacts(datetime(2025, 1, 1), datetime(2026, 1, 1)), GrantFacts(datetime(2026, 2, 1), datetime(2027, 2, 1))], True, "certified"),
])
def test_status_of(grants, evidence, expected):
    assert status_of(grants, requirement_items(REQ, {}), evidence, NOW, 30) == expected


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime(2026, 1, 31, 8), 1) == datetime(2026, 2, 28, 8)
    assert add_months(datetime(2027, 12, 15), 12) == datetime(2028, 12, 15)
    assert add_months(datetime(2026, 11, 30), 3) == datetime(2027, 2, 28)
