"""Small, reviewable edits of a scenario file: add an accept/reject example to a turn, add a wording to one of
its intents. Pure: text in, text out. ruamel.yaml's round trip keeps comments, key order, flow lists and
quoting, so the diff a trainer sees is the lines that changed and nothing else.
"""

from __future__ import annotations

import difflib
import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

EXAMPLE_KINDS = ("accept", "reject")


class EditError(ValueError):
    """The edit does not fit the file: no such turn or intent, or the text is already there."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long Chinese lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _turn(data, number: int) -> CommentedMap:
    turns = data.get("turns") if isinstance(data, dict) else None
    if not isinstance(turns, list) or not 1 <= number <= len(turns):
        raise EditError(f"the scenario has no turn {number}")
    return turns[number - 1]


def _dump(yaml: YAML, data) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def add_example(text: str, number: int, kind: str, answer: str) -> str:
    """``text`` with ``answer`` appended to ``examples.<kind>`` of turn ``number`` (1-based)."""
    if kind not in EXAMPLE_KINDS:
        raise EditError(f"example kind must be one of {EXAMPLE_KINDS}, got {kind!r}")
    answer = " ".join(answer.split())
    if not answer:
        raise EditError("the example is empty")
    yaml = _yaml()
    data = yaml.load(text)
    turn = _turn(data, number)
    examples = turn.setdefault("examples", CommentedMap())
    answers = examples.setdefault(kind, CommentedSeq())
    if answer in answers:
        raise EditError(f"turn {number} already has this {kind} example")
    answers.append(DoubleQuotedScalarString(answer))
    return _dump(yaml, data)


def add_wording(text: str, number: int, intent_id: str, wording: str) -> str:
    """``text`` with ``wording`` added to intent ``intent_id`` of turn ``number``: a shared intent named by
    id alone becomes ``{id: ..., wordings: [wording]}``, a mapping gets the wording appended."""
    wording = "".join(wording.split())
    if not wording:
        raise EditError("the wording is empty")
    yaml = _yaml()
    data = yaml.load(text)
    turn = _turn(data, number)
    intents = turn.get("intents")
    if not isinstance(intents, list):
        raise EditError(f"turn {number} has no intents")
    for index, entry in enumerate(intents):
        if entry == intent_id:
            extended = CommentedMap([("id", intent_id), ("wordings", CommentedSeq([wording]))])
            extended.fa.set_flow_style()
            extended["wordings"].fa.set_flow_style()
            intents[index] = extended
            return _dump(yaml, data)
        if isinstance(entry, dict) and entry.get("id") == intent_id:
            wordings = entry.setdefault("wordings", CommentedSeq())
            if wording in wordings:
                raise EditError(f"intent {intent_id!r} of turn {number} already has this wording")
            wordings.append(wording)
            return _dump(yaml, data)
    raise EditError(f"turn {number} has no intent {intent_id!r}")


def diff(old: str, new: str, name: str) -> str:
    """A unified diff of the two versions of file ``name``."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}", n=2))
