"""Upload-to-feedback latency of a spoken answer, through HTTP on loopback, with the real recognizer.

Serves the app (werkzeug, threaded, SQLite in a temp folder, all content imported, in-process recognition
as in the one-machine demo) and posts each clip of a labelled folder to POST /api/v1/roleplay/score for
its own scenario turn (the held-out set names its specs "<scenario>#<turn>"), one at a time, padded with
silence to at least --seconds so every answer is as long as a typical one. Prints the median and p95 of
the time from sending the upload to receiving the scored JSON, and how often the result agreed with the
label. Bounded: one request per clip.

    .venv/bin/python benchmarks/upload_latency.py [benchmarks/voice-holdout] [--seconds 5]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO / "benchmarks" / "voice-holdout"))
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    folder = Path(args.folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    clips = [c for c in manifest["clips"] if "#" in c["spec"]]

    from flask_migrate import upgrade

    from trainer import create_app
    from trainer.auth.models import User
    from trainer.content import load_content
    from trainer.courses.importer import import_content
    from trainer.extensions import db

    tmp = Path(tempfile.mkdtemp(prefix="upload-latency-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'db.sqlite'}", "AUDIO_DIR": str(tmp / "audio"),
                      "SECRET_KEY": "bench", "UPLOAD_LIMIT_PER_HOUR": 100000})
    with app.app_context():
        upgrade(revision="heads")
        content, errors = load_content(REPO)
        assert not errors, errors[:3]
        import_content(content)
        user = User(username="bench", display_name="压测学员", role="trainee")
        user.set_password("bench-pass-1")
        db.session.add(user)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    token = requests.post(f"{base}/api/v1/tokens", json={"username": "bench", "password": "bench-pass-1"}, timeout=30).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def post(clip):
        scenario, turn = clip["spec"].split("#")
        files = {"audio": ("answer.wav", padded(folder / clip["file"], args.seconds), "audio/wav")}
        started = time.perf_counter()
        response = requests.post(f"{base}/api/v1/roleplay/score", headers=headers, files=files,
                                 data={"scenario": scenario, "turn": turn, "response_delay": "0.8"}, timeout=120)
        return time.perf_counter() - started, response

    post(clips[0])  # warm-up: assembles/loads the model once, as a running server would have done
    latencies, agreed, statuses = [], 0, {}
    for clip in clips:
        elapsed, response = post(clip)
        body = response.json()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        latencies.append(elapsed)
        agreed += bool(body.get("passed")) == bool(clip["passed"])
    server.shutdown()
    latencies.sort()
    p95 = latencies[max(0, -(-95 * len(latencies) // 100) - 1)]
    print(f"{len(clips)} uploads of ≥{args.seconds:g} s answers from {folder}: statuses {statuses}")
    print(f"upload → feedback: median {statistics.median(latencies):.3f} s, p95 {p95:.3f} s, max {latencies[-1]:.3f} s")
    print(f"agreement with labels: {agreed}/{len(clips)}")


if __name__ == "__main__":
    main()
