"""The dialogue keys of a scenario file: turn ids, branches (``next``), ``end``, the customer's mood and the
variant wordings of a customer line; and the graph check of the whole scenario. Pure: no Flask, no database.
The branching rules themselves are in :mod:`trainer.scoring.dialogue`.

    mood: 不满                 # scenario level: the customer's mood at the first turn (default 平静)
    turns:
      - id: greet              # optional; turns are t1, t2 … otherwise
        customer: 你们怎么回事?
        variants:              # other wordings, one picked per session (scoring is the same)
          - 你们这到底怎么回事啊?
          - {customer: 我问你,这是怎么回事?, audio: audio/x/1b.ogg}
        next: [{when: {forbidden: true}, goto: boss, mood: 愤怒, note: 推诿激怒了客户}, {goto: t2}]
        end: false
"""

from __future__ import annotations

import re

from trainer.content.reader import Reader
from trainer.scoring.dialogue import CONDITION_KEYS, MOODS, Branch, Node, check_graph

TURN_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def turn_key(reader: Reader, raw: dict, path: tuple, position: int) -> str:
    key = reader.get(raw, path, "id", str, required=False, default=None)
    if key is None:
        return f"t{position}"
    if not TURN_KEY.match(key):
        reader.fail((*path, "id"), f"turn id '{key}' must be lower-case letters, digits and hyphens (≤ 40)")
    return key


def variants(reader: Reader, raw: dict, path: tuple) -> list:
    from trainer.content.model import Variant

    found = []
    for index, entry in enumerate(reader.get(raw, path, "variants", list, required=False, default=[])):
        where = (*path, "variants", index)
        if isinstance(entry, str) and entry.strip():
            found.append(Variant(entry.strip()))
        elif isinstance(entry, dict) and isinstance(entry.get("customer"), str) and entry["customer"].strip():
            found.append(Variant(entry["customer"].strip(), entry.get("audio")))
        else:
            reader.fail(where, "a variant is the customer's line, or {customer: ..., audio: ...}")
    return found


def branches(reader: Reader, raw: dict, path: tuple) -> list[Branch]:
    found = []
    for index, entry in enumerate(reader.get(raw, path, "next", list, required=False, default=[])):
        where = (*path, "next", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("goto"), str):
            reader.fail(where, "a branch is a mapping with 'goto' (a turn id) and optional 'when', 'mood', 'note'")
            continue
        when = entry.get("when") or {}
        if not isinstance(when, dict):
            reader.fail((*where, "when"), f"'when' is a mapping of conditions ({', '.join(CONDITION_KEYS)})")
            continue
        found.append(Branch(entry["goto"], when, entry.get("mood"), str(entry.get("note") or "")))
    defaults = [b for b in found if not b.when]
    if defaults and found.index(defaults[0]) != len(found) - 1:
        reader.fail((*path, "next"), "the branch without 'when' (the default) must come last")
    return found


def scenario_mood(reader: Reader, data: dict) -> str:
    mood = reader.get(data, (), "mood", str, required=False, default="平静")
    if mood not in MOODS:
        reader.fail(("mood",), f"unknown mood '{mood}' (use {', '.join(MOODS)})")
    return mood


def link_and_check(reader: Reader, turns: list, raw_turns: list) -> None:
    """Set each turn's default successor, then check the graph; problems name the turn."""
    keys = [turn.key for turn in turns]
    for index, turn in enumerate(turns):
        turn.default_next = None if turn.end or index == len(turns) - 1 else keys[index + 1]
        if turn.end and turn.branches:
            reader.fail(("turns", index, "next"), f"turn '{turn.key}' closes the conversation (end: true) and cannot branch")
    duplicates = {key for key in keys if keys.count(key) > 1}
    for key in sorted(duplicates):
        reader.fail(("turns",), f"turn id '{key}' is used twice")
    if duplicates:
        return
    nodes = [Node(t.key, tuple(t.branches), t.default_next, frozenset(_scored_items(t))) for t in turns]
    where = {key: ("turns", index) for index, key in enumerate(keys)}
    for key, problem in check_graph(nodes):
        reader.fail(where.get(key, ("turns",)), f"turn '{key}': {problem}")


def _scored_items(turn) -> list[str]:
    return [*turn.phrases, *(intent.id for intent in turn.intents)]
