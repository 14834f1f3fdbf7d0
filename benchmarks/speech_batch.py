"""Batch throughput of recognition: the same answers one at a time and in batches (trainer.speech.whisper).

Recognises the first ``--answers`` clips of a folder (default ``benchmarks/voice-holdout``) with the unbiased
decode, one at a time and in batches of each ``--sizes``, and prints CPU seconds per audio second (process time,
all threads) and wall time per run; then checks that batched and single transcripts are identical (a batch must
not change anyone's score).

    .venv/bin/python benchmarks/speech_batch.py [FOLDER] [--answers 16] [--sizes 1,4,8,16]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "benchmarks" / "voice-holdout")
    parser.add_argument("--answers", type=int, default=16)
    parser.add_argument("--sizes", default="1,4,8,16")
    args = parser.parse_args()

    from trainer.roleplay.cli import instance_dir
    from trainer.speech.audio import audio_seconds, decode_upload
    from trainer.speech.recognizer import build_recognizer

    recognizer = build_recognizer("faster-whisper", None, instance_dir() / "models")
    files = sorted(args.folder.glob("*.wav"))[: args.answers]
    audios = [decode_upload(f.read_bytes(), max_bytes=1 << 26, max_seconds=600) for f in files]
    seconds = sum(audio_seconds(a) for a in audios)
    recognizer.recognize_batch(audios[:1])  # warm-up
    texts = {}
    for size in map(int, args.sizes.split(",")):
        cpu, wall = time.process_time(), time.perf_counter()
        heard = []
        for i in range(0, len(audios), size):
            heard += [d.raw for d in recognizer.recognize_batch(audios[i : i + size])]
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        texts[size] = heard
        print(f"batches of {size:>2}: CPU {cpu:.2f} s ({cpu / seconds:.3f} per audio s), wall {wall:.2f} s "
              f"for {len(audios)} answers ({seconds:.1f} s of audio)", flush=True)
    first = next(iter(texts.values()))
    same = all(t == first for t in texts.values())
    print("batched and single transcripts identical" if same else "TRANSCRIPTS DIFFER BETWEEN BATCH SIZES")


if __name__ == "__main__":
    main()
