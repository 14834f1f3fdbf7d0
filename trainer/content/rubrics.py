"""Role-play rubrics in content files: the shared intents (``scenarios/intents/*.yaml``), each turn's rubric,
and the accept/reject examples that prove it. Pure: no Flask, no database.

A turn's rubric (see docs/content-format.md)::

    phrases: [您好, 请坐]                  # standard phrases of 000 §6 that the turn drills
    intents:                              # what must get across, in any words
      - ask-need                          # a shared intent from scenarios/intents/
      - {id: ask-need, wordings: [您想办点什么]}          # the shared one plus wordings of this turn
      - {id: explain-usage, label: 说明查询结果, wordings: [用电量]}   # an intent of this turn only
    forbid: [不知道, 不归我管]
    examples:
      accept: [...]                       # ≥ 4 answers a good clerk gives: each must pass
      reject: [...]                       # ≥ 3 poor answers: each must fail

``verify_examples`` scores every example through the practice scorer; ``trainer content check`` fails on
any disagreement, naming file, turn and example.
"""

from __future__ import annotations

from pathlib import Path

from trainer.content.reader import ContentError, Reader
from trainer.scoring import score_transcript
from trainer.scoring.intents import Intent, PatternError

INTENTS_FOLDER = ("scenarios", "intents")
MIN_ACCEPT = 4
MIN_REJECT = 3
EXAMPLE_KINDS = {"accept": True, "reject": False}  # kind → the verdict every example of it must get


def intents_folder(root: Path) -> Path:
    return Path(root).joinpath(*INTENTS_FOLDER)


def _intent(reader: Reader, intent_id: str, raw, path: tuple, label_required: bool) -> Intent | None:
    if not isinstance(raw, dict):
        reader.fail(path, "an intent is a mapping with label, wordings and/or patterns")
        return None
    label = reader.get(raw, path, "label", str, required=label_required, default=intent_id)
    wordings = reader.string_list(raw, path, "wordings", required=False)
    patterns = reader.string_list(raw, path, "patterns", required=False)
    try:
        return Intent(intent_id, label, wordings, patterns)
    except (PatternError, ValueError) as exc:
        reader.fail(path, str(exc))
        return None


def load_intents(root: Path, errors: list[ContentError]) -> dict[str, Intent]:
    """Every shared intent, by id; an id defined twice is an error."""
    intents: dict[str, Intent] = {}
    folder = intents_folder(root)
    for file_path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        reader = Reader.open(file_path, Path(root), errors)
        if reader is None:
            continue
        raw_intents = reader.get(reader.data, (), "intents", dict, default={})
        for intent_id, raw in raw_intents.items():
            if intent_id in intents:
                reader.fail(("intents", intent_id), f"intent '{intent_id}' is defined twice")
                continue
            intent = _intent(reader, str(intent_id), raw, ("intents", intent_id), label_required=True)
            if intent:
                intents[intent.id] = intent
        errors.extend(reader.errors)
    return intents


def turn_intents(reader: Reader, raw_turn: dict, path: tuple, shared: dict[str, Intent]) -> list[Intent]:
    """A turn's ``intents:`` resolved against the shared ones (see module doc)."""
    resolved = []
    for index, entry in enumerate(reader.get(raw_turn, path, "intents", list, required=False, default=[])):
        where = (*path, "intents", index)
        if isinstance(entry, str):
            if entry not in shared:
                reader.fail(where, f"no shared intent '{entry}' in scenarios/intents/")
            else:
                resolved.append(shared[entry])
            continue
        intent_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(intent_id, str) or not intent_id:
            reader.fail(where, "an intent entry is a shared intent id or a mapping with an 'id'")
            continue
        own = _intent(reader, intent_id, entry, where, label_required=intent_id not in shared)
        if own is None:
            continue
        if intent_id in shared:
            own = shared[intent_id].extended(own.wordings, own.patterns)
        resolved.append(own)
    return resolved


def turn_examples(reader: Reader, raw_turn: dict, path: tuple) -> dict[str, list[str]]:
    raw = reader.get(raw_turn, path, "examples", dict, required=False, default={})
    return {kind: reader.string_list(raw, (*path, "examples"), kind, required=False) for kind in EXAMPLE_KINDS}


def verify_examples(scenarios) -> list[ContentError]:
    """Every scored turn needs enough examples, and the scorer must agree with each of them."""
    errors = []
    for scenario in scenarios:
        for number, turn in enumerate(scenario.turns, start=1):
            where = f"turns[{number - 1}] (turn {number})"
            for kind, should_pass in EXAMPLE_KINDS.items():
                examples = turn.examples.get(kind, [])
                needed = MIN_ACCEPT if should_pass else MIN_REJECT
                if len(examples) < needed:
                    errors.append(ContentError(scenario.path, where, f"needs at least {needed} '{kind}' examples, has {len(examples)}"))
                for example in examples:
                    result = score_transcript(example, turn.rubric)
                    if result.passed != should_pass:
                        errors.append(ContentError(scenario.path, f"{where}.examples.{kind}", disagreement(example, result, should_pass)))
    return errors


