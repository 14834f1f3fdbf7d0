"""Exam blueprints ``question_banks/exams/<exam-id>.yaml``: parse, validate, and the draw rules.

A blueprint says how many questions of which type, tag and difficulty an attempt draws, from which
banks. Each attempt draws its own questions at random (no question twice) and shuffles the options.
Pure: no Flask, no database. The same :func:`rule_matches` decides the pool here (to prove a
blueprint can always be drawn) and at run time (to draw it).

```yaml
id: counter-service-exam          # equals the file name
title: 营业厅柜台服务上岗考试
description: 一两句话。           # optional
duration_minutes: 60              # 1–600
pass_percent: 80                  # default 80: the platform's pass mark (the codes set none; the 80 points of
                                  # 001 篇1 第二则.八 are a condition for commendation, not a pass mark)
max_attempts: 3                   # default 3; 0 = unlimited
shuffle_options: true             # default true
draw:
  - banks: [counter-service, standard-phrases]
    type: single                  # one of the five types
    count: 20
    points: 2                     # default 1
    difficulty: [1, 2]            # optional: only these difficulties
    tags: [counter]               # optional: questions carrying any of these tags
```
"""

from dataclasses import dataclass, field
from pathlib import Path

from trainer.content.questions import QUESTION_VALIDATORS
from trainer.content.reader import ContentError, Reader

MAX_DURATION = 600
# Banks (and exams) that trainers make through the web carry this key prefix; content files may not use it,
# so the content importer and the trainers' rows can never claim the same key.
TRAINER_BANK_PREFIX = "t-"


@dataclass
class DrawRule:
    banks: list[str]
    type: str
    count: int
    points: float = 1.0
    difficulty: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"banks": self.banks, "type": self.type, "count": self.count, "points": self.points,
                "difficulty": self.difficulty, "tags": self.tags}

    @classmethod
    def from_dict(cls, data: dict) -> "DrawRule":
        return cls(banks=list(data["banks"]), type=data["type"], count=int(data["count"]),
                   points=float(data.get("points", 1)), difficulty=list(data.get("difficulty") or []),
                   tags=list(data.get("tags") or []))


@dataclass
class ExamDef:
    id: str
    title: str
    description: str
    duration_minutes: int
    pass_percent: int
    max_attempts: int
    shuffle_options: bool
    rules: list[DrawRule]
    path: str

    @property
    def question_count(self) -> int:
        return sum(r.count for r in self.rules)


def rule_matches(rule: DrawRule, bank_key: str, qtype: str, difficulty: int, tags: list[str]) -> bool:
    return (
        bank_key in rule.banks
        and qtype == rule.type
        and (not rule.difficulty or difficulty in rule.difficulty)
        and (not rule.tags or bool(set(rule.tags) & set(tags)))
    )


def shortfalls(rules: list[DrawRule], pools: list[set]) -> list[tuple[int, int, int]]:
    """Rules that might not be drawable: (rule index, count, questions surely left).

    Rules draw in order without repeats, so an earlier rule can take questions out of a later rule's pool.
    A rule is safe when its pool, less everything earlier overlapping rules could take from it, still
    holds ``count`` questions. This is sufficient (not necessary), so a safe blueprint never fails to draw.
    """
    problems = []
    for index, (rule, pool) in enumerate(zip(rules, pools, strict=True)):
        taken = sum(min(rules[j].count, len(pools[j] & pool)) for j in range(index))
        left = len(pool) - taken
        if left < rule.count:
            problems.append((index, rule.count, max(left, 0)))
    return problems


