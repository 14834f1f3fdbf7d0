"""Due dates in words and the new hire's onboarding clock (trainer/assignments/rules.py)."""

from datetime import datetime

from trainer.assignments.rules import due_words, onboarding_start

NOW = datetime(2026, 11, 30, 2, 0)  # 10:00 on 30 November in Shanghai


def test_due_words_never_say_zero_days():
    assert [due_words(n) for n in (None, -3, -1, 0, 1, 12)] == [
        "", "已逾期 3 天", "已逾期 1 天", "今天到期", "还有 1 天", "还有 12 天"]


def test_onboarding_counts_from_the_hire_unless_that_would_start_overdue():
    hired = datetime(2026, 11, 20, 1, 0)
    assert onboarding_start(hired, NOW, 30) == hired  # signing in ten days later does not move the due date
    assert onboarding_start(datetime(2025, 1, 5), NOW, 30) == NOW  # moved into a new-hire 岗位 long after joining
    assert onboarding_start(None, NOW, 30) == NOW
    assert onboarding_start(datetime(2027, 1, 1), NOW, 30) == NOW  # a creation time after the clock: the clock
