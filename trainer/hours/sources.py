"""Where ledger entries come from, as a registry (no if-chains), and the checks every entry passes."""

from dataclasses import dataclass

from trainer.content.model import CREDIT_CATEGORIES as CATEGORIES
from trainer.errors import ValidationFailed

MAX_ADJUSTMENT_MINUTES = 100 * 60
MAX_SESSION_MINUTES = 10 * 60


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    deduplicated: bool  # at most one entry per (user, year, source, source_key)
    needs_reason: bool
    allows_negative: bool
    max_minutes: int


SOURCES = {
    "module": Source("module", "课程单元", deduplicated=True, needs_reason=False, allows_negative=False, max_minutes=MAX_SESSION_MINUTES),
    "scenario": Source("scenario", "情景演练", deduplicated=True, needs_reason=False, allows_negative=False, max_minutes=MAX_SESSION_MINUTES),
    # A classroom session credits each attendee once: source_key is the session id.
    "classroom": Source("classroom", "集中培训", deduplicated=True, needs_reason=False, allows_negative=False, max_minutes=MAX_SESSION_MINUTES),
    "adjustment": Source("adjustment", "人工调整", deduplicated=False, needs_reason=True, allows_negative=True, max_minutes=MAX_ADJUSTMENT_MINUTES),
}


def dedupe_key(source: str, source_key: str | None) -> str | None:
    """The value of the unique column that makes double credit impossible; None where repeats are allowed."""
    spec = SOURCES[source]
    if not spec.deduplicated:
        return None
    if not source_key:
        raise ValidationFailed("学时来源缺少标识。", f"{source} entry without source_key")
    return f"{source}:{source_key}"


def check_entry(source: str, category: str, minutes: int, reason: str = "") -> None:
    """Raise ValidationFailed (Chinese message, English detail) for an entry that must not be written."""
    spec = SOURCES.get(source)
    if spec is None:
        raise ValidationFailed("学时来源无效。", f"unknown source {source!r}")
    if category not in CATEGORIES:
        raise ValidationFailed("学时类别无效。", f"unknown category {category!r}")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationFailed("学时分钟数必须是整数。", f"minutes {minutes!r} is not an int")
    if minutes == 0 or (minutes < 0 and not spec.allows_negative):
        raise ValidationFailed("学时分钟数必须大于 0。" if not spec.allows_negative else "调整的分钟数不能为 0。",
                               f"{source}: minutes {minutes} not allowed")
    if abs(minutes) > spec.max_minutes:
        raise ValidationFailed(f"单条记录不能超过 {spec.max_minutes // 60} 学时。", f"{source}: |{minutes}| > {spec.max_minutes}")
    if spec.needs_reason and not (reason or "").strip():
        raise ValidationFailed("人工调整必须填写原因。", f"{source} without reason")
