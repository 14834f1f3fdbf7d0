"""Due dates in Asia/Shanghai, status, path prerequisites and reminder timing (pure, injected clock)."""

from datetime import date, datetime

import pytest

from trainer.assignments import rules

DUE = date(2026, 3, 3)


def utc(*args) -> datetime:
    return datetime(*args)


def test_due_day_ends_at_midnight_shanghai_not_utc():
    last_second = utc(2026, 3, 3, 15, 59, 59)  # 23:59:59 on 3 March in Shanghai
    first_late = utc(2026, 3, 3, 16, 0, 0)  # 00:00:00 on 4 March in Shanghai
    assert rules.days_left(DUE, last_second) == 0 and not rules.is_overdue(DUE, last_second)
    assert rules.status(False, DUE, last_second) == "due-soon"
    assert rules.days_left(DUE, first_late) == -1 and rules.is_overdue(DUE, first_late)
    assert rules.status(False, DUE, first_late) == "overdue"


def test_early_morning_shanghai_is_still_the_previous_utc_day():
    # 07:30 on 3 March in Shanghai is 23:30 on 2 March in UTC: the due day has come, it is not "1 day left".
    assert rules.days_left(DUE, utc(2026, 3, 2, 23, 30)) == 0


def test_done_is_done_even_when_late_and_no_due_date_is_never_overdue():
    assert rules.status(True, DUE, utc(2026, 4, 1)) == "done"
    assert rules.status(False, None, utc(2030, 1, 1)) == "pending"
    assert not rules.is_overdue(None, utc(2030, 1, 1))


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 2, 20), "pending"), (date(2026, 2, 28), "due-soon"), (date(2026, 3, 3), "due-soon"),
])
def test_due_soon_window(today, expected):
    noon_local = datetime(today.year, today.month, today.day, 4, 0)  # 12:00 Shanghai
    assert rules.status(False, DUE, noon_local) == expected


def test_relative_due_date_counts_from_the_local_day_first_seen():
    # 17:00 UTC on 28 February is 01:00 on 1 March in Shanghai: 30 days later is 31 March.
    assert rules.person_due_date(None, 30, utc(2026, 2, 28, 17, 0)) == date(2026, 3, 31)
    assert rules.person_due_date(DUE, None, utc(2026, 5, 1)) == DUE  # late joiners share a fixed date
    assert rules.person_due_date(None, None, utc(2026, 5, 1)) is None


def test_sort_puts_earliest_due_first_and_undated_last():
    items = [(None, "c"), (date(2026, 5, 1), "b"), (date(2026, 4, 1), "z"), (date(2026, 4, 1), "a")]
    ordered = sorted(items, key=lambda i: rules.sort_key(*i))
    assert ordered == [(date(2026, 4, 1), "a"), (date(2026, 4, 1), "z"), (date(2026, 5, 1), "b"), (None, "c")]


STEPS = [("phone", []), ("counter", ["phone"]), ("greeting", ["counter"]), ("exam", ["phone", "counter", "greeting"])]


def test_steps_unlock_in_order():
    states = rules.step_states(STEPS, set())
    assert [s.state for s in states] == ["available", "locked", "locked", "locked"]
    assert states[3].missing == ("phone", "counter", "greeting")
    assert rules.next_step(states).key == "phone"
    states = rules.step_states(STEPS, {"phone"})
    assert [s.state for s in states] == ["done", "available", "locked", "locked"]
    assert rules.next_step(states).key == "counter"


def test_work_done_out_of_order_counts_but_does_not_unlock_what_it_does_not_satisfy():
    states = rules.step_states(STEPS, {"counter"})
    assert [s.state for s in states] == ["available", "done", "available", "locked"]
    assert rules.next_step(states).key == "phone"  # the path still leads with the first open step
    assert states[3].missing == ("phone", "greeting")


def test_all_done_means_no_next_step_and_removed_prerequisites_do_not_lock():
    assert rules.next_step(rules.step_states(STEPS, {"phone", "counter", "greeting", "exam"})) is None
    states = rules.step_states([("a", ["gone"]), ("b", ["a"])], set())
    assert [s.state for s in states] == ["available", "locked"]


BEFORE, AFTER = [7, 1], [1, 7]


@pytest.mark.parametrize(("local_day", "expected"), [
    (date(2026, 2, 1), "assigned"),  # 30 days left
    (date(2026, 2, 24), "before-7"),  # 7 days left
    (date(2026, 2, 28), "before-7"),  # 3 days left: still the 7-day reminder (sent once)
    (date(2026, 3, 2), "before-1"),
    (date(2026, 3, 3), "before-1"),  # due today
    (date(2026, 3, 4), "after-1"),  # first day overdue
    (date(2026, 3, 9), "after-1"),
    (date(2026, 3, 10), "after-7"),
    (date(2026, 6, 1), "after-7"),
])
def test_reminder_kind_follows_the_calendar(local_day, expected):
    now = datetime(local_day.year, local_day.month, local_day.day, 1, 0)  # 09:00 Shanghai
    assert rules.reminder_kind(DUE, now, BEFORE, AFTER) == expected


def test_reminder_edge_at_local_midnight():
    assert rules.reminder_kind(DUE, utc(2026, 3, 3, 15, 59, 59), BEFORE, AFTER) == "before-1"
    assert rules.reminder_kind(DUE, utc(2026, 3, 3, 16, 0, 0), BEFORE, AFTER) == "after-1"


def test_reminder_without_due_date_or_settings():
    assert rules.reminder_kind(None, utc(2026, 3, 1), BEFORE, AFTER) == "assigned"
    assert rules.reminder_kind(DUE, utc(2026, 3, 10), [], []) == "assigned"


def test_reminder_text_says_how_late_or_how_soon():
    assert "已逾期 2 天" in rules.reminder_text("after-1", "入职培训", DUE, utc(2026, 3, 5, 2))
    assert "今天" in rules.reminder_text("before-1", "入职培训", DUE, utc(2026, 3, 3, 2))
    assert "还有 3 天" in rules.reminder_text("before-7", "入职培训", DUE, utc(2026, 2, 28, 2))
    assert "3月3日前完成" in rules.reminder_text("assigned", "入职培训", DUE, utc(2026, 2, 1, 2))
