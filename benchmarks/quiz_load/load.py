"""The simulated trainees: a keep-alive HTTP client, latency per phase, and the schedules of the phases."""

import heapq
import http.client
import json
import math
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from benchmarks.quiz_load.data import BENCH_EXAM


class Client:
    """One keep-alive HTTP connection per thread; reconnects when the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.local = threading.local()

    def request(self, method: str, path: str, token: str, body=None) -> tuple[int, dict | None]:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"}
        for retry in range(2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.local.conn = None
                return response.status, (json.loads(data) if data else None)
            except (http.client.HTTPException, ConnectionError, OSError):
                conn.close()
                self.local.conn = None
                if retry:
                    raise
        raise RuntimeError("unreachable")


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (p in 0–100)."""
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def process_tree_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system) used so far by process ``pid`` and its children (gunicorn's workers), read
    from /proc; None where that cannot be read (another OS, or a server we did not start).

    CPU per request is the figure a busy shared machine changes least: latency also counts other programs'
    turns on the cores, CPU time does not (only cache effects)."""
    if pid is None:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total, todo, seen = 0.0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # utime, stime, and cutime, cstime: a worker gunicorn replaced (max_requests) took its CPU time
            # with it, but its parent counts it among its reaped children (fields 14 to 17 of stat)
            total += sum(int(x) for x in fields[11:15]) / tick
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo.extend(int(child) for child in f.read().split())
        except (OSError, ValueError, IndexError):
            if current == pid:
                return None
    return total


class Phase:
    """Latencies (seconds from due to answered), errors and the server's CPU time of one phase."""

    def __init__(self, name: str, ok: tuple[int, ...] = (200, 201)):
        self.name, self.ok = name, ok
        self.latencies: list[float] = []
        self.errors: Counter = Counter()
        self.lock = threading.Lock()
        self.started = self.ended = 0.0
        self.server_cpu: float | None = None  # CPU seconds the server spent during the phase

    def record(self, due: float, status: int | str) -> bool:
        elapsed = time.perf_counter() - due
        with self.lock:
            if status in self.ok:
                self.latencies.append(elapsed)
                return True
            self.errors[str(status)] += 1
            return False

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    def report(self) -> str:
        span = max(self.ended - self.started, 1e-9)
        errors = sum(self.errors.values())
        head = f"{self.name:13} {self.requests:5} requests in {span:5.1f} s = {self.requests / span:6.1f} req/s · errors {errors}"
        if errors:
            head += f" {dict(self.errors)}"
        if not self.latencies:
            return head
        ms = sorted(x * 1000 for x in self.latencies)
        cpu = "" if self.server_cpu is None else f" · server CPU {1000 * self.server_cpu / self.requests:.1f} ms/request"
        return (f"{head} · p50 {percentile(ms, 50):.0f} ms · p95 {percentile(ms, 95):.0f} ms · "
                f"p99 {percentile(ms, 99):.0f} ms · max {ms[-1]:.0f} ms{cpu}")


def burst(count: int, window: float, rng: random.Random) -> list[float]:
    """``count`` moments (seconds from the phase's start) at random within ``window``: people arriving
    independently, not a metronome."""
    return sorted(rng.uniform(0, window) for _ in range(count))


def spread(count: int, interval: float) -> list[float]:
    """``count`` moments evenly over one interval (a steady stream, for autosave)."""
    return [interval * k / max(count, 1) for k in range(count)]


def run_phase(pool: ThreadPoolExecutor, phase: Phase, job: Callable[[int, float], None], indexes: list[int],
              offsets: list[float], *, every: float = 0.0, until: float = 0.0, server_pid: int | None = None) -> None:
    """Run ``job(i, due)`` for trainee ``indexes[k]`` at ``offsets[k]`` seconds from now and, with ``every``,
    again every ``every`` seconds until ``until`` seconds have passed; with ``server_pid``, also count the
    server's CPU time."""
    cpu_before = process_tree_cpu(server_pid)
    t0 = time.perf_counter()
    phase.started = t0
    schedule = [(t0 + offset, i) for offset, i in zip(offsets, indexes, strict=True)]
    heapq.heapify(schedule)
    futures = []
    while schedule and (not until or schedule[0][0] < t0 + until):
        due, i = heapq.heappop(schedule)
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        futures.append(pool.submit(job, i, due))
        if every:
            heapq.heappush(schedule, (due + every, i))
    for future in futures:
        future.result()
    phase.ended = time.perf_counter()
    cpu_after = process_tree_cpu(server_pid)
    if cpu_before is not None and cpu_after is not None:
        phase.server_cpu = cpu_after - cpu_before


def random_response(item: dict, rng: random.Random) -> list:
    """A plausible answer in the shown order (right or wrong by chance, as a real cohort's would be)."""
    n = len(item["options"])
    kind = item["type"]
    if kind == "single":
        return [rng.randrange(n)]
    if kind == "multiple":
        return sorted(rng.sample(range(n), 2))
    if kind == "true_false":
        return [rng.random() < 0.5]
    if kind == "fill_blank":
        return [rng.choice(["五", "5", "不知道"])]
    order = list(range(n))
    rng.shuffle(order)
    return order


class Cohort:
    """Trainees (API tokens) with what the server told them: attempts, acknowledged answers, results."""

    def __init__(self, name: str, tokens: list[str], client: Client, seed: int):
        self.name, self.tokens, self.client = name, tokens, client
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.attempts: list[dict | None] = [None] * len(tokens)
        self.acknowledged: dict[tuple[int, int], list] = {}
        self.results: dict[int, dict] = {}  # attempt id -> the submit response's result
        self.lock = threading.Lock()

    def _call(self, phase: Phase, due: float, method: str, path: str, i: int, body=None) -> tuple[bool, dict | None]:
        try:
            status, data = self.client.request(method, path, self.tokens[i], body)
        except Exception as exc:  # noqa: BLE001  (a benchmark counts failures, whatever they are)
            status, data = type(exc).__name__, None
        return phase.record(due, status), data

    def start(self, phase: Phase) -> Callable[[int, float], None]:
        def job(i: int, due: float) -> None:
            ok, body = self._call(phase, due, "POST", f"/api/v1/exams/{BENCH_EXAM}/attempts", i)
            if ok:
                self.attempts[i] = body
        return job

    def save(self, phase: Phase) -> Callable[[int, float], None]:
        def job(i: int, due: float) -> None:
            attempt = self.attempts[i]
            with self.rng_lock:
                item = self.rng.choice(attempt["items"])
                response = random_response(item, self.rng)
            ok, _body = self._call(phase, due, "POST", f"/api/v1/attempts/{attempt['id']}/answers", i,
                                   {"question_id": item["question_id"], "response": response})
            if ok:
                with self.lock:
                    self.acknowledged[(attempt["id"], item["question_id"])] = response
        return job

    def submit(self, phase: Phase) -> Callable[[int, float], None]:
        def job(i: int, due: float) -> None:
            attempt_id = self.attempts[i]["id"]
            ok, body = self._call(phase, due, "POST", f"/api/v1/attempts/{attempt_id}/submit", i)
            if ok:
                with self.lock:
                    self.results[attempt_id] = body
        return job

    def started(self) -> list[int]:
        return [i for i, a in enumerate(self.attempts) if a]
