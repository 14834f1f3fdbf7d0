"""SQLite writers queue for the lock (trainer/sqlite_writers.py): taken at a transaction's first write, given
back at commit or rollback, shared by threads and processes, never taken for reads or in-memory databases."""

import fcntl
import os
import sqlite3
import threading

import pytest

from trainer.sqlite_writers import QueuedConnection, configure, connection_class, queue_for


def connect(path, **kwargs) -> QueuedConnection:
    conn = sqlite3.connect(path, factory=QueuedConnection, check_same_thread=False, **kwargs)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


@pytest.fixture
def db_path(tmp_path):
    path = str(tmp_path / "w.sqlite")
    conn = connect(path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.commit()
    conn.close()
    return path


def other_process_could_lock(path) -> bool:
    """Whether another open file description (as another process has) gets the flock now."""
    fd = os.open(path + "-writers", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_the_first_write_queues_and_commit_leaves(db_path):
    conn = connect(db_path)
    conn.execute("SELECT * FROM t").fetchall()
    assert not conn._queued and other_process_could_lock(db_path)  # reads never queue
    conn.execute("INSERT INTO t (v) VALUES ('a')")
    conn.execute("UPDATE t SET v = 'b'")
    assert conn._queued and queue_for(db_path).threads.locked()
    assert not other_process_could_lock(db_path)
    conn.commit()
    assert not conn._queued and not queue_for(db_path).threads.locked() and other_process_could_lock(db_path)


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_rollback_and_close_leave_the_queue(db_path, end):
    conn = connect(db_path)
    conn.cursor().executemany("INSERT INTO t (v) VALUES (?)", [("a",), ("b",)])
    assert conn._queued
    getattr(conn, end)()
    assert not queue_for(db_path).threads.locked() and other_process_could_lock(db_path)


def test_a_failed_or_autocommit_write_leaves_at_once(db_path):
    conn = connect(db_path)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("INSERT INTO missing (v) VALUES ('a')")
    assert not conn._queued and not queue_for(db_path).threads.locked()
    auto = connect(db_path, isolation_level=None)  # the driver opens no transaction: nothing to hold
    auto.execute("INSERT INTO t (v) VALUES ('a')")
    assert not auto._queued and not queue_for(db_path).threads.locked()


def test_threads_take_turns_instead_of_failing(db_path):
    """Without waiting in SQLite at all (busy timeout 0), eight threads writing 25 transactions each all
    succeed: they queue before the driver's BEGIN, so SQLite's lock is always free when they ask."""
    errors, done = [], []

    def writer(n):
        conn = connect(db_path)  # opening reads the WAL index, which may briefly wait: not a write
        conn.execute("PRAGMA busy_timeout=0")  # from here on SQLite itself never waits for the lock
        try:
            for i in range(25):
                conn.execute("INSERT INTO t (v) VALUES (?)", (f"{n}-{i}",))
                conn.execute("UPDATE t SET v = v WHERE id = 1")
                conn.commit()
                done.append(1)
        except sqlite3.Error as error:
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(done) == 200
    assert connect(db_path).execute("SELECT count(*) FROM t").fetchone()[0] == 200


def test_in_memory_databases_do_not_queue():
    assert queue_for(":memory:") is None and queue_for("file:x?mode=memory&cache=shared") is None
    conn = sqlite3.connect(":memory:", factory=QueuedConnection)
    conn.execute("CREATE TABLE t (v)")
    conn.execute("INSERT INTO t VALUES (1)")
    assert not conn._queued


@pytest.mark.parametrize(("setting", "level"), [("FULL", 2), ("normal", 1)])
def test_the_synchronous_setting_reaches_every_connection(db_path, setting, level):
    conn = sqlite3.connect(db_path, factory=connection_class(setting))
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == level


def test_configure_sets_the_factory_for_sqlite_only_and_leaves_the_defaults_alone():
    from flask import Flask

    from trainer.config import DEFAULTS

    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS"):
        connection_class("OFF")
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI="sqlite:///x.sqlite", SQLALCHEMY_ENGINE_OPTIONS=DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"],
                      SQLITE_SYNCHRONOUS="NORMAL")
    configure(app)
    factory = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["factory"]
    assert issubclass(factory, QueuedConnection) and factory.synchronous == "NORMAL"
    assert "connect_args" not in DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"]
    app.config.update(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x/y", SQLALCHEMY_ENGINE_OPTIONS={})
    configure(app)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {}
