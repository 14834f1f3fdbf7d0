"""Qualification definitions: ``courses/qualifications/<id>.yaml``. Pure: no Flask, no database.

```yaml
id: counter-service-clerk
title: 营业厅柜台服务上岗资格
description: 营业厅柜台岗位上岗前须取得。
positions: [营业厅]                      # optional: who it is meant for
modules: [counter-service, standard-phrases]
exam: {key: counter-service-exam, pass_percent: 80}   # optional; pass_percent defaults to 80
scenarios: {min_score: 80, ids: [counter-greeting]}   # optional; min_score defaults to 80
validity_months: 12                      # optional, default 12
```
"""

from dataclasses import dataclass
from pathlib import Path

from trainer.content.reader import ContentError, Reader

FOLDER = "qualifications"  # under courses/; the course loader skips it


@dataclass
class QualificationDef:
    id: str
    title: str
    description: str
    positions: list[str]
    modules: list[str]
    exam: str | None
    exam_pass_percent: int
    scenarios: list[str]
    scenario_min_score: int
    validity_months: int
    path: str


def _percent(reader: Reader, mapping: dict, path: tuple, key: str) -> int:
    value = reader.get(mapping, path, key, int, required=False, default=80)
    if not 1 <= value <= 100:
        reader.fail((*path, key), f"'{key}' must be 1–100, got {value}")
    return value


def parse_qualification(path: Path, root: Path, errors: list[ContentError]) -> QualificationDef | None:
    reader = Reader.open(path, root, errors)
    if reader is None:
        return None
    file = reader.file
    data = reader.data
    exam = reader.get(data, (), "exam", dict, required=False, default=None)
    scenarios = reader.get(data, (), "scenarios", dict, required=False, default=None)
    validity = reader.get(data, (), "validity_months", int, required=False, default=12)
    if not 1 <= validity <= 120:
        reader.fail(("validity_months",), f"validity_months must be 1–120, got {validity}")
    definition = QualificationDef(
        id=reader.identifier(data, (), expected=path.stem),
        title=reader.get(data, (), "title", str, default=""),
        description=reader.get(data, (), "description", str, required=False, default=""),
        positions=reader.string_list(data, (), "positions", required=False),
        modules=reader.string_list(data, (), "modules", required=False),
        exam=reader.get(exam, ("exam",), "key", str, default=None) if exam is not None else None,
        exam_pass_percent=_percent(reader, exam, ("exam",), "pass_percent") if exam is not None else 80,
        scenarios=reader.string_list(scenarios, ("scenarios",), "ids", min_len=1) if scenarios is not None else [],
        scenario_min_score=_percent(reader, scenarios, ("scenarios",), "min_score") if scenarios is not None else 80,
        validity_months=validity,
        path=file,
    )
    if not (definition.modules or definition.scenarios or definition.exam):
        reader.fail((), "a qualification needs at least one of 'modules', 'exam', 'scenarios'")
    for key in ("modules", "scenarios"):
        values = getattr(definition, key)
        for duplicate in sorted({v for v in values if values.count(v) > 1}):
            reader.fail((key,), f"'{duplicate}' is listed twice")
    errors.extend(reader.errors)
    return definition


def load_qualifications(root: Path, errors: list[ContentError]) -> dict[str, QualificationDef]:
    found: dict[str, QualificationDef] = {}
    for path in sorted((Path(root) / "courses" / FOLDER).glob("*.yaml")):
        definition = parse_qualification(path, Path(root), errors)
        if definition is None or not definition.id:
            continue
        if definition.id in found:
            errors.append(ContentError(definition.path, "id", f"id '{definition.id}' is also used by {found[definition.id].path}"))
            continue
        found[definition.id] = definition
    return found


def cross_check(qualifications: dict[str, QualificationDef], content, errors: list[ContentError]) -> None:
    """Every referenced module and scenario must exist; exams too, once the content set knows exams."""
    exams = getattr(content, "exams", None)
    for q in qualifications.values():
        for index, key in enumerate(q.modules):
            if key not in content.modules:
                errors.append(ContentError(q.path, f"modules[{index}]", f"no module '{key}' in courses/"))
        for index, key in enumerate(q.scenarios):
            if key not in content.scenarios:
                errors.append(ContentError(q.path, f"scenarios.ids[{index}]", f"no scenario '{key}' in scenarios/"))
        if q.exam and isinstance(exams, dict) and q.exam not in exams:
            errors.append(ContentError(q.path, "exam.key", f"no exam '{q.exam}' in question_banks/exams/"))
