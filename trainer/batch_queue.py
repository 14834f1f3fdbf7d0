"""A FIFO of keys served by background threads of the process, in batches (the one-machine default's queues).

Without Redis the web process does its own background work: role-play recognition
(:mod:`trainer.roleplay.inline`) and the deferred grading of exam submissions at a deadline
(:mod:`trainer.quiz.deferred`). Both hand keys (attempt ids) to a queue like this one and return; a worker thread
takes up to ``batch_size`` waiting keys at a time, so a burst becomes a few batches instead of as many
competing requests. Work left queued when a process stops stays in the database (pending / grading) for the
next sweep, so the queue itself holds nothing that cannot be rebuilt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
_made = threading.Lock()


def per_app(app, key: str, make: Callable[[], object]):
    """``app.extensions[key]``, made by ``make()`` on first use: one queue (or its owner) per process and app,
    made once however many request threads ask at the same moment."""
    found = app.extensions.get(key)
    if found is None:
        with _made:
            found = app.extensions.get(key)
            if found is None:
                found = app.extensions[key] = make()
    return found


class BatchQueue:
    """A FIFO of keys served by ``workers`` threads, each taking at most ``batch_size`` keys at a time.

    ``work(keys)`` is called with each batch (in a worker thread) and must not raise; an exception is
    logged and the batch counts as done. :meth:`submit` returns an event set when the key's batch is done.
    With several workers a free one takes the next keys at once instead of waiting for a whole round to
    finish (recognition: one worker per core). Pure threading, no Flask: the tests drive it with a plain function.
    """

    def __init__(self, work: Callable[[list], None], batch_size: int = 8, name: str = "background",
                 hold: Callable[[], None] | None = None, workers: int = 1):
        self.work = work
        self.hold = hold  # called before a batch is taken: lets keys gather (deferred grading waits for a lull)
        self.batch_size = max(1, int(batch_size))
        self.workers = max(1, int(workers))
        self.name = name
        self._cond = threading.Condition()
        self._waiting: list = []
        self._running: list = []
        self._events: dict = {}
        self._since: dict = {}
        self._threads: list[threading.Thread] = []
        self.batches: list[int] = []  # sizes of the batches run (for the bench and tests)

    @property
    def capacity(self) -> int:
        """Keys taken at once when every worker is free: an answer this close to the front is served next."""
        return self.batch_size * self.workers

    def submit(self, key) -> threading.Event:
        """Queue ``key`` (a key already waiting or running is not queued twice) and start the threads."""
        with self._cond:
            event = self._events.get(key)
            if event is None:
                event = self._events[key] = threading.Event()
                self._since[key] = time.monotonic()
                self._waiting.append(key)
                self._cond.notify()
            self._threads = [t for t in self._threads if t.is_alive()]
            while len(self._threads) < self.workers:
                thread = threading.Thread(target=self._serve, name=f"inline-{self.name}-{len(self._threads)}",
                                          daemon=True)
                self._threads.append(thread)
                thread.start()
            return event

    def wait(self, key, timeout: float) -> bool:
        """Wait until ``key``'s batch is done, at most ``timeout`` seconds; True when done or not queued."""
        with self._cond:
            event = self._events.get(key)
        return True if event is None else event.wait(timeout)

    def position(self, key) -> dict | None:
        """``{"ahead": n, "state": "waiting"|"recognising", "waited_s": s}`` for a queued key, else None.
        ``ahead`` counts the keys taken before this one: those being worked on and those waiting in front."""
        with self._cond:
            since = self._since.get(key)
            waited = round(time.monotonic() - since, 1) if since is not None else None
            if key in self._running:
                return {"ahead": 0, "state": "recognising", "waited_s": waited}
            if key in self._waiting:
                index = self._waiting.index(key)
                return {"ahead": len(self._running) + index, "state": "waiting", "waited_s": waited}
        return None

    def __len__(self) -> int:
        with self._cond:
            return len(self._waiting) + len(self._running)

    def _serve(self) -> None:
        while True:
            with self._cond:
                while not self._waiting:
                    self._cond.wait()
            if self.hold is not None:
                self.hold()
            with self._cond:
                batch = self._waiting[: self.batch_size]
                del self._waiting[: self.batch_size]
                self._running.extend(batch)
            if not batch:  # another worker took them while this one held
                continue
            try:
                self.work(batch)
            except Exception:  # the work function reports its own failures; never let the thread die
                log.exception("inline %s batch %s failed", self.name, batch)
            with self._cond:
                self.batches.append(len(batch))
                for key in batch:
                    self._running.remove(key)
                    self._since.pop(key, None)
                    event = self._events.pop(key, None)
                    if event is not None:
                        event.set()
