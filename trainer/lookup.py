"""Content rows are addressed by their content key and hidden once retired; one lookup serves them all."""

from sqlalchemy import select

from trainer.errors import NotFound
from trainer.extensions import db


def active_by_key(model, key: str, message: str):
    """The non-retired ``model`` row with ``key``; NotFound with the Chinese ``message`` otherwise."""
    row = db.session.scalar(select(model).where(model.key == key, model.retired.is_(False)))
    if row is None:
        raise NotFound(message, f"no {model.__name__} {key!r}")
    return row
