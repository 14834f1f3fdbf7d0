"""Active learning time, the pure core: the crediting rule, what a heartbeat may count, quiz spans, settings."""

from datetime import datetime, timedelta

import pytest

from trainer.hours import ActiveTimePolicy, ActiveTotals, Evidence, beat_seconds, span_seconds

T0 = datetime(2026, 6, 1, 2, 0)


@pytest.mark.parametrize(("share", "credit_minutes", "required"), [
    (0.5, 90, 2700),  # 1.5 h module: 45 minutes
    (0.5, 60, 1800),
    (0.5, 0, 0),
    (0.005, 60, 18),  # 18.0 exactly: no rounding up past a whole second
    (1 / 3, 30, 600),  # 599.999…: float noise must not make it 601
    (0.01, 95, 57),  # 57.0
    (0.011, 95, 63),  # 62.7 → rounded up: the rule never credits a fraction of a second early
])
def test_required_seconds_is_the_share_of_nominal_minutes_rounded_up(share, credit_minutes, required):
    assert ActiveTimePolicy(share=share).required_seconds(credit_minutes) == required


def test_a_module_qualifies_at_the_required_seconds_and_not_one_second_before():
    rule = ActiveTimePolicy()
    assert not rule.qualifies(90, 2699)
    assert rule.qualifies(90, 2700)
    assert not rule.qualifies(90, 0)
    assert ActiveTimePolicy(share=0).qualifies(90, 0)  # a deployment may switch the requirement off


@pytest.mark.parametrize(("claimed", "elapsed", "counted"), [
    (30, 31.7, 30),  # an honest beat
    (30, 12.9, 12),  # more than the wall clock since the previous beat: only what passed
    (10_000, 40.0, 40),  # a forged beat
    (600, 10_000.0, 300),  # never more than the per-beat maximum
    (30, -5.0, 0),  # a clock that went backwards
    (0, 60.0, 0),
    (-30, 60.0, 0),
])
def test_a_beat_counts_at_most_the_wall_clock_and_the_per_beat_maximum(claimed, elapsed, counted):
    assert beat_seconds(claimed, elapsed=elapsed, max_seconds=300) == counted


@pytest.mark.parametrize("claimed", [None, "30", 30.0, True, [30]])
def test_a_beat_that_is_not_a_whole_number_counts_nothing(claimed):
    assert beat_seconds(claimed, elapsed=60.0, max_seconds=300) == 0


def test_quiz_span_is_start_to_submit_capped():
    assert span_seconds(T0, T0 + timedelta(minutes=4, seconds=30), cap=600) == 270
    assert span_seconds(T0, T0 + timedelta(hours=3), cap=600) == 600  # left open for hours
    assert span_seconds(T0, T0 - timedelta(seconds=1), cap=600) == 0
    assert span_seconds(T0, None, cap=600) == 0
    assert ActiveTimePolicy().practice_cap(10) == 1200
    assert ActiveTimePolicy().practice_cap(0) == 120


def test_settings_come_from_config_strings_as_the_environment_gives_them():
    rules = ActiveTimePolicy.from_config({"ACTIVE_TIME_SHARE": "0.25", "READING_IDLE_SECONDS": "60",
                                          "READING_BEAT_SECONDS": None})
    assert (rules.share, rules.idle_seconds, rules.beat_seconds, rules.percent) == (0.25, 60, 30, 25)
    assert ActiveTimePolicy.from_config({}) == ActiveTimePolicy()
    with pytest.raises(ValueError, match="ACTIVE_TIME_SHARE"):
        ActiveTimePolicy.from_config({"ACTIVE_TIME_SHARE": 1.5})
    with pytest.raises(ValueError, match="at least 1"):
        ActiveTimePolicy.from_config({"READING_BEAT_SECONDS": 0})


def test_evidence_and_totals_round_minutes_down():
    assert Evidence(2759).minutes == 45  # 45 min 59 s: the ledger never shows more than was measured
    totals = ActiveTotals({"reading": 125, "quiz": 59, "classroom": 3600}, counted_seconds=184)
    assert (totals.seconds, totals.minutes, totals.counted_minutes, totals.minutes_of("reading"), totals.minutes_of("exam")) == \
        (3784, 63, 3, 2, 0)
