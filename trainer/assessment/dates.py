"""The assessment year's two dates (settings), pure: the self-assessment date (``ASSESSMENT_DEADLINE``,
default 11-30) and the date the report is due at the 供电所 (``ASSESSMENT_REPORT_DUE``, default 12-05),
both from ``001 篇1 第二则.四``. Times are naive UTC as stored; the dates are local (Asia/Shanghai)
and a date lasts to the end of its day.

A report may be submitted at any time of its year and later: refusing a late report helps nobody, so a
late one is accepted and marked late (by its first submission; a report the 供电所 returns and the team
corrects is not late a second time). The current and the previous year may be changed; older years are
history, read only.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from trainer.errors import ValidationFailed
from trainer.hours.policy import SHANGHAI, parse_deadline

EDITABLE_YEARS = 2  # the current year and the one before (a report due in December, corrected in January)


@dataclass(frozen=True)
class Stage:
    key: str  # self_check | reporting | closed
    label: str
    due: date  # the next date that matters in this stage (for "closed": the report date that passed)
    days_left: int  # to ``due``; negative once it has passed


@dataclass(frozen=True)
class AssessmentCalendar:
    self_due: tuple[int, int] = (11, 30)
    report_due: tuple[int, int] = (12, 5)
    tz: ZoneInfo = SHANGHAI

    @classmethod
    def from_config(cls, config: Mapping) -> "AssessmentCalendar":
        self_due = parse_deadline(config.get("ASSESSMENT_DEADLINE", "11-30"))
        report_due = parse_deadline(config.get("ASSESSMENT_REPORT_DUE", "12-05"))
        if report_due < self_due:
            raise ValidationFailed("考核报送日期设置有误:报送截止日期不能早于自查日期。",
                                   f"ASSESSMENT_REPORT_DUE {report_due} before ASSESSMENT_DEADLINE {self_due}")
        return cls(self_due, report_due, ZoneInfo(config.get("TIMEZONE") or "Asia/Shanghai"))

    def today(self, now: datetime) -> date:
        return now.replace(tzinfo=UTC).astimezone(self.tz).date()

    def current_year(self, now: datetime) -> int:
        return self.today(now).year

    def self_due_date(self, year: int) -> date:
        return date(year, *self.self_due)

    def report_due_date(self, year: int) -> date:
        return date(year, *self.report_due)

    def report_due_moment(self, year: int) -> datetime:
        """The last instant of the report date (local), as naive UTC."""
        end = datetime.combine(self.report_due_date(year), time.max, tzinfo=self.tz)
        return end.astimezone(UTC).replace(tzinfo=None)

    def is_late(self, first_submitted_at: datetime | None, year: int) -> bool:
        return first_submitted_at is not None and first_submitted_at > self.report_due_moment(year)

    def days_late(self, first_submitted_at: datetime, year: int) -> int:
        return max(0, (self.today(first_submitted_at) - self.report_due_date(year)).days)

    def editable(self, now: datetime, year: int) -> bool:
        current = self.current_year(now)
        return current - EDITABLE_YEARS < year <= current

    def stage(self, now: datetime, year: int) -> Stage:
        """Where the year stands today: before and on the self-assessment date, teams assess themselves;
        then until the report date they report; after it the reporting is closed (late reports still come)."""
        today = self.today(now)
        self_due, report_due = self.self_due_date(year), self.report_due_date(year)
        if today <= self_due:
            return Stage("self_check", "自查自评", self_due, (self_due - today).days)
        if today <= report_due:
            return Stage("reporting", "报送供电所", report_due, (report_due - today).days)
        return Stage("closed", "报送已截止", report_due, (report_due - today).days)


@dataclass(frozen=True)
class DeadlineNote:
    key: str  # on_time | late | due | overdue
    text: str


def deadline_note(calendar: AssessmentCalendar, *, year: int, first_submitted_at: datetime | None,
                  now: datetime) -> DeadlineNote:
    """The line a sheet or a list shows about the report date, in Chinese."""
    due = calendar.report_due_date(year)
    if first_submitted_at is not None:
        if calendar.is_late(first_submitted_at, year):
            return DeadlineNote("late", f"逾期报送(晚 {calendar.days_late(first_submitted_at, year)} 天)")
        return DeadlineNote("on_time", "按时报送")
    days = (due - calendar.today(now)).days
    if days > 0:
        return DeadlineNote("due", f"距 {due.month} 月 {due.day} 日报送截止还有 {days} 天")
    if days == 0:
        return DeadlineNote("due", f"今天({due.month} 月 {due.day} 日)报送截止")
    return DeadlineNote("overdue", f"已超过 {due.month} 月 {due.day} 日报送截止 {-days} 天,尚未报送")
