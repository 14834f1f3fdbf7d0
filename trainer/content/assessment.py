"""The annual assessment standard: ``courses/assessment/<id>.yaml``. Pure: no Flask, no database.

```yaml
id: standard-2026
title: 班组文明规范服务年度考核标准
year: 2026                     # in force from this year until a standard with a later year
basis: "001 篇1 第二则.四"       # the clause that asks for the standard
description: 一两句话。
commendation_points: 80        # optional: 001 篇1 第二则.八, one condition for commendation (not a pass mark)
items:
  - id: hours                  # kebab-case, unique in the file
    title: 职业道德和法律教育学时
    points: 20                 # > 0, whole or half points; all items add up to exactly 100
    measure: hours_compliance  # manual | hours_compliance | qualification_rate | exam_pass_rate | roleplay_pass_rate
    scoring: {rule: proportional}          # platform measures only: proportional [full_at] | deduct per_percent [full_at]
    how: 在岗人员中年度学时达标的比例乘以 20 分。   # how it is measured, shown on the sheet
    source: "001 篇1 八.(一).6"
  - id: quarterly-checks
    title: 季度检查
    points: 10
    measure: manual            # the 班组长 scores it (0 … points) and writes the evidence
    how: 每季度至少检查一次并有记录,缺一次扣 2.5 分。
    source: "001 篇1 第二则.二"
```
``exam_pass_rate`` items also name ``exam: <exam id>`` (a blueprint in question_banks/exams/);
``roleplay_pass_rate`` may name ``min_passed`` (scenarios a person must pass in the year, default 1).
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from trainer.assessment.rules import MEASURES, SCORING_RULES
from trainer.content.reader import ContentError, Reader

FOLDER = "assessment"  # under courses/; the course loader skips it
TOTAL_POINTS = 100  # 001 篇1 第二则.四: 满分100分
ITEM_KEYS = {"id", "title", "points", "measure", "scoring", "how", "source", "exam", "min_passed"}


@dataclass
class ItemDef:
    id: str
    title: str
    points: float
    measure: str
    how: str
    source: str
    scoring: dict = field(default_factory=dict)  # {"rule": …, params}; empty for manual items
    params: dict = field(default_factory=dict)  # the measure's parameters (exam, min_passed)

    @property
    def platform(self) -> bool:
        return MEASURES[self.measure].platform

    @classmethod
    def from_dict(cls, data: dict) -> "ItemDef":
        return cls(**data)


@dataclass
class StandardDef:
    id: str
    title: str
    year: int
    basis: str
    description: str
    commendation_points: int | None
    items: list[ItemDef]
    path: str = ""

    def to_dict(self) -> dict:
        """What a team's report keeps as its copy of the standard (everything but the file path)."""
        data = asdict(self)
        data.pop("path")
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "StandardDef":
        values = dict(data)
        values["items"] = [ItemDef.from_dict(i) for i in data["items"]]
        return cls(**values)


def _points(reader: Reader, raw: dict, path: tuple) -> float:
    value = reader.get(raw, path, "points", (int, float), default=0)
    if value <= 0 or Decimal(str(value)) % Decimal("0.5"):
        reader.fail((*path, "points"), f"points must be above 0 in whole or half points, got {value!r}")
        return 0
    return float(value)


def _item(reader: Reader, raw, path: tuple) -> ItemDef | None:
    if not isinstance(raw, dict):
        reader.fail(path, "each item is a mapping of keys")
        return None
    for key in sorted(set(raw) - ITEM_KEYS):
        reader.fail((*path, key), f"unknown key '{key}' (use {', '.join(sorted(ITEM_KEYS))})")
    measure = reader.get(raw, path, "measure", str, default="")
    if measure and measure not in MEASURES:
        reader.fail((*path, "measure"), f"unknown measure '{measure}' (use {', '.join(MEASURES)})")
    source = reader.get(raw, path, "source", str, default="")
    if source:
        reader.check_citation(source, (*path, "source"))
    item = ItemDef(
        id=reader.identifier(raw, path), title=reader.get(raw, path, "title", str, default=""),
        points=_points(reader, raw, path), measure=measure, how=reader.get(raw, path, "how", str, default=""),
        source=source,
    )
    spec = MEASURES.get(measure)
    if spec is None:
        return item
    for key in spec.params:
        item.params[key] = reader.get(raw, path, key, str, default="")
    for key in ("exam", "min_passed"):
        if key in raw and key not in spec.params + spec.optional:
            reader.fail((*path, key), f"'{key}' does not apply to measure '{measure}'")
    if "min_passed" in spec.optional and "min_passed" in raw:
        value = reader.get(raw, path, "min_passed", int, default=1)
        if not 1 <= value <= 50:
            reader.fail((*path, "min_passed"), f"min_passed must be 1–50, got {value}")
        item.params["min_passed"] = value
    item.scoring = _scoring(reader, raw, path, spec.platform)
    return item


