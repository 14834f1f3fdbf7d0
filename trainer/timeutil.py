"""Time helpers. Timestamps are stored as naive UTC; the training year is the calendar year in Asia/Shanghai."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime, tz: ZoneInfo = SHANGHAI) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(tz)


def local_year(moment: datetime, tz: ZoneInfo = SHANGHAI) -> int:
    """The training year of a naive-UTC moment: 2025-12-31T16:00Z is already 2026 in Shanghai."""
    return to_local(moment, tz).year