def disagreement(example: str, result, should_pass: bool) -> str:
    """Why the scorer disagrees with an example, in the terms an author can act on."""
    if should_pass:
        missing = [f"{item.kind} '{item.key}'" for item in result.items if not item.hit]
        said = [f"forbidden '{hit.phrase}' (heard '{hit.heard}')" for hit in result.forbidden]
        return f"should pass but fails: '{example}' — missing {', '.join(missing) or '-'}; {', '.join(said) or 'no forbidden phrase'}"
    return f"should fail but passes: '{example}' — " + "; ".join(
        f"{item.key} ← '{item.heard}' by '{item.alternative}'" for item in result.items
    )



def agreement(cases) -> dict:
    """How often the scorer agrees with labelled answers.

    ``cases`` yields ``(scenario_id, turn_number, rubric, answer, should_pass)``. Returns the counts overall
    (accept and reject apart), per scenario and per intent (the answers of every turn that needs it), and
    every disagreement.
    """
    def bucket() -> dict:
        return {"accept": [0, 0], "reject": [0, 0]}  # [agreed, total]

    overall, per_scenario, per_intent, misses = bucket(), {}, {}, []
    for scenario_id, number, rubric, answer, should_pass in cases:
        result = score_transcript(answer, rubric)
        agreed = result.passed == should_pass
        kind = "accept" if should_pass else "reject"
        targets = [overall, per_scenario.setdefault(scenario_id, bucket())]
        targets += [per_intent.setdefault(intent.id, bucket()) for intent in rubric.intents]
        for target in targets:
            target[kind][0] += agreed
            target[kind][1] += 1
        if not agreed:
            misses.append({"scenario": scenario_id, "turn": number, "kind": kind, "answer": answer,
                           "why": disagreement(answer, result, should_pass)})
    return {"overall": overall, "scenarios": per_scenario, "intents": per_intent, "disagreements": misses}


def example_cases(scenarios):
    """The examples written in the scenario files, as :func:`agreement` cases."""
    for scenario in scenarios:
        for number, turn in enumerate(scenario.turns, start=1):
            for kind, should_pass in EXAMPLE_KINDS.items():
                for answer in turn.examples.get(kind, []):
                    yield scenario.id, number, turn.rubric, answer, should_pass


def holdout_cases(folder: Path, scenarios: dict):
    """A held-out set (``benchmarks/rubric_holdout/<scenario>.yaml``: turns of ``good``/``poor`` answers),
    scored against today's rubrics. A turn whose customer line changed since the set was written is still
    scored: the turn's purpose is what the set judges."""
    import yaml

    for file_path in sorted(Path(folder).glob("*.yaml")):
        data = yaml.safe_load(file_path.read_text(encoding="utf-8")) or {}
        scenario = scenarios.get(data.get("scenario"))
        if scenario is None:
            continue
        for entry in data.get("turns") or []:
            number = entry.get("turn")
            if not isinstance(number, int) or not 1 <= number <= len(scenario.turns):
                continue
            rubric = scenario.turns[number - 1].rubric
            for answer in entry.get("good") or []:
                yield scenario.id, number, rubric, str(answer), True
            for answer in entry.get("poor") or []:
                yield scenario.id, number, rubric, str(answer), False


def format_agreement(report: dict, title: str) -> list[str]:
    def ratio(pair) -> str:
        agreed, total = pair
        return f"{agreed}/{total} = {agreed / total:.1%}" if total else "-"

    lines = [f"== {title}",
             f"good answers pass: {ratio(report['overall']['accept'])};  poor answers fail: {ratio(report['overall']['reject'])}",
             "-- per scenario (accept | reject)"]
    lines += [f"  {key:<32} {ratio(v['accept']):>16} | {ratio(v['reject'])}" for key, v in sorted(report["scenarios"].items())]
    lines.append("-- per intent (answers of the turns that need it: accept | reject)")
    lines += [f"  {key:<32} {ratio(v['accept']):>16} | {ratio(v['reject'])}" for key, v in sorted(report["intents"].items())]
    lines.append(f"-- disagreements: {len(report['disagreements'])}")
    lines += [f"  {d['scenario']} turn {d['turn']} [{d['kind']}]: {d['why']}" for d in report["disagreements"]]
    return lines
