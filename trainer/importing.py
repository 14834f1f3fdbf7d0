"""Content import: each feature registers an importer; :func:`import_content` runs them in order.

Rows are matched by the content id (``key``). Text is updated in place; rows whose files disappeared are
marked ``retired`` (hidden from learners) but never deleted, so reads, attempts and hours that point at
them survive. The caller commits once; nothing is written when the content has errors.

A feature's importer module calls :func:`register` and is named once in ``IMPORTER_MODULES``; ``order``
says what must exist first (exams draw from banks, paths and qualifications name modules, scenarios and
exams). Features use :func:`upsert`, :func:`retire` and :func:`by_key` so every kind counts alike.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer.extensions import db

IMPORTER_MODULES = (
    "trainer.quiz.importer", "trainer.courses.importer", "trainer.roleplay.importer",
    "trainer.assignments.paths", "trainer.certification.importer", "trainer.assessment.importer",
)


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, what: str) -> None:
        bucket = getattr(self, what)
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.retired))
        return "; ".join(
            f"{k}: {self.created.get(k, 0)} created, {self.updated.get(k, 0)} updated, {self.retired.get(k, 0)} retired"
            for k in kinds
        )


@dataclass(frozen=True)
class Importer:
    name: str
    order: int  # lower runs first
    run: Callable  # (ContentSet, ImportReport) -> None


_IMPORTERS: dict[str, Importer] = {}


def register(name: str, order: int, run: Callable) -> None:
    """Add (or replace, on a module reload) the importer called ``name``."""
    _IMPORTERS[name] = Importer(name, order, run)


def importers() -> list[Importer]:
    for module in IMPORTER_MODULES:
        importlib.import_module(module)
    return sorted(_IMPORTERS.values(), key=lambda importer: importer.order)


def import_content(content) -> ImportReport:
    """Every registered importer in order, flushing after each so the next one can find its rows."""
    report = ImportReport()
    for importer in importers():
        importer.run(content, report)
        db.session.flush()
    return report


def upsert(model, key, report: ImportReport, kind: str, existing: dict, *, make=None, **values):
    """Find by ``key`` in ``existing`` (or make a new row: ``make()``, default ``model(key=key)``), set
    ``values``, count what changed. ``existing`` keeps the rows not seen yet, for :func:`retire`."""
    row = existing.pop(key, None)
    if row is None:
        row = make() if make else model(key=key)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.add(row)
        report.count(kind, "created")
        return row
    changed = any(getattr(row, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(row, name, value)
    if changed:
        report.count(kind, "updated")
    return row


def retire(leftovers: dict, report: ImportReport, kind: str) -> None:
    """Mark the rows :func:`upsert` did not see (their files are gone) retired; never delete them."""
    for row in leftovers.values():
        if not row.retired:
            row.retired = True
            report.count(kind, "retired")


def by_key(model, **filters) -> dict:
    return {row.key: row for row in db.session.scalars(select(model).filter_by(**filters))}
