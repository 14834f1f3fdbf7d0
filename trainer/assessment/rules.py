"""What an item of the standard measures and how a measured rate becomes points. Pure: registries of
small classes, shared by the content validator (``trainer/content/assessment.py``) and the services.

A *measure* says where an item's figure comes from: the 班组长's own scoring with evidence (``manual``) or
one of the platform's records (a rate: people who met something / people it applies to). A *scoring rule*
turns a platform rate (0–100 %) into points out of the item's maximum.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from trainer.errors import ValidationFailed

STEP = Decimal("0.5")  # manual scores and item maxima are whole or half points


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # shown on the sheet: what kind of figure this is
    platform: bool  # filled from the platform's records; False: entered by the 班组长 with evidence
    params: tuple[str, ...] = ()  # keys the item must carry (e.g. which exam)
    optional: tuple[str, ...] = ()
    unit_label: str = "人"  # what the rate counts


MEASURES = {
    "manual": Measure("manual", "班组长自评", platform=False),
    "hours_compliance": Measure("hours_compliance", "年度学时达标率", platform=True),
    "qualification_rate": Measure("qualification_rate", "上岗资格持证率", platform=True),
    "exam_pass_rate": Measure("exam_pass_rate", "考试合格率", platform=True, params=("exam",)),
    "roleplay_pass_rate": Measure("roleplay_pass_rate", "情景演练通过率", platform=True, optional=("min_passed",)),
}


@dataclass(frozen=True)
class Rate:
    """``met`` of ``of`` people; ``of == 0`` means the measure applies to nobody in the team."""

    met: int
    of: int
    detail: str = ""  # a Chinese note for the sheet ("参考 6 人,平均 85 分")

    @property
    def percent(self) -> float | None:
        return None if self.of == 0 else self.met * 100 / self.of

    def as_dict(self) -> dict:
        return {"met": self.met, "of": self.of, "detail": self.detail}

    @classmethod
    def from_dict(cls, data: dict) -> "Rate":
        return cls(int(data["met"]), int(data["of"]), str(data.get("detail", "")))


def round_points(value: float) -> float:
    """One decimal, halves up (a deduction of 0.25 shows as 0.3, never as a binary-float 0.2)."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


class Proportional:
    """Points in proportion to the rate; full points from ``full_at`` percent (default 100)."""

    label = "按比例计分"
    params = ("full_at",)

    def problems(self, params: dict) -> list[str]:
        full_at = params.get("full_at", 100)
        if isinstance(full_at, bool) or not isinstance(full_at, int | float) or not 0 < full_at <= 100:
            return [f"'full_at' must be a percentage above 0 and at most 100, got {full_at!r}"]
        return []

    def points(self, maximum: float, percent: float, params: dict) -> float:
        return maximum * min(1.0, percent / params.get("full_at", 100))

    def describe(self, maximum: float, params: dict) -> str:
        full_at = params.get("full_at", 100)
        return f"达到 {full_at:g}% 得满分 {maximum:g} 分,不足按比例计分" if full_at != 100 else f"得分 = {maximum:g} 分 × 比例"


class Deduct:
    """Full points at ``full_at`` percent (default 100); ``per_percent`` points off for each percentage point
    below it, never below zero (the usual wording of a 考核标准: 每低 1 个百分点扣 0.5 分,扣完为止)."""

    label = "按差距扣分"
    params = ("per_percent", "full_at")

    def problems(self, params: dict) -> list[str]:
        found = Proportional().problems(params)
        per = params.get("per_percent")
        if isinstance(per, bool) or not isinstance(per, int | float) or per <= 0:
            found.append(f"'per_percent' must be a number above 0, got {per!r}")
        return found

    def points(self, maximum: float, percent: float, params: dict) -> float:
        gap = max(0.0, params.get("full_at", 100) - percent)
        return max(0.0, maximum - params["per_percent"] * gap)

    def describe(self, maximum: float, params: dict) -> str:
        return f"达到 {params.get('full_at', 100):g}% 得满分 {maximum:g} 分,每低 1 个百分点扣 {params['per_percent']:g} 分,扣完为止"


SCORING_RULES = {"proportional": Proportional(), "deduct": Deduct()}


def platform_points(maximum: float, rate: Rate, rule: str, params: dict) -> float:
    """Points for a platform item. A rate over nobody (``of == 0``) scores full points: nobody in the team
    fell short of it (a team without anyone needing a qualification has no unqualified staff)."""
    percent = rate.percent
    if percent is None:
        return round_points(maximum)
    return round_points(min(maximum, SCORING_RULES[rule].points(maximum, percent, params)))


def parse_manual_points(raw: str, maximum: float, title: str) -> float | None:
    """A score typed by the 班组长: blank → None (not yet scored); else 0 … maximum in half points.
    Raises ValidationFailed naming the item."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite():
        raise ValidationFailed(f"“{title}”的得分应为数字。", f"points {text!r} is not a number")
    if not 0 <= value <= Decimal(str(maximum)):
        raise ValidationFailed(f"“{title}”的得分应在 0 到 {maximum:g} 分之间。", f"points {value} outside 0..{maximum}")
    if value % STEP:
        raise ValidationFailed(f"“{title}”的得分以 0.5 分为单位。", f"points {value} not a multiple of 0.5")
    return float(value)
