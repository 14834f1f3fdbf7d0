"""A team's sheet, pure: the standard's items + the 班组长's scores and evidence + the measured rates →
points per item, the total, and what still stops the report from being submitted."""

from dataclasses import dataclass

from trainer.assessment.rules import MEASURES, SCORING_RULES, Rate, platform_points, round_points
from trainer.content.assessment import ItemDef

MAX_EVIDENCE = 2000  # characters of evidence per item


@dataclass(frozen=True)
class Entry:
    """What the 班组长 entered for a manual item (points None: not scored yet)."""

    points: float | None = None
    evidence: str = ""


@dataclass(frozen=True)
class Line:
    item: ItemDef
    points: float | None  # None: a manual item not scored yet
    evidence: str = ""
    rate: Rate | None = None  # platform items

    @property
    def measure_label(self) -> str:
        return MEASURES[self.item.measure].label

    @property
    def rule_text(self) -> str:
        """How a platform rate turned into points, in Chinese ("" for manual items)."""
        if not self.item.platform or not self.item.scoring:
            return ""
        return SCORING_RULES[self.item.scoring["rule"]].describe(self.item.points, self.item.scoring)

    @property
    def figure(self) -> str:
        """The measured figure, e.g. "7/8 人(87.5%)", or why there is none."""
        if self.rate is None:
            return ""
        if self.rate.of == 0:
            return "无适用人员,按满分计"
        return f"{self.rate.met}/{self.rate.of} {MEASURES[self.item.measure].unit_label}({self.rate.percent:.1f}%)"

    @property
    def missing(self) -> list[str]:
        """Why this line is not ready to submit (Chinese, empty when it is)."""
        if self.item.platform:
            return []
        found = []
        if self.points is None:
            found.append(f"“{self.item.title}”尚未打分")
        if not self.evidence.strip():
            found.append(f"“{self.item.title}”缺少佐证说明")
        return found


@dataclass(frozen=True)
class Sheet:
    lines: list[Line]

    @property
    def total(self) -> float:
        """Points so far: unscored manual items count as 0 until they are scored."""
        return round_points(sum(line.points or 0 for line in self.lines))

    @property
    def maximum(self) -> float:
        return round_points(sum(line.item.points for line in self.lines))

    @property
    def missing(self) -> list[str]:
        return [problem for line in self.lines for problem in line.missing]

    @property
    def complete(self) -> bool:
        return not self.missing

    def line(self, key: str) -> Line | None:
        return next((line for line in self.lines if line.item.id == key), None)


def score_sheet(items: list[ItemDef], entries: dict[str, Entry], rates: dict[str, Rate]) -> Sheet:
    """``entries`` are the manual items' scores; ``rates`` the platform items' figures (measured now, or
    as frozen at submission). A platform item without a rate (not measured) scores nothing."""
    lines = []
    for item in items:
        if item.platform:
            rate = rates.get(item.id)
            points = None if rate is None else platform_points(item.points, rate, item.scoring["rule"], item.scoring)
            lines.append(Line(item, points, rate=rate))
        else:
            entry = entries.get(item.id, Entry())
            lines.append(Line(item, entry.points, entry.evidence))
    return Sheet(lines)
