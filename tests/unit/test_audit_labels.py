"""Every audit action the code records has a Chinese label for the audit page and its export."""

import re
from pathlib import Path

from trainer.audit import ACTION_LABELS, action_label

ROOT = Path(__file__).resolve().parents[2] / "trainer"
# audit.record(actor, "unit.create", …) and the two computed forms: a variable set to literals, an f-string
LITERAL = re.compile(r"audit\.record\(\s*[\w.()]+,\s*\"([a-z_]+\.[a-z_]+)\"")
TERNARY = re.compile(r"audit\.record\(\s*[\w.()]+,\s*\"([a-z_]+\.[a-z_]+)\"\s+if .+? else \"([a-z_]+\.[a-z_]+)\"")
ASSIGNED = re.compile(r"action(?:, \w+)? = \"([a-z_]+\.[a-z_]+)\"")


def _recorded_actions() -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit.record(" not in text:
            continue
        found.update(LITERAL.findall(text))
        for pair in TERNARY.findall(text):
            found.update(pair)
        found.update(ASSIGNED.findall(text))
    return found


def test_every_recorded_action_has_a_chinese_label():
    actions = _recorded_actions()
    assert len(actions) > 30  # the scan itself works
    assert sorted(a for a in actions if a not in ACTION_LABELS) == []
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in ACTION_LABELS.values())


def test_qualification_grants_are_labelled_by_kind_and_unknown_actions_show_their_code():
    assert {action_label(f"qualification.{kind}") for kind in ("auto", "renewal", "manual")} <= set(ACTION_LABELS.values())
    assert action_label("something.new") == "something.new"
