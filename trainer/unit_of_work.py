"""One unit of work per request, ended by the web layer (Indico's ``RH._process`` in indico/web/rh.py).

Views and API functions never commit or roll back: :func:`init_app` wraps every view function of the app
once, and the wrapper ends the request's database transaction:

- a view that returns a response below 400 is committed;
- an exception, or a response of 400 or more, is rolled back before any error handler runs, so an error
  page never shows (or keeps) half of a change;
- GET, HEAD and OPTIONS are rolled back whatever they return: reading never writes. A write attempted
  during one is a bug: it raises :class:`ReadOnlyRequest` under ``TESTING`` and is logged otherwise.

A view adjusts the rule in one of three ways, each saying why:

- :func:`discard`: an error the view handled itself (a form shown again with a flash message and a 200,
  a redirect): roll back now, and the request ends rolled back whatever it returns.
- :func:`keep_on_error`: the writes record the refusal itself (a recording stored as rejected, an exam
  submitted automatically when an answer came too late): commit them although the status is 400 or more.
- :func:`then`: the view returns ``then(step)``: its writes are committed first, then ``step()`` runs as a
  second unit of work, under the same rules, and what it returns is the response. A role-play upload uses
  it so that the recording and its pending row are durable before recognition starts: an engine that
  crashes or hangs never loses the answer.

Cron commands, workers and tests own their own transactions.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from trainer.extensions import db

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")


class ReadOnlyRequest(RuntimeError):
    """A GET (HEAD, OPTIONS) request tried to write to the database."""


@dataclass
class _State:
    discarded: bool = False
    keep: bool = False


@dataclass(frozen=True)
class Then:
    """What :func:`then` returns: a second unit of work to run once the first is committed."""

    step: Callable[[], object]


def init_app(app: Flask) -> None:
    """Wrap every view function registered so far (call it after the last blueprint) and watch for
    writes in read-only requests."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "in_unit_of_work", False):
            app.view_functions[endpoint] = _unit_of_work(view)
    if not event.contains(Engine, "before_cursor_execute", _refuse_writes_in_reads):
        event.listen(Engine, "before_cursor_execute", _refuse_writes_in_reads)


def discard() -> None:
    """Roll back now; the request ends rolled back whatever it returns (a handled error, see module doc)."""
    db.session.rollback()
    _state().discarded = True


def keep_on_error() -> None:
    """Commit this request's writes even though its response is an error (see module doc)."""
    _state().keep = True


def then(step: Callable[[], object]) -> Then:
    """Return this from a view: commit what the view wrote, then run ``step()`` as a second unit of work
    whose return value is the response (see module doc)."""
    return Then(step)


def _state() -> _State:
    if "unit_of_work" not in g:
        g.unit_of_work = _State()
    return g.unit_of_work


def _unit_of_work(view):
    @functools.wraps(view)
    def run(*args, **kwargs):
        g.unit_of_work = _State()
        try:
            result = view(*args, **kwargs)
            while isinstance(result, Then):
                _end(commit=not _state().discarded)
                g.unit_of_work = _State()
                result = result.step()
            response = current_app.make_response(result)
            _end(commit=_commits(response.status_code))
            return response
        except BaseException:
            db.session.rollback()
            raise

    run.in_unit_of_work = True
    return run


def _commits(status: int) -> bool:
    state = _state()
    if request.method in SAFE_METHODS or state.discarded:
        return False
    return status < 400 or state.keep


def _end(*, commit: bool) -> None:
    if commit:
        db.session.commit()
    else:
        db.session.rollback()


def _refuse_writes_in_reads(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    """Engine hook: a data-changing statement while a view answers GET/HEAD/OPTIONS is a bug."""
    if not has_request_context() or request.method not in SAFE_METHODS or "unit_of_work" not in g:
        return
    words = statement.split(None, 1)
    if not words or words[0].upper() not in WRITES:
        return
    message = f"{request.method} {request.path} tried to write: {statement.split(None, 3)[:3]}"
    if current_app.testing:
        raise ReadOnlyRequest(message)
    log.error("%s (rolled back at the end of the request)", message)
