"""Due dates, status, path prerequisites and reminder timing. Pure: no Flask, no database; the clock is
an argument (``now`` is a naive-UTC datetime, as stored everywhere).

Due dates are calendar dates in Asia/Shanghai. An item due on 3 March is on time until 23:59:59 local on
3 March and overdue from 00:00 local on 4 March (= 16:00 UTC on 3 March).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from trainer.timeutil import SHANGHAI, to_local

STATUS_LABELS = {"done": "已完成", "overdue": "已逾期", "due-soon": "即将到期", "pending": "进行中"}
DUE_SOON_DAYS = 3


def local_today(now: datetime, tz: ZoneInfo = SHANGHAI) -> date:
    return to_local(now, tz).date()


def person_due_date(due_date: date | None, due_days: int | None, first_seen: datetime, tz: ZoneInfo = SHANGHAI) -> date | None:
    """A fixed date applies to everyone, late joiners too; a relative one counts from the local day the person
    was first seen in scope (first seen on 1 March with 30 days → due 31 March)."""
    if due_date is not None:
        return due_date
    if due_days is not None:
        return local_today(first_seen, tz) + timedelta(days=due_days)
    return None


def days_left(due: date, now: datetime, tz: ZoneInfo = SHANGHAI) -> int:
    """0 on the due day itself, negative once overdue."""
    return (due - local_today(now, tz)).days


def due_words(left: int | None) -> str:
    """What a person reads about a due date ``left`` days away (days_left): 还有 N 天 / 今天到期 / 已逾期 N 天;
    empty without a due date. Never "还有 0 天"."""
    if left is None:
        return ""
    if left < 0:
        return f"已逾期 {-left} 天"
    return "今天到期" if left == 0 else f"还有 {left} 天"


def onboarding_start(created_at: datetime | None, now: datetime, days: int, tz: ZoneInfo = SHANGHAI) -> datetime:
    """When a new hire's onboarding clock starts: the account's creation (the hire), so signing in a week later
    does not move the due date; ``now`` when the account is older than the onboarding period (someone moved into
    a new-hire 岗位 later) or has no creation time, so nobody starts out overdue."""
    if created_at is None or created_at > now or local_today(created_at, tz) + timedelta(days=days) < local_today(now, tz):
        return now
    return created_at


def is_overdue(due: date | None, now: datetime, tz: ZoneInfo = SHANGHAI) -> bool:
    return due is not None and days_left(due, now, tz) < 0


def status(complete: bool, due: date | None, now: datetime, tz: ZoneInfo = SHANGHAI) -> str:
    """A key of STATUS_LABELS."""
    if complete:
        return "done"
    if due is None:
        return "pending"
    left = days_left(due, now, tz)
    if left < 0:
        return "overdue"
    return "due-soon" if left <= DUE_SOON_DAYS else "pending"


def sort_key(due: date | None, title: str) -> tuple:
    """Earliest due first; items without a due date last."""
    return (due is None, due or date.max, title)


# --- path prerequisites -------------------------------------------------------------------------------

STEP_STATE_LABELS = {"done": "已完成", "available": "可以开始", "locked": "未解锁"}


@dataclass(frozen=True)
class StepState:
    key: str
    state: str  # a key of STEP_STATE_LABELS
    missing: tuple[str, ...]  # prerequisite step keys not yet done


def step_states(steps: list[tuple[str, list[str]]], done: set[str]) -> list[StepState]:
    """``steps`` are (key, after) in path order; ``done`` the keys whose item is complete.

    A step is done when its item is complete (whatever order the learner took); otherwise it is locked
    until every step in its ``after`` is done. Unknown prerequisite keys (a step removed from the path)
    are ignored rather than locking the step forever.
    """
    keys = {key for key, _after in steps}
    states = []
    for key, after in steps:
        missing = tuple(a for a in after if a in keys and a not in done)
        if key in done:
            states.append(StepState(key, "done", ()))
        else:
            states.append(StepState(key, "locked" if missing else "available", missing))
    return states


def next_step(states: list[StepState]) -> StepState | None:
    """The first step, in path order, that can be taken now."""
    return next((s for s in states if s.state == "available"), None)


# --- reminders ----------------------------------------------------------------------------------------


def reminder_kind(due: date | None, now: datetime, before: list[int], after: list[int], tz: ZoneInfo = SHANGHAI) -> str:
    """The one reminder that applies now: the most urgent of ``after-N`` (N days or more overdue, largest N),
    ``before-N`` (N days or fewer left, smallest N) and ``assigned`` (nothing is near yet).

    With before=[7, 1]: 10 days left → ``assigned``; 3 left → ``before-7``; due today → ``before-1``. With
    after=[1, 7]: 1–6 days overdue → ``after-1``; 7+ → ``after-7``. Each kind is sent at most once per person
    (the caller's unique constraint), so a daily run sends each reminder once as the date approaches.
    """
    if due is None:
        return "assigned"
    left = days_left(due, now, tz)
    if left < 0:
        reached = [n for n in after if n <= -left]
        if reached:
            return f"after-{max(reached)}"
    reached = [n for n in before if n >= left >= 0]
    if reached:
        return f"before-{min(reached)}"
    return "assigned"


def reminder_text(kind: str, title: str, due: date | None, now: datetime, tz: ZoneInfo = SHANGHAI) -> str:
    """The Chinese sentence of a reminder."""
    due_text = f"{due.month}月{due.day}日" if due else ""
    if due is None:
        return f"您有一项培训任务:{title}。"
    left = days_left(due, now, tz)
    if left < 0:
        return f"培训任务“{title}”已于{due_text}到期,已逾期 {-left} 天,请尽快完成。"
    if left == 0:
        return f"培训任务“{title}”今天({due_text})到期,请在今天 24 点前完成。"
    if kind.startswith("before-") or kind.startswith("manual"):
        return f"培训任务“{title}”将于{due_text}到期,还有 {left} 天。"
    return f"您有一项新的培训任务:{title},请在{due_text}前完成。"
