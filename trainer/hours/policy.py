"""The annual requirement as settings: target minutes, the categories that count, the assessment deadline.

Times are naive UTC (as stored); the training year and the deadline are in the policy's time zone
(Asia/Shanghai): 2025-12-31T16:00Z already belongs to 2026.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from trainer.errors import ValidationFailed

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def parse_deadline(text: str) -> tuple[int, int]:
    """``"11-30"`` → ``(11, 30)``; raises ValidationFailed for anything that is not a real month-day."""
    match = MONTH_DAY.match(str(text).strip())
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            date(2001, month, day)  # a non-leap year: 02-29 would not exist every year
        except ValueError:
            pass
        else:
            return month, day
    raise ValidationFailed("自查截止日期设置有误,应为“月-日”,如 11-30。", f"ASSESSMENT_DEADLINE {text!r} is not MM-DD")


@dataclass(frozen=True)
class HoursPolicy:
    target_minutes: int = 16 * 60
    categories: tuple[str, ...] = ("ethics", "law")
    deadline: tuple[int, int] = (11, 30)  # (month, day), local
    tz: ZoneInfo = SHANGHAI

    @classmethod
    def from_config(cls, config: Mapping) -> "HoursPolicy":
        """Build from an app-config-like mapping (HOURS_TARGET_MINUTES, HOURS_CATEGORIES, ASSESSMENT_DEADLINE, TIMEZONE)."""
        return cls(
            target_minutes=int(config.get("HOURS_TARGET_MINUTES", 16 * 60)),
            categories=tuple(config.get("HOURS_CATEGORIES", ("ethics", "law"))),
            deadline=parse_deadline(config.get("ASSESSMENT_DEADLINE", "11-30")),
            tz=ZoneInfo(config.get("TIMEZONE") or "Asia/Shanghai"),
        )

    def local(self, moment: datetime) -> datetime:
        return moment.replace(tzinfo=UTC).astimezone(self.tz)

    def today(self, now: datetime) -> date:
        return self.local(now).date()

    def year_of(self, moment: datetime) -> int:
        """The training year of a naive-UTC moment."""
        return self.local(moment).year

    def year_bounds(self, year: int) -> tuple[datetime, datetime]:
        """[start, end) of the training year as naive UTC."""
        start = datetime(year, 1, 1, tzinfo=self.tz).astimezone(UTC).replace(tzinfo=None)
        end = datetime(year + 1, 1, 1, tzinfo=self.tz).astimezone(UTC).replace(tzinfo=None)
        return start, end

    def deadline_date(self, year: int) -> date:
        return date(year, *self.deadline)

    def deadline_moment(self, year: int) -> datetime:
        """End of the deadline day (local), as naive UTC."""
        end = datetime.combine(self.deadline_date(year), time.max, tzinfo=self.tz)
        return end.astimezone(UTC).replace(tzinfo=None)

    def days_left(self, now: datetime, year: int) -> int:
        """Whole days from today (local) to the deadline day of ``year``: 0 on the day itself, negative after."""
        return (self.deadline_date(year) - self.today(now)).days

    def counts(self, category: str) -> bool:
        return category in self.categories
