"""Upload-to-feedback latency of spoken answers, through HTTP on loopback, with the real recognizer.

Serves the app as the one-machine demo does (werkzeug, threaded, SQLite in a temp folder, all content imported,
no Redis: recognition in the process's own queue, trainer.roleplay.inline), in a process of its own as the demo
runs (the trainees' uploads and polls come from this one: they share the machine's cores, as a pessimistic
stand-in for the trainees' own computers, but not the server's interpreter lock), and posts clips of a labelled folder
to POST /api/v1/roleplay/score for their own scenario turn (the held-out set names its specs
"<scenario>#<turn>"), each padded with silence to at least --seconds, as long as a typical answer. An answer
still queued when the upload returns (202) is polled every --poll seconds, as the practice page does; the
latency is from sending the upload to receiving the scored JSON.

* ``--trainees 1`` (default): one trainee, one answer at a time, every clip once.
* ``--trainees 20 --rounds 3``: a class: 20 trainees upload at the same moment, three times over.

Prints the median, p95 and max latency, how the uploads were answered (200 scored at once, 202 queued), the
agreement with the labels and the sizes of the recognition batches.

    .venv/bin/python benchmarks/upload_latency.py [benchmarks/voice-holdout] [--seconds 5] [--trainees 20 --rounds 3]
"""

import argparse
import io
import json
import statistics
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import requests
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def padded(path: Path, seconds: float) -> bytes:
    with wave.open(str(path)) as source:
        params, frames = source.getparams(), source.readframes(source.getnframes())
    missing = int(seconds * params.framerate) - params.nframes
    if missing > 0:  # silence after the answer, as the page records until the countdown or 回答完毕
        frames += b"\x00" * (missing * params.sampwidth * params.nchannels)
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setparams(params)
        target.writeframes(frames)
    return out.getvalue()


