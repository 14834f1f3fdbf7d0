"""Organisation lookups several features share: the unit tree and the configured hours rules."""

from sqlalchemy import select

from trainer import settings
from trainer.extensions import db
from trainer.hours import HoursPolicy
from trainer.org.models import Unit


def hours_policy() -> HoursPolicy:
    """The training-hours rules (year start, deadline, categories, time zone) of this installation's config."""
    return settings.current().hours


def ancestor_ids(unit: Unit | None) -> list[int]:
    """Ids from the top of the tree down to ``unit`` itself (empty for no unit), read from its path."""
    return [int(part) for part in unit.path.strip("/").split("/") if part] if unit else []


def add_unit(name: str, kind: str, parent: Unit | None) -> Unit:
    """Insert a unit and give it its materialised path (which needs the new id, hence the flush)."""
    unit = Unit(name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def ensure_unit(name: str, kind: str, parent: Unit | None) -> Unit:
    """The unit of this name under ``parent``, created when missing (demo data, fixtures, benchmarks): no checks,
    no audit entry; administrators go through ``admin.services.create_unit``."""
    found = db.session.scalar(select(Unit).where(Unit.name == name, Unit.parent_id == (parent.id if parent else None)))
    return found if found is not None else add_unit(name, kind, parent)


def breakdown_units(units: list[Unit], chosen: Unit | None) -> list[Unit]:
    """The units a per-unit chart compares: the chosen unit's (else the single top visible unit's) direct
    sub-units, or that unit itself when it has none; with several top units (no single root), those.
    ``units`` are the caller's visible units."""
    if not units:
        return []
    roots = [chosen] if chosen is not None else [u for u in units if not any(u.is_within(o) and u.id != o.id for o in units)]
    if len(roots) == 1:
        children = [u for u in units if u.parent_id == roots[0].id]
        return children or roots
    return roots
