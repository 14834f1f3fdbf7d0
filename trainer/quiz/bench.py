"""``trainer bench quiz``: simulated trainees autosaving exam answers against a real server (loopback only).

1. Prepare a database (a temporary SQLite file by default, or ``--database-url``): schema, content,
   N trainee accounts with API tokens, and one 50-question bench exam without an attempt limit.
2. Start gunicorn on 127.0.0.1 (or use ``--url``, which must be a loopback address whose server uses
   the same database), and start one attempt per trainee through the API.
3. The trainees start their attempts, spread evenly over one interval; then each saves one answer
   every ``--interval`` seconds (first saves spread over the interval) for ``--duration`` seconds; then
   each submits, again spread over one interval (as an exam room does, not all in the same millisecond).
Prints requests, errors, throughput, median / p95 / p99 / max latency per phase, and checks that every
answer the server acknowledged is stored. Latency is measured from the moment a save was *due*, so a
client falling behind shows up as latency instead of being hidden. Bounded: ≤ 2000 trainees, ≤ 600 s.
"""

import heapq
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import click

BENCH_EXAM = "t-bench-exam"
BENCH_PREFIX = "bench-"


def _is_loopback(host: str) -> bool:
    from trainer.demo import _is_loopback as loopback

    return loopback(host)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database_url: str, users: int) -> list[str]:
    """Schema, content, bench exam and trainees; returns one API token per trainee."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from trainer import create_app
    from trainer.auth.models import ApiToken, User
    from trainer.content import load_content
    from trainer.courses.importer import import_content
    from trainer.demo import _ensure_unit
    from trainer.extensions import db
    from trainer.quiz.models import Exam

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(revision="heads")
        content, errors = load_content(app.config["CONTENT_DIR"])
        if errors:
            raise click.ClickException(f"content has {len(errors)} error(s); run 'trainer content check'")
        import_content(content)
        if db.session.scalar(select(Exam).where(Exam.key == BENCH_EXAM)) is None:
            rules = [{"banks": sorted(content.banks), "type": t, "count": n, "points": 2, "difficulty": [], "tags": []}
                     for t, n in (("single", 20), ("multiple", 10), ("true_false", 10), ("fill_blank", 5), ("ordering", 5))]
            db.session.add(Exam(key=BENCH_EXAM, title="压测考试", description="trainer bench quiz", duration_minutes=600,
                                pass_percent=80, max_attempts=0, rules_json=json.dumps(rules), origin="trainer"))
        team = _ensure_unit("压测班组", "team", _ensure_unit("压测供电所", "station", _ensure_unit("压测公司", "company", None)))
        existing = {u.username: u for u in db.session.scalars(select(User).where(User.username.startswith(BENCH_PREFIX)))}
        tokens = []
        for n in range(1, users + 1):
            name = f"{BENCH_PREFIX}{n:05d}"
            user = existing.get(name)
            if user is None:
                user = User(username=name, display_name=f"压测学员{n}", role="trainee", unit=team, password_hash="")
                db.session.add(user)
            tokens.append(ApiToken.issue(user, 1)[1])
        db.session.commit()
        db.engine.dispose()
    return tokens


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
                conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
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


class Phase:
    def __init__(self, name: str):
        self.name, self.latencies, self.errors, self.lock = name, [], Counter(), threading.Lock()
        self.started = self.ended = 0.0

    def record(self, due: float, status: int | str) -> None:
        elapsed = time.perf_counter() - due
        with self.lock:
            if status in (200, 201):
                self.latencies.append(elapsed)
            else:
                self.errors[str(status)] += 1

    def report(self) -> str:
        n = len(self.latencies) + sum(self.errors.values())
        span = max(self.ended - self.started, 1e-9)
        if not self.latencies:
            return f"{self.name:9} {n} requests, all failed: {dict(self.errors)}"
        ms = sorted(x * 1000 for x in self.latencies)
        pct = lambda p: ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))]  # noqa: E731
        errors = sum(self.errors.values())
        return (f"{self.name:9} {n} requests in {span:.1f} s = {n / span:.1f} req/s · errors {errors}"
                f"{' ' + str(dict(self.errors)) if errors else ''} · median {statistics.median(ms):.1f} ms · "
                f"p95 {pct(95):.1f} ms · p99 {pct(99):.1f} ms · max {ms[-1]:.1f} ms")


def _random_response(item: dict, rng: random.Random) -> list:
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


def run_load(client: Client, tokens: list[str], interval: float, duration: float, pool_size: int) -> dict:
    rng = random.Random(7)
    attempts: list[dict | None] = [None] * len(tokens)
    start_phase, save_phase, submit_phase = Phase("start"), Phase("autosave"), Phase("submit")
    acknowledged: dict[tuple[int, int], list] = {}
    ack_lock = threading.Lock()

    def start(i: int, due: float) -> None:
        try:
            status, body = client.request("POST", f"/api/v1/exams/{BENCH_EXAM}/attempts", tokens[i])
        except Exception as exc:  # noqa: BLE001  (a benchmark counts failures, whatever they are)
            status, body = type(exc).__name__, None
        start_phase.record(due, status)
        if status in (200, 201):
            attempts[i] = body

    def save(i: int, due: float) -> None:
        attempt = attempts[i]
        item = rng.choice(attempt["items"])
        response = _random_response(item, rng)
        try:
            status, _body = client.request("POST", f"/api/v1/attempts/{attempt['id']}/answers", tokens[i],
                                           {"question_id": item["question_id"], "response": response})
        except Exception as exc:  # noqa: BLE001
            status = type(exc).__name__
        save_phase.record(due, status)
        if status == 200:
            with ack_lock:
                acknowledged[(attempt["id"], item["question_id"])] = response

    def submit(i: int, due: float) -> None:
        try:
            status, _body = client.request("POST", f"/api/v1/attempts/{attempts[i]['id']}/submit", tokens[i])
        except Exception as exc:  # noqa: BLE001
            status = type(exc).__name__
        submit_phase.record(due, status)

    def spread(pool, phase: Phase, job, indexes: list[int], repeat_for: float = 0.0) -> None:
        """Run ``job(i, due)`` for every trainee, their first turns spread evenly over one interval and,
        with ``repeat_for``, again every interval until that many seconds have passed."""
        t0 = time.perf_counter()
        phase.started = t0
        schedule = [(t0 + interval * k / max(len(indexes), 1), i) for k, i in enumerate(indexes)]
        heapq.heapify(schedule)
        futures = []
        while schedule and (not repeat_for or schedule[0][0] < t0 + repeat_for):
            due, i = heapq.heappop(schedule)
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(job, i, due))
            if repeat_for:
                heapq.heappush(schedule, (due + interval, i))
        for future in futures:
            future.result()
        phase.ended = time.perf_counter()

    def warm(i: int) -> None:
        client.request("GET", "/api/v1/exams", tokens[i % len(tokens)])

    with ThreadPoolExecutor(max_workers=pool_size) as pool:
        # Not measured: every worker process and thread opens its database connection and loads its code.
        list(pool.map(warm, range(pool_size * 4)))
        spread(pool, start_phase, start, list(range(len(tokens))))
        ready = [i for i, a in enumerate(attempts) if a]
        spread(pool, save_phase, save, ready, repeat_for=duration)
        spread(pool, submit_phase, submit, ready)
    return {"phases": [start_phase, save_phase, submit_phase], "acknowledged": acknowledged, "attempts": attempts}


def verify(database_url: str, acknowledged: dict, attempts: list) -> tuple[int, int]:
    """Every acknowledged answer (the last one per question) is what the database holds."""
    from sqlalchemy import select

    from trainer import create_app
    from trainer.extensions import db
    from trainer.quiz import scoring
    from trainer.quiz.models import QuizItem

    orders = {(a["id"], item["question_id"]): item for a in attempts if a for item in a["items"]}
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        ids = sorted({attempt_id for attempt_id, _q in acknowledged})
        stored = {(i.attempt_id, i.question_id): i for i in db.session.scalars(select(QuizItem).where(QuizItem.attempt_id.in_(ids)))}
        good = 0
        for key, response in acknowledged.items():
            item = stored.get(key)
            if item is not None and scoring.to_shown(orders[key]["type"], item.response, item.option_order) == (
                    sorted(response) if orders[key]["type"] == "multiple" else response):
                good += 1
        db.engine.dispose()
    return good, len(acknowledged)


def _wait_for(host: str, port: int, process: subprocess.Popen | None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise click.ClickException("gunicorn exited during start-up")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise click.ClickException(f"no server answered on {host}:{port}")


@click.command("quiz")
@click.option("--users", default=300, show_default=True, type=click.IntRange(1, 2000), help="Simulated trainees.")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(0.5, 120), help="Seconds between a trainee's saves.")
@click.option("--duration", default=60.0, show_default=True, type=click.FloatRange(5, 600), help="Seconds of autosaving.")
@click.option("--url", default=None, help="Use a running server (loopback only) on the same database instead of starting one.")
@click.option("--database-url", default=None, help="Database to prepare (default: TRAINER_DATABASE_URL with --url, else a temporary SQLite file).")
@click.option("--workers", default=3, show_default=True, type=click.IntRange(1, 16), help="gunicorn worker processes.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Threads per gunicorn worker.")
@click.option("--client-threads", default=48, show_default=True, type=click.IntRange(1, 256))
def bench_quiz(users, interval, duration, url, database_url, workers, threads, client_threads):
    """Autosave load: N trainees save an answer every INTERVAL s through a real server; prints latency."""
    tmp = None
    if database_url is None:
        database_url = os.environ.get("TRAINER_DATABASE_URL") if url else None
        if database_url is None and url:
            raise click.ClickException("--url needs the server's database: set TRAINER_DATABASE_URL or --database-url")
        if database_url is None:
            tmp = tempfile.TemporaryDirectory(prefix="bench-quiz-")
            database_url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    process = None
    try:
        click.echo(f"Preparing {users} trainees on {database_url.split('@')[-1]} …")
        tokens = prepare(database_url, users)
        if url:
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port or 80
            if not _is_loopback(host):
                raise click.ClickException("the benchmark only targets loopback addresses (127.0.0.1, ::1, localhost)")
        else:
            host, port = "127.0.0.1", _free_port()
            env = dict(os.environ, TRAINER_DATABASE_URL=database_url, TRAINER_SECRET_KEY=secrets.token_hex(16))
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "gthread",
                 "--threads", str(threads), "--bind", f"{host}:{port}", "--log-level", "warning", "trainer:create_app()"],
                env=env,
            )
        _wait_for(host, port, process)
        server = f"gunicorn {workers} workers × {threads} threads" if process else url
        click.echo(f"Load: {users} trainees, one save every {interval:g} s each, for {duration:g} s · server: {server}")
        result = run_load(Client(host, port), tokens, interval, duration, min(client_threads, users))
        for phase in result["phases"]:
            click.echo(phase.report())
        good, total = verify(database_url, result["acknowledged"], result["attempts"])
        click.echo(f"integrity {good}/{total} acknowledged answers stored as sent")
        if good != total or any(p.errors for p in result["phases"]):
            sys.exit(1)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if tmp is not None:
            tmp.cleanup()