def serve(trainees: int):
    """The demo app on a free loopback port with ``trainees`` accounts, in this process (the child of
    :func:`start_server`); prints ``{"base", "tokens"}`` as one JSON line, serves until stdin closes, then
    prints ``{"batches": [...]}`` (the recognition batch sizes) and exits."""
    from flask_migrate import upgrade

    from trainer import create_app
    from trainer.auth.models import User
    from trainer.content import load_content
    from trainer.extensions import db
    from trainer.importing import import_content

    tmp = Path(tempfile.mkdtemp(prefix="upload-latency-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'db.sqlite'}", "AUDIO_DIR": str(tmp / "audio"),
                      "SECRET_KEY": "bench", "UPLOAD_LIMIT_PER_HOUR": 100000,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(revision="heads")
        content, errors = load_content(REPO)
        assert not errors, errors[:3]
        import_content(content)
        for n in range(trainees):
            user = User(username=f"bench{n}", display_name=f"压测学员{n}", role="trainee")
            user.set_password("bench-pass-1")
            db.session.add(user)
        db.session.commit()
    import logging  # after the migrations: Alembic's logging set-up disables the loggers that exist then

    logging.basicConfig(level=logging.INFO, force=True,
                        format="%(relativeCreated)8.0f ms %(threadName)s %(name)s: %(message)s")
    logging.getLogger("trainer.roleplay.inline").disabled = False  # the recognition batches and their times
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not every upload and poll
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    tokens = [requests.post(f"{base}/api/v1/tokens", json={"username": f"bench{n}", "password": "bench-pass-1"},
                            timeout=60).json()["token"] for n in range(trainees)]
    print(json.dumps({"base": base, "tokens": tokens}), flush=True)
    sys.stdin.read()  # the parent closes it when the measurement is over
    server.shutdown()
    queue = app.extensions.get("trainer.inline_recognition")  # trainer.roleplay.inline.EXTENSION
    print(json.dumps({"batches": queue.batches if queue is not None else []}), flush=True)


def start_server(trainees: int):
    """The server process; returns (process, base, tokens)."""
    import subprocess

    child = subprocess.Popen([sys.executable, __file__, "--serve", str(trainees)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    for line in child.stdout:
        if line.startswith("{"):
            ready = json.loads(line)
            return child, ready["base"], ready["tokens"]
    raise SystemExit("the server process stopped before it was ready")


def stop_server(child) -> list[int]:
    """Stop the server process; the sizes of the recognition batches it ran."""
    out, _ = child.communicate("", timeout=60)
    for line in out.splitlines():
        if line.startswith("{"):
            return json.loads(line)["batches"]
    return []


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux /proc; None elsewhere)."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def answer(base: str, token: str, folder: Path, clip: dict, seconds: float, poll: float,
           hold: float) -> tuple[float, int, dict]:
    """Upload one clip and wait for its score as the page does: (seconds, first HTTP status, final JSON).
    Each status request asks the server to hold it up to ``hold`` seconds (``?wait=``; 0: plain polls)."""
    headers = {"Authorization": f"Bearer {token}"}
    scenario, turn = clip["spec"].split("#")
    files = {"audio": ("answer.wav", padded(folder / clip["file"], seconds), "audio/wav")}
    started = time.perf_counter()
    response = requests.post(f"{base}/api/v1/roleplay/score", headers=headers, files=files,
                             data={"scenario": scenario, "turn": turn, "response_delay": "0.8"}, timeout=300)
    body, status = response.json(), response.status_code
    while body.get("status") == "pending" and body.get("queued") and time.perf_counter() - started < 300:
        sent = time.perf_counter()
        body = requests.get(base + body["status_url"], params={"wait": hold} if hold else None, headers=headers,
                            timeout=60).json()
        if body.get("status") == "pending":
            time.sleep(max(0.0, poll - (time.perf_counter() - sent)))
    return time.perf_counter() - started, status, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO / "benchmarks" / "voice-holdout"))
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--trainees", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="with several trainees: simultaneous rounds")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls of a queued answer")
    parser.add_argument("--hold", type=float, default=2.0,
                        help="seconds the server may hold a status request (?wait=, as the page asks); 0: plain polls")
    parser.add_argument("--serve", type=int, metavar="TRAINEES", help=argparse.SUPPRESS)  # the server process
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve)
    folder = Path(args.folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    clips = [c for c in manifest["clips"] if "#" in c["spec"]]

    server, base, tokens = start_server(args.trainees)
    answer(base, tokens[0], folder, clips[0], args.seconds, args.poll, args.hold)  # warm-up: loads the model once
    results: list[tuple[float, int, dict, dict]] = []
    # CPU used during the measurement by the server and by this load generator (its 20 "browsers" share the
    # server's cores here, which real trainees' computers do not).
    server_cpu, client_cpu, wall = cpu_seconds(server.pid), time.process_time(), time.perf_counter()
    lock = threading.Lock()
    if args.trainees == 1:
        for clip in clips:
            results.append((*answer(base, tokens[0], folder, clip, args.seconds, args.poll, args.hold), clip))
    else:
        for round_ in range(args.rounds):
            start = threading.Barrier(args.trainees)

            def trainee(n: int, round_=round_, start=start) -> None:
                clip = clips[(round_ * args.trainees + n) % len(clips)]
                start.wait()
                outcome = answer(base, tokens[n], folder, clip, args.seconds, args.poll, args.hold)
                with lock:
                    results.append((*outcome, clip))

            threads = [threading.Thread(target=trainee, args=(n,)) for n in range(args.trainees)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    wall, client_cpu = time.perf_counter() - wall, time.process_time() - client_cpu
    server_cpu = cpu_seconds(server.pid) - server_cpu if server_cpu is not None else None
    batches = stop_server(server)
    latencies = sorted(r[0] for r in results)
    p95 = latencies[max(0, -(-95 * len(latencies) // 100) - 1)]
    statuses: dict[int, int] = {}
    for _, status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    agreed = sum(bool(body.get("passed")) == bool(clip["passed"]) for _, _, body, clip in results)
    who = "1 trainee, one answer at a time" if args.trainees == 1 else f"{args.trainees} trainees at once × {args.rounds}"
    print(f"{len(results)} answers of ≥{args.seconds:g} s from {folder} ({who}): first replies {statuses} "
          f"(200 scored at once, 202 queued and polled every {args.poll:g} s, each poll held up to {args.hold:g} s)")
    print(f"upload → feedback: median {statistics.median(latencies):.3f} s, p95 {p95:.3f} s, max {latencies[-1]:.3f} s")
    if server_cpu is not None:
        print(f"CPU during the measurement ({wall:.1f} s): server {server_cpu:.1f} s ({server_cpu / len(results):.2f} s per answer), "
              f"load generator {client_cpu:.1f} s")
    # The server scores each answer by its live scenario turn, whose rubric is richer than the manifest's
    # keyword rubric the labels were made for: compare this line between runs, not with `trainer bench speech`.
    print(f"agreement with the manifest's labels under the live rubrics: {agreed}/{len(results)}; "
          f"recognition batches: {len(batches)}, "
          f"sizes {sorted(batches, reverse=True)[:12]}{'…' if len(batches) > 12 else ''}")
    for _, _, body, clip in results:
        if bool(body.get("passed")) != bool(clip["passed"]):
            print(f"  disagrees: {clip['file']} (label {'pass' if clip['passed'] else 'fail'}): 「{body.get('transcript')}」"
                  f" missing {[i['expect'] for i in body.get('items', []) if not i['hit']]} forbidden {body.get('forbidden')}")


if __name__ == "__main__":
    main()
