"""The ``trainer bench quiz`` command (see the package docstring for what it measures)."""

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import click

from benchmarks.quiz_load import data
from benchmarks.quiz_load.integrity import verify
from benchmarks.quiz_load.load import Client, Cohort, Phase, burst, spread
from benchmarks.quiz_load.load import run_phase as _run_phase

REPO_ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = REPO_ROOT / "deploy" / "gunicorn.conf.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(client: Client, token: str, process: subprocess.Popen | None, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise click.ClickException("gunicorn exited during start-up")
        try:
            if client.request("GET", "/api/v1/exams", token)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise click.ClickException(f"no server answered on {client.host}:{client.port}")


def _start_server(database_url: str, workers: int | None, threads: int | None) -> tuple[subprocess.Popen, int]:
    """gunicorn as production runs it (deploy/gunicorn.conf.py), on a free loopback port, access log off."""
    port = _free_port()
    env = dict(os.environ, TRAINER_DATABASE_URL=database_url, TRAINER_SECRET_KEY=secrets.token_hex(16),
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG="/dev/null", GUNICORN_LOG_LEVEL="warning")
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "trainer:create_app()"],
                               env=env, cwd=REPO_ROOT)
    return process, port


def _close_expired(database_url: str, cohort: Cohort) -> tuple[str, bool]:
    """Move cohort B's deadlines into the past and time ``trainer quiz close-expired`` (a fresh process, as cron)."""
    ids = [a["id"] for a in cohort.attempts if a]
    data.expire(database_url, ids)
    env = dict(os.environ, TRAINER_DATABASE_URL=database_url)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from trainer.cli import main; main()", "quiz", "close-expired"],
                          env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    output = (done.stdout + done.stderr).strip()
    match = re.search(r"Closed (\d+)", output)
    closed = int(match.group(1)) if match else 0
    ok = done.returncode == 0 and closed == len(ids)
    line = (f"{'close-expired':13} {closed:5} of {len(ids)} open attempts closed; command {wall:.1f} s wall "
            f"(= {closed / wall:.0f} attempts/s) · errors {0 if ok else 1} · {output.splitlines()[-1] if output else ''}")
    return line, ok


def _deferred_grading(database_url: str, cohort: Cohort, submits_ended: float, patience: float = 120) -> str:
    """How many submissions were answered before their grades were written (trainer/quiz/deferred.py), and
    how long after the last submit response the grading queues had recorded them all."""
    from sqlalchemy import func, select

    from trainer.extensions import db
    from trainer.quiz.grading import GRADING
    from trainer.quiz.models import QuizAttempt

    answered_early = sum(1 for r in cohort.results.values() if r and r.get("recorded") is False)
    app = data._app(database_url)
    with app.app_context():
        while True:
            waiting = db.session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.status == GRADING))
            db.session.rollback()
            if not waiting or time.monotonic() - submits_ended > patience:
                break
            time.sleep(0.05)
        db.engine.dispose()
    took = time.monotonic() - submits_ended
    return (f"{'grading':13} {answered_early} of {len(cohort.results)} submissions answered before their grades were "
            f"written (deferred at the rush); all recorded {took:.1f} s after the last submit response"
            + (f" · {waiting} STILL WAITING" if waiting else ""))


@click.command("quiz")
@click.option("--users", default=1000, show_default=True, type=click.IntRange(1, 5000), help="Trainees per cohort.")
@click.option("--expire-users", default=None, type=click.IntRange(0, 5000),
              help="Cohort B, closed at the deadline by close-expired (default: --users; 0: none).")
@click.option("--start-window", default=60.0, show_default=True, type=click.FloatRange(1, 600),
              help="Seconds within which a cohort's starts arrive.")
@click.option("--submit-window", default=60.0, show_default=True, type=click.FloatRange(0.1, 600),
              help="Seconds within which cohort A's submissions arrive.")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(0.5, 120), help="Seconds between a trainee's saves.")
@click.option("--duration", default=40.0, show_default=True, type=click.FloatRange(0, 600), help="Seconds of autosaving.")
@click.option("--url", default=None, help="Use a running server (loopback only) on the same database instead of starting one.")
@click.option("--database-url", default=None,
              help="Database to prepare (default: TRAINER_DATABASE_URL with --url, else a temporary SQLite file).")
