"""SQLite: writers wait their turn in a queue instead of polling for the lock (issue 18).

SQLite lets one connection write at a time. A writer that finds the lock taken polls: its busy handler
sleeps 1, 2, 5 … then 100 ms between tries until ``busy_timeout``. Under a burst (a thousand trainees
submitting within seconds) the lock is often free while every waiter sleeps, whoever wakes first wins, and
the unlucky ones run out of time ("database is locked", a 503): a lock convoy. Throughput drops just when
it is needed.

So every connection to a database file opened through :func:`install` queues right before its first write
of a transaction (the driver's implicit ``BEGIN`` before an INSERT/UPDATE/DELETE): first on a lock shared by
the threads of its process, then on an exclusive ``flock`` of ``<database>-writers`` shared by the processes
(gunicorn workers, cron commands, workers), and leaves the queue at commit or rollback. The database's own
write lock is then free when the transaction begins, so the busy handler stays out of the way; reads never
queue (WAL). A writer waits at most :data:`WAIT_SECONDS` (the busy timeout) and then fails as SQLite would.
Where ``fcntl`` is missing (Windows), only the threads of a process queue; processes fall back to polling.

Durability is the ``SQLITE_SYNCHRONOUS`` setting (:func:`configure`): ``FULL`` (default) syncs the log to disk at
every commit, so an acknowledged answer survives a power cut; ``NORMAL`` syncs at checkpoints only, which in WAL
mode keeps the database consistent and survives a crash of the application, but may lose the last commits to a
power cut or an operating-system crash. Every commit waits for its sync while holding the write lock, so on a
slow disk ``FULL`` bounds how many writes per second the whole site can make (README, "Measured figures").
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None

SYNCHRONOUS_LEVELS = ("FULL", "NORMAL", "EXTRA")  # not OFF: a crash could corrupt the database
WAIT_SECONDS = 10.0  # as PRAGMA busy_timeout (trainer/__init__.py)
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")  # the statements before which the driver begins a transaction
POLL = 0.001  # seconds between tries for another process's flock: one thread per process polls, not every writer

_queues: dict[tuple[int, str], _Queue] = {}
_queues_lock = threading.Lock()


class _Queue:
    """The writers of one database file in this process."""

    def __init__(self, path: str):
        self.threads = threading.Lock()
        self.fd = os.open(path + "-writers", os.O_RDWR | os.O_CREAT, 0o600) if fcntl else None

    def enter(self) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        if not self.threads.acquire(timeout=WAIT_SECONDS):
            raise sqlite3.OperationalError("database is locked (waited for the writer queue)")
        if self.fd is None:
            return
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.threads.release()
                    raise sqlite3.OperationalError("database is locked (waited for the writer queue)") from None
                time.sleep(POLL)

    def leave(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.threads.release()


def queue_for(database: str) -> _Queue | None:
    """The queue of a database file (per process: a forked child opens its own lock file); None in memory."""
    path = database.removeprefix("file:").split("?", 1)[0]
    if not path or path == ":memory:" or "mode=memory" in database:
        return None
    key = (os.getpid(), os.path.realpath(path))
    with _queues_lock:
        if key not in _queues:
            _queues[key] = _Queue(key[1])
        return _queues[key]


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        entered = self.connection._enter(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection._settle(entered)

    def executemany(self, sql, seq_of_parameters):
        entered = self.connection._enter(sql)
        try:
            return super().executemany(sql, seq_of_parameters)
        finally:
            self.connection._settle(entered)


class QueuedConnection(sqlite3.Connection):
    """A sqlite3 connection that queues for writing (see the module docstring)."""

    synchronous = "FULL"

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._queue = queue_for(os.fsdecode(database))
        self._queued = False
        super().execute(f"PRAGMA synchronous={self.synchronous}")

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=()):  # the C shortcut would bypass _Cursor
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        return self.cursor().executemany(sql, seq_of_parameters)

    def _enter(self, sql: str) -> bool:
        if self._queue is None or self._queued or self.in_transaction or not sql.lstrip()[:7].upper().startswith(WRITES):
            return False
        self._queue.enter()
        self._queued = True
        return True

    def _settle(self, entered: bool) -> None:
        """After a statement: leave at once if it opened no transaction (autocommit, or it failed early)."""
        if entered and not self.in_transaction:
            self._leave()

    def _leave(self) -> None:
        if self._queued:
            self._queued = False
            self._queue.leave()

    def commit(self):
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self._leave()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._leave()

    def close(self):
        try:
            super().close()
        finally:
            self._leave()


def connection_class(synchronous: str) -> type[QueuedConnection]:
    """QueuedConnection syncing at the given ``PRAGMA synchronous`` level."""
    level = str(synchronous).upper()
    if level not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SYNCHRONOUS_LEVELS)}, not {synchronous!r}")
    return QueuedConnection if level == QueuedConnection.synchronous else type(
        f"QueuedConnection{level.title()}", (QueuedConnection,), {"synchronous": level})


def configure(app) -> None:
    """Open the app's SQLite connections at its ``SQLITE_SYNCHRONOUS`` level (before ``db.init_app``)."""
    if not str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})  # a copy: the defaults' dict is shared
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("factory", connection_class(app.config.get("SQLITE_SYNCHRONOUS", "FULL")))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options | {"connect_args": connect_args}


def _use_queued_connections(dialect, _conn_rec, _cargs, cparams) -> None:
    if dialect.name == "sqlite" and dialect.driver == "pysqlite":
        cparams.setdefault("factory", QueuedConnection)


def install() -> None:
    """Open every SQLite connection of every engine as a :class:`QueuedConnection` (idempotent)."""
    if not event.contains(Engine, "do_connect", _use_queued_connections):
        event.listen(Engine, "do_connect", _use_queued_connections)
