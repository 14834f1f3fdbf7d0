"""One registry of item kinds (trainer/item_kinds.py): assignments, path steps and qualification requirements
read their names and labels from it, and every assignable kind has a meaning in assignment progress."""

from trainer.assignments import progress
from trainer.assignments.models import ITEM_KINDS
from trainer.certification.views import KIND_LABELS
from trainer.content.paths import STEP_KINDS
from trainer.item_kinds import ITEM_KINDS_REGISTRY


def test_every_kind_list_comes_from_the_registry():
    assert {name: kind.label for name, kind in ITEM_KINDS_REGISTRY.items()} == ITEM_KINDS
    assert list(STEP_KINDS) == ["module", "scenario", "exam"]
    assert all(ITEM_KINDS_REGISTRY[name].path_step and STEP_KINDS[name] == ITEM_KINDS[name] for name in STEP_KINDS)
    assert KIND_LABELS == {"module": "课程单元", "scenario": "情景演练", "exam": "结业考试"}


def test_every_assignable_kind_has_progress():
    assert set(progress.KINDS) == set(ITEM_KINDS_REGISTRY)
