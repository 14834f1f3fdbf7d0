"""The question types, one module each, in a registry (CTFd's ``CHALLENGE_CLASSES``). Pure: no Flask, no database.

A type validates its content, scores and checks a response, reads it from a form, writes and reads its answer
in GIFT and Excel, tallies it for item analysis and names the template that renders it. The rest of the code
asks ``QUESTION_TYPES[name]`` instead of testing the type's name; adding a type is one module here (listed in
``MODULES``) plus its template ``templates/quiz/types/<name>.html``. What is common lives in :mod:`.base`.
"""

import importlib
from collections.abc import Mapping

from trainer.question_types.base import BLANK, LETTERS, QuestionType, normalise_text

MODULES = ("single", "multiple", "true_false", "fill_blank", "numerical", "ordering")  # also the order on an exam paper

QUESTION_TYPES: dict[str, QuestionType] = {}


def register(kind: QuestionType) -> QuestionType:
    QUESTION_TYPES[kind.name] = kind
    return kind


for _module in MODULES:
    register(importlib.import_module(f"trainer.question_types.{_module}").TYPE)


class _Each(Mapping):
    """type name → one attribute of that type, read from the registry on every access (so a type registered
    later, e.g. by a test, is seen by every table built from it)."""

    def __init__(self, attribute: str):
        self.attribute = attribute

    def __getitem__(self, name: str):
        return getattr(QUESTION_TYPES[name], self.attribute)

    def __iter__(self):
        return iter(QUESTION_TYPES)

    def __len__(self) -> int:
        return len(QUESTION_TYPES)


def each(attribute: str) -> Mapping:
    return _Each(attribute)


def type_named(text: str) -> str | None:
    """题型 as trainers write it (单选题, 单选, 单项选择题, single …) → the type's name, or None."""
    text = text.replace(" ", "")
    for kind in QUESTION_TYPES.values():
        if text in (kind.name, kind.label, kind.label[:-1], *kind.aliases):
            return kind.name
    return None


__all__ = ["BLANK", "LETTERS", "MODULES", "QUESTION_TYPES", "QuestionType", "each", "normalise_text", "register",
           "type_named"]