def _scoring(reader: Reader, raw: dict, path: tuple, platform: bool) -> dict:
    if not platform:
        if "scoring" in raw:
            reader.fail((*path, "scoring"), "a manual item is scored by the 班组长; remove 'scoring'")
        return {}
    scoring = reader.get(raw, path, "scoring", dict, default={})
    rule_name = reader.get(scoring, (*path, "scoring"), "rule", str, default="") if scoring else ""
    rule = SCORING_RULES.get(rule_name)
    if scoring and rule is None:
        reader.fail((*path, "scoring", "rule"), f"unknown rule '{rule_name}' (use {', '.join(SCORING_RULES)})")
        return {}
    if rule is None:
        return {}
    for key in sorted(set(scoring) - {"rule", *rule.params}):
        reader.fail((*path, "scoring", key), f"rule '{rule_name}' takes no '{key}' (takes {', '.join(rule.params)})")
    for problem in rule.problems(scoring):
        reader.fail((*path, "scoring"), problem)
    return dict(scoring)


def parse_standard(path: Path, root: Path, errors: list[ContentError]) -> StandardDef | None:
    reader = Reader.open(path, root, errors)
    if reader is None:
        return None
    data = reader.data
    year = reader.get(data, (), "year", int, default=0)
    if year and not 2000 <= year <= 2100:
        reader.fail(("year",), f"year must be 2000–2100, got {year}")
    commendation = reader.get(data, (), "commendation_points", int, required=False, default=None)
    if commendation is not None and not 1 <= commendation <= TOTAL_POINTS:
        reader.fail(("commendation_points",), f"commendation_points must be 1–{TOTAL_POINTS}, got {commendation}")
    basis = reader.get(data, (), "basis", str, default="")
    if basis:
        reader.check_citation(basis, ("basis",))
    raw_items = reader.get(data, (), "items", list, default=[])
    items = [item for index, raw in enumerate(raw_items) if (item := _item(reader, raw, ("items", index)))]
    standard = StandardDef(
        id=reader.identifier(data, (), expected=path.stem), title=reader.get(data, (), "title", str, default=""),
        year=year, basis=basis, description=reader.get(data, (), "description", str, required=False, default=""),
        commendation_points=commendation, items=items, path=reader.file,
    )
    if not items:
        reader.fail(("items",), "a standard needs at least one item")
    ids = [i.id for i in items]
    for duplicate in sorted({i for i in ids if i and ids.count(i) > 1}):
        reader.fail(("items",), f"item id '{duplicate}' is used twice")
    total = sum(Decimal(str(i.points)) for i in items)
    if items and total != TOTAL_POINTS:
        reader.fail(("items",), f"the items' points add up to {total:g}, not {TOTAL_POINTS} (001 篇1 第二则.四: 满分100分)")
    errors.extend(reader.errors)
    return standard


def load_standards(root: Path, errors: list[ContentError]) -> dict[str, StandardDef]:
    found: dict[str, StandardDef] = {}
    years: dict[int, str] = {}
    for path in sorted((Path(root) / "courses" / FOLDER).glob("*.yaml")):
        standard = parse_standard(path, Path(root), errors)
        if standard is None or not standard.id:
            continue
        if standard.year in years:
            errors.append(ContentError(standard.path, "year", f"year {standard.year} already has a standard ({years[standard.year]})"))
            continue
        years[standard.year] = standard.path
        found[standard.id] = standard
    return found


def cross_check(standards: dict[str, StandardDef], exams: dict, errors: list[ContentError]) -> None:
    """An exam an item measures must be a blueprint in question_banks/exams/."""
    for standard in standards.values():
        for index, item in enumerate(standard.items):
            exam = item.params.get("exam")
            if exam and exam not in exams:
                errors.append(ContentError(standard.path, f"items[{index}].exam", f"no exam '{exam}' in question_banks/exams/"))


def standard_for(standards, year: int):
    """The standard in force in ``year``: the one with the latest ``year`` not after it (None if none).
    ``standards`` is any iterable of objects with ``year`` (definitions or database rows)."""
    candidates = [s for s in standards if s.year <= year]
    return max(candidates, key=lambda s: s.year, default=None)