@click.option("--recreate-database", is_flag=True, help="Drop and create the PostgreSQL database first (name must contain 'bench').")
@click.option("--workers", default=None, type=click.IntRange(1, 16), help="gunicorn workers (default: deploy/gunicorn.conf.py's).")
@click.option("--threads", default=None, type=click.IntRange(1, 64), help="Threads per gunicorn worker (default: the config's).")
@click.option("--client-threads", default=64, show_default=True, type=click.IntRange(1, 512))
@click.option("--seed", default=7, show_default=True, type=int)
def bench_quiz(users, expire_users, start_window, submit_window, interval, duration, url, database_url,
               recreate_database, workers, threads, client_threads, seed):
    """Exam day: start and submit bursts, autosave, deadline closing; latency, errors and integrity."""
    from trainer.demo import _is_loopback

    expire_users = users if expire_users is None else expire_users
    tmp = None
    if database_url is None:
        database_url = os.environ.get("TRAINER_DATABASE_URL") if url else None
        if database_url is None and url:
            raise click.ClickException("--url needs the server's database: set TRAINER_DATABASE_URL or --database-url")
        if database_url is None:
            tmp = tempfile.TemporaryDirectory(prefix="bench-quiz-")
            database_url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    if recreate_database:
        data.recreate_database(database_url)
    process = None
    try:
        click.echo(f"Preparing {users} + {expire_users} trainees on {database_url.split('@')[-1]} …")
        trainees = data.prepare(database_url, {"a": users, "b": expire_users})
        tokens = {cohort: [t.token for t in group] for cohort, group in trainees.items()}
        if url:
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port or 80
            if not _is_loopback(host):
                raise click.ClickException("the benchmark only targets loopback addresses (127.0.0.1, ::1, localhost)")
        else:
            process, port = _start_server(database_url, workers, threads)
            host = "127.0.0.1"
        client = Client(host, port)
        _wait_for(client, tokens["a"][0], process)
        server = url or f"gunicorn -c deploy/gunicorn.conf.py (workers {workers or 'default'}, threads {threads or 'default'})"
        click.echo(f"Server: {server} · {users} + {expire_users} trainees · starts within {start_window:g} s · "
                   f"autosave every {interval:g} s for {duration:g} s · submissions within {submit_window:g} s")
        ok = _run(client, tokens, database_url, start_window, submit_window, interval, duration, client_threads, seed,
                  None if process is None else process.pid)
        if not ok:
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


def _run(client, tokens, database_url, start_window, submit_window, interval, duration, client_threads, seed,
         server_pid=None) -> bool:
    import functools
    import random

    run_phase = functools.partial(_run_phase, server_pid=server_pid)
    rng = random.Random(seed)
    a = Cohort("a", tokens["a"], client, seed)
    b = Cohort("b", tokens["b"], client, seed + 1)
    phases = {name: Phase(name) for name in ("start", "start-2", "autosave", "autosave-2", "submit")}
    with ThreadPoolExecutor(max_workers=client_threads) as pool:
        # Not measured: every worker process and thread opens its database connection and loads its code.
        list(pool.map(lambda i: client.request("GET", "/api/v1/exams", a.tokens[i % len(a.tokens)]), range(client_threads * 2)))
        run_phase(pool, phases["start"], a.start(phases["start"]), list(range(len(a.tokens))),
                  burst(len(a.tokens), start_window, rng))
        click.echo(phases["start"].report())
        if b.tokens:
            run_phase(pool, phases["start-2"], b.start(phases["start-2"]), list(range(len(b.tokens))),
                      burst(len(b.tokens), start_window, rng))
            click.echo(phases["start-2"].report())
        ready = a.started()
        if duration:
            run_phase(pool, phases["autosave"], a.save(phases["autosave"]), ready, spread(len(ready), interval),
                      every=interval, until=duration)
            click.echo(phases["autosave"].report())
        if b.started():
            run_phase(pool, phases["autosave-2"], b.save(phases["autosave-2"]), b.started(), spread(len(b.started()), interval))
            click.echo(phases["autosave-2"].report())
        run_phase(pool, phases["submit"], a.submit(phases["submit"]), ready, burst(len(ready), submit_window, rng))
        click.echo(phases["submit"].report())
        click.echo(_deferred_grading(database_url, a, time.monotonic()))
    closed_ok = True
    if b.started():
        line, closed_ok = _close_expired(database_url, b)
        click.echo(line)
    good, lines = verify(database_url, [(a, False), (b, True)])
    for line in lines:
        click.echo(line)
    return good and closed_ok and not any(p.errors for p in phases.values())
