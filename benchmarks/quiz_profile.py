"""Where the time goes in one exam start, one submit and close-expired (issue 18), in-process under cProfile.

    .venv/bin/python benchmarks/quiz_profile.py [--trainees 100] [--database-url …] [--top 30]

Prepares the bench exam and trainees as ``trainer bench quiz`` does (a temporary SQLite file by default),
then, through the Flask test client and the real API with bearer tokens, starts one attempt per trainee,
saves three answers each and submits half of them; the other half is closed by ``close_expired`` after the
bench moves their deadline. Prints milliseconds per call for each step and the top functions of each step by
cumulative (or --sort tottime: own) time (cProfile): the in-process cost, without HTTP, gunicorn or other requests competing for locks.
"""

import argparse
import cProfile
import io
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.quiz_load import data  # noqa: E402
from benchmarks.quiz_load.load import random_response  # noqa: E402


def profiled(name: str, calls: int, step, top: int, sort: str = "cumulative") -> None:
    """``top`` 0: time the step without the profiler (its overhead roughly doubles Python-heavy code)."""
    profile = cProfile.Profile()
    started, cpu_started = time.perf_counter(), time.process_time()
    profile.runcall(step) if top else step()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # CPU time is what a loaded machine changes least: the wall time also counts other processes' turns.
    print(f"\n=== {name}: {calls} calls, {1000 * elapsed / max(calls, 1):.1f} ms wall, "
          f"{1000 * cpu / max(calls, 1):.1f} ms CPU per call{' (under cProfile)' if top else ''} ===")
    if not top:
        return
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats(sort).print_stats(top)
    print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=100)
    parser.add_argument("--database-url")
    parser.add_argument("--top", type=int, default=30, help="functions to list per step; 0: time only, no profiler")
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    args = parser.parse_args()
    tmp = None
    url = args.database_url
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="quiz-profile-")
        url = f"sqlite:///{Path(tmp.name) / 'profile.sqlite'}"
    trainees = data.prepare(url, {"p": args.trainees})["p"]
    app = data._app(url)
    client = app.test_client()
    rng = random.Random(1)
    attempts: list[dict] = []

    def call(method: str, path: str, token: str, body=None) -> dict:
        response = client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})
        if response.status_code not in (200, 201):
            raise SystemExit(f"{method} {path}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        return response.get_json()

    call("GET", "/api/v1/exams", trainees[0].token)  # warm: imports, first connection

    def starts():
        for trainee in trainees:
            attempts.append(call("POST", f"/api/v1/exams/{data.BENCH_EXAM}/attempts", trainee.token))

    def saves():
        for trainee, attempt in zip(trainees, attempts, strict=True):
            for item in rng.sample(attempt["items"], 3):
                call("POST", f"/api/v1/attempts/{attempt['id']}/answers", trainee.token,
                     {"question_id": item["question_id"], "response": random_response(item, rng)})

    half = len(trainees) // 2

    def submits():
        for trainee, attempt in zip(trainees[:half], attempts[:half], strict=True):
            call("POST", f"/api/v1/attempts/{attempt['id']}/submit", trainee.token)

    def close():
        from trainer.extensions import db
        from trainer.quiz.services import close_expired
        from trainer.timeutil import utcnow

        with app.app_context():
            close_expired(utcnow())
            db.session.commit()

    profiled("start", len(trainees), starts, args.top, args.sort)
    profiled("save answer", 3 * len(trainees), saves, args.top, args.sort)
    profiled("submit", half, submits, args.top, args.sort)
    data.expire(url, [a["id"] for a in attempts[half:]])
    profiled("close-expired", len(trainees) - half, close, args.top, args.sort)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
