"""Mixed load against the production shape: gunicorn + PostgreSQL + Redis + recognition workers.

    .venv/bin/python benchmarks/mixed_load.py --users 30 --duration 60 --workers 3 --asr-workers 2

1. Creates a fresh PostgreSQL database (``--database-url``, default ``trainer_load`` on 127.0.0.1), the schema,
   the repository's content, N trainees (password + API token) and the bench exam.
2. Starts gunicorn (``deploy/gunicorn.conf.py``) on a free loopback port and ``--asr-workers`` processes of
   ``trainer worker`` (real Whisper base, CPU int8, one thread each; ``--engine fake`` to measure the web tier
   alone), all on a dedicated Redis queue.
3. Each trainee logs in, opens an exam, then until ``--duration`` is over: reads a module page and marks a
   section read (every ``--read-every`` s), autosaves an exam answer (every ``--save-every`` s) and uploads a
   role-play answer (a fixture recording, every ``--upload-every`` s). Start times are spread out.
4. Waits (≤ ``--drain`` s) for the recognition queue to empty, then prints per action: count, throughput,
   median and p95 latency, errors; and for recognition: queue wait (enqueue → start) and job time.

Loopback only, bounded: ≤ 500 users, ≤ 600 s.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VOICE = ROOT / "tests" / "fixtures" / "voice"
PASSWORD = "load-pass-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False).replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')


def prepare(url: str, users: int) -> dict:
    from sqlalchemy import select

    from benchmarks.quiz_load.data import prepare as prepare_quiz
    from trainer import create_app
    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.roleplay.models import Scenario

    trainees = prepare_quiz(url, {"a": users})["a"]
    tokens, names = [t.token for t in trainees], [t.username for t in trainees]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.username.in_(names))):
            user.set_password(PASSWORD)
        scenario = db.session.scalar(select(Scenario.key).where(Scenario.key == "counter-greeting"))
        from trainer.courses.models import Module

        modules = [(m.key, [s.id for s in m.sections]) for m in db.session.scalars(select(Module)) if m.sections][:10]
        db.session.commit()
        db.engine.dispose()
    return {"tokens": tokens, "names": names[:users], "scenario": scenario, "modules": modules}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(Counter)

    def record(self, action: str, started: float, status) -> None:
        elapsed = time.perf_counter() - started
        with self.lock:
            if isinstance(status, int) and status < 400:
                self.latency[action].append(elapsed)
            else:
                self.errors[action][str(status)] += 1


def trainee(base, name, token, plan, args, stats, stop, attempts_out, wavs):
    import requests

    web = requests.Session()
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    rng = random.Random(name)
    try:
        page = web.get(f"{base}/login", timeout=30).text
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        t0 = time.perf_counter()
        r = web.post(f"{base}/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf}, timeout=30)
        stats.record("login", t0, r.status_code if "/login" not in r.url else "login failed")
        r = api.post(f"{base}/api/v1/exams/t-bench-exam/attempts", timeout=30)
        state = r.json()
        items = state["items"]
    except Exception as exc:  # a trainee that cannot start counts as an error, the others go on
        stats.record("login", time.perf_counter(), type(exc).__name__)
        return
    now = time.monotonic()
    due = {"read": now + rng.uniform(0, args.read_every), "autosave": now + rng.uniform(0, args.save_every),
           "upload": now + rng.uniform(0, args.upload_every)}
    every = {"read": args.read_every, "autosave": args.save_every, "upload": args.upload_every}
    session_id = None
    while not stop.is_set():
        action = min(due, key=due.get)
        wait = due[action] - time.monotonic()
        if wait > 0 and stop.wait(wait):
            break
        due[action] += every[action]
        t0 = time.perf_counter()
        try:
            if action == "read":
                key, sections = rng.choice(plan["modules"])
                page = web.get(f"{base}/modules/{key}", timeout=30)
                token_match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
                stats.record("read page", t0, page.status_code)
                t1 = time.perf_counter()
                r = web.post(f"{base}/modules/{key}/sections/{rng.choice(sections)}/read",
                             data={"csrf_token": token_match.group(1) if token_match else ""},
                             allow_redirects=False, timeout=30)
                stats.record("mark read", t1, r.status_code)
            elif action == "autosave":
                item = rng.choice(items)
                kind = item["type"]
                response = ([0] if kind == "single" else [True] if kind == "true_false" else [0, 1] if kind == "multiple"
                            else list(range(len(item.get("options") or []))) if kind == "ordering" else ["电费"])
                r = api.post(f"{base}/api/v1/attempts/{state['id']}/answers", timeout=30,
                             json={"question_id": item["question_id"], "response": response})
                stats.record("autosave", t0, r.status_code)
            else:
                form = {"scenario": plan["scenario"], "turn": "1", "response_delay": "1.0"}
                if session_id:
                    form["session"] = str(session_id)
                wav = rng.choice(wavs)
                r = api.post(f"{base}/api/v1/roleplay/score", data=form, timeout=60,
                             files={"audio": ("a.wav", wav, "audio/wav")})
                stats.record("upload", t0, 200 if r.status_code in (200, 202, 422) else r.status_code)
                body = r.json()
                if body.get("attempt_id"):
                    attempts_out.append(body["attempt_id"])
                    session_id = (body.get("session") or {}).get("id") or session_id
        except Exception as exc:
            stats.record(action if action != "read" else "read page", t0, type(exc).__name__)


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--asr-workers", type=int, default=2)
    parser.add_argument("--engine", default="faster-whisper", choices=["faster-whisper", "fake"])
    parser.add_argument("--read-every", type=float, default=15)
    parser.add_argument("--save-every", type=float, default=10)
    parser.add_argument("--upload-every", type=float, default=60)
    parser.add_argument("--drain", type=float, default=300, help="seconds to wait for the queue to empty")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/trainer_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    if not (1 <= args.users <= 500 and 5 <= args.duration <= 600):
        parser.error("bounded: 1–500 users, 5–600 s")
    from urllib.parse import urlsplit

    for url in (args.database_url, args.redis_url):
        if urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"}:
            parser.error("loopback only")

    print(f"Preparing {args.users} trainees on {args.database_url.split('@')[-1]} …", flush=True)
    create_database(args.database_url)
    plan = prepare(args.database_url, args.users)
    wavs = [p.read_bytes() for p in sorted(VOICE.glob("*-clean.wav"))]
    queue_name = f"load-{uuid.uuid4().hex[:8]}"
    audio_dir = tempfile.mkdtemp(prefix="load-audio-")
    port = _free_port()
    env = {**os.environ, "TRAINER_DATABASE_URL": args.database_url, "TRAINER_SECRET_KEY": secrets.token_hex(16),
           "TRAINER_REDIS_URL": args.redis_url, "TRAINER_RECOGNITION_QUEUE": queue_name, "TRAINER_AUDIO_DIR": audio_dir,
           "TRAINER_UPLOAD_LIMIT_PER_HOUR": "0", "TRAINER_ASR_THREADS": "1", "TRAINER_ASR_ENGINE": args.engine,
           "TRAINER_ASR_FAKE_TRANSCRIPT": "您好,请坐,请问您需要什么帮助", "TRAINER_SESSION_COOKIE_SECURE": "0",
           "GUNICORN_WORKERS": str(args.workers), "GUNICORN_THREADS": str(args.threads),
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": os.devnull, "GUNICORN_LOG_LEVEL": "warning"}
    trainer_cli = str(Path(sys.executable).parent / "trainer")
    server_log = Path(audio_dir) / "server.log"
    print(f"server and worker logs: {server_log}")
    log_handle = open(server_log, "ab")  # noqa: SIM115 (closed with the processes)
    procs = [subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "trainer:create_app()"],
                              cwd=ROOT, env=env, stdout=log_handle, stderr=log_handle)]
    for n in range(args.asr_workers):
        procs.append(subprocess.Popen([trainer_cli, "worker", "--name", f"{queue_name}-{n}"], cwd=ROOT, env=env,
                                      stdout=log_handle, stderr=log_handle))
    base = f"http://127.0.0.1:{port}"
    try:
        import redis
        import requests
        from rq import Queue
        from rq.job import Job

        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.5)
        time.sleep(5 if args.engine != "fake" else 1)  # let the workers load the model
        print(f"Load: {args.users} trainees for {args.duration:g} s · gunicorn {args.workers}×{args.threads} · "
              f"{args.asr_workers} recognition workers ({args.engine}) · {os.cpu_count()} CPU cores", flush=True)
        stats, stop, attempts = Stats(), threading.Event(), []
        threads = [threading.Thread(target=trainee, args=(base, name, token, plan, args, stats, stop, attempts, wavs),
                                    daemon=True) for name, token in zip(plan["names"], plan["tokens"], strict=False)]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.duration)
        stop.set()
        for t in threads:
            t.join(60)
        elapsed = time.monotonic() - started
        connection = redis.Redis.from_url(args.redis_url)
        q = Queue(queue_name, connection=connection)
        drain_started = time.monotonic()
        while time.monotonic() - drain_started < args.drain:
            if q.count == 0 and q.started_job_registry.count == 0:
                break
            time.sleep(1)
        drained = time.monotonic() - drain_started

        print(f"\n{'action':<12}{'count':>7}{'per s':>8}{'median ms':>11}{'p95 ms':>9}  errors")
        for action in ("login", "read page", "mark read", "autosave", "upload"):
            lat = stats.latency.get(action, [])
            errs = dict(stats.errors.get(action, {}))
            print(f"{action:<12}{len(lat):>7}{len(lat) / elapsed:>8.2f}{pct(lat, .5) * 1000:>11.0f}"
                  f"{pct(lat, .95) * 1000:>9.0f}  {errs or '-'}")
        waits, runs, statuses = [], [], Counter()
        for attempt_id in attempts:
            try:
                job = Job.fetch(f"roleplay-attempt-{attempt_id}", connection=connection)
            except Exception:
                statuses["no job"] += 1
                continue
            statuses[getattr(job.get_status(), 'value', str(job.get_status()))] += 1
            if job.started_at and "enqueued_at" in job.meta:
                waits.append(job.meta.get("started_at", job.started_at.timestamp()) - job.meta["enqueued_at"])
            if job.started_at and job.ended_at:
                runs.append((job.ended_at - job.started_at).total_seconds())
        print(f"\nrecognition: {len(attempts)} answers uploaded, jobs {dict(statuses)}, queue drained "
              f"{drained:.0f} s after the load stopped")
        print(f"  queue wait (enqueue → start): median {pct(waits, .5):.1f} s, p95 {pct(waits, .95):.1f} s, max "
              f"{max(waits, default=float('nan')):.1f} s")
        print(f"  job time (decode + recognise + score): median {pct(runs, .5):.2f} s, p95 {pct(runs, .95):.2f} s")
        if runs:
            capacity = args.asr_workers * 60 / statistics.median(runs)
            print(f"  capacity ≈ {capacity:.0f} answers/min with {args.asr_workers} workers "
                  f"(offered {len(attempts) / elapsed * 60:.0f}/min)")
        _check_stored(args.database_url, attempts)
        q.delete(delete_jobs=True)
        return 0
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        log_handle.close()


def _check_stored(url: str, attempts: list[int]) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT status, count(*) FROM roleplay_attempt GROUP BY status")).all())
        tries = conn.execute(text("SELECT max(tries) FROM roleplay_attempt")).scalar()
    engine.dispose()
    print(f"  attempts in the database: {rows} (uploads acknowledged: {len(attempts)}; max tries per attempt: {tries})")


if __name__ == "__main__":
    raise SystemExit(main())