def parse_rules(reader: Reader, raw_rules, path: tuple) -> list[DrawRule]:
    rules = []
    if not isinstance(raw_rules, list) or not raw_rules:
        reader.fail(path, "'draw' needs at least one rule")
        return rules
    for index, raw in enumerate(raw_rules):
        where = (*path, index)
        if not isinstance(raw, dict):
            reader.fail(where, "each draw rule is a mapping of keys")
            continue
        qtype = reader.get(raw, where, "type", str, default="")
        if qtype and qtype not in QUESTION_VALIDATORS:
            reader.fail((*where, "type"), f"unknown type '{qtype}' (use {', '.join(QUESTION_VALIDATORS)})")
        count = reader.get(raw, where, "count", int, default=0)
        if count < 1:
            reader.fail((*where, "count"), f"count must be at least 1, got {count}")
        points = reader.get(raw, where, "points", (int, float), required=False, default=1)
        if not 0 < points <= 100:
            reader.fail((*where, "points"), f"points must be more than 0 and at most 100, got {points}")
        difficulty = reader.get(raw, where, "difficulty", list, required=False, default=[])
        if any(d not in (1, 2, 3) or isinstance(d, bool) for d in difficulty):
            reader.fail((*where, "difficulty"), f"difficulty lists 1, 2 or 3, got {difficulty!r}")
        rules.append(DrawRule(
            banks=reader.string_list(raw, where, "banks", min_len=1), type=qtype, count=count, points=float(points),
            difficulty=[d for d in difficulty if d in (1, 2, 3)],
            tags=reader.string_list(raw, where, "tags", required=False),
        ))
    return rules


def parse_exam(path: Path, root: Path, errors: list[ContentError]) -> ExamDef | None:
    reader = Reader.open(path, root, errors)
    if reader is None:
        return None
    file = reader.file
    data = reader.data
    exam = ExamDef(
        id=reader.identifier(data, (), expected=path.stem),
        title=reader.get(data, (), "title", str, default=""),
        description=reader.get(data, (), "description", str, required=False, default=""),
        duration_minutes=reader.get(data, (), "duration_minutes", int, default=0),
        pass_percent=reader.get(data, (), "pass_percent", int, required=False, default=80),
        max_attempts=reader.get(data, (), "max_attempts", int, required=False, default=3),
        shuffle_options=reader.get(data, (), "shuffle_options", bool, required=False, default=True),
        rules=parse_rules(reader, data.get("draw"), ("draw",)),
        path=file,
    )
    if not 1 <= exam.duration_minutes <= MAX_DURATION:
        reader.fail(("duration_minutes",), f"duration_minutes must be 1–{MAX_DURATION}, got {exam.duration_minutes}")
    if not 1 <= exam.pass_percent <= 100:
        reader.fail(("pass_percent",), f"pass_percent must be 1–100, got {exam.pass_percent}")
    if exam.max_attempts < 0:
        reader.fail(("max_attempts",), f"max_attempts must be 0 (unlimited) or more, got {exam.max_attempts}")
    errors.extend(reader.errors)
    return exam


def load_exams(root: Path, errors: list[ContentError]) -> dict[str, ExamDef]:
    exams: dict[str, ExamDef] = {}
    for path in sorted((Path(root) / "question_banks" / "exams").glob("*.yaml")):
        exam = parse_exam(path, Path(root), errors)
        if exam is None or not exam.id:
            continue
        if exam.id in exams:
            errors.append(ContentError(exam.path, "id", f"id '{exam.id}' is also used by {exams[exam.id].path}"))
            continue
        exams[exam.id] = exam
    return exams


def check_exams(exams: dict[str, ExamDef], banks: dict, errors: list[ContentError]) -> None:
    """Cross-check blueprints against the banks: every bank exists and every rule can be drawn."""
    for bank_id, bank in banks.items():
        if bank_id.startswith(TRAINER_BANK_PREFIX):
            errors.append(ContentError(bank.path, "id", f"bank ids starting with '{TRAINER_BANK_PREFIX}' are reserved for banks trainers import"))
    for exam in exams.values():
        if exam.id.startswith(TRAINER_BANK_PREFIX):
            errors.append(ContentError(exam.path, "id", f"exam ids starting with '{TRAINER_BANK_PREFIX}' are reserved for exams trainers make"))
        pools = []
        for index, rule in enumerate(exam.rules):
            for bank_id in rule.banks:
                if bank_id not in banks:
                    errors.append(ContentError(exam.path, f"draw[{index}].banks", f"no question bank '{bank_id}' in question_banks/"))
            pools.append({
                q.id for bank_id in rule.banks if bank_id in banks for q in banks[bank_id].questions
                if rule_matches(rule, bank_id, q.type, q.difficulty, q.tags)
            })
        for index, count, left in shortfalls(exam.rules, pools):
            errors.append(ContentError(
                exam.path, f"draw[{index}].count",
                f"rule asks for {count} question(s) but only {left} match for sure (banks, type, difficulty, tags, and earlier rules)",
            ))
