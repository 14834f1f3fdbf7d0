"""Batch throughput of recognition: the same answers one at a time and in batches (trainer.speech.whisper).

Recognises the first ``--answers`` clips of a folder (default ``benchmarks/voice-holdout``) with the unbiased
decode, one at a time and in batches of each ``--sizes``, and prints CPU seconds per audio second (process time,
all threads) and wall time per run; then checks that batched and single transcripts are identical (a batch must
not change anyone's score).

``--lanes N`` measures a class instead, as the web process's queue serves it: the whole assessment
(unbiased decode, verification, biased decode) of every answer against its manifest rubric, by N threads
that each take the next ``size`` waiting answers (trainer.batch_queue), for each of ``--sizes``; it prints
the wall time until the last answer is assessed and checks that every verdict and transcript is the one
the answer gets alone.

    .venv/bin/python benchmarks/speech_batch.py [FOLDER] [--answers 16] [--sizes 1,4,8,16] [--lanes 2]
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
    parser.add_argument("--lanes", type=int, default=0, help="assess a class with this many threads (see above)")
    args = parser.parse_args()
    if args.lanes:
        return class_load(args)

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


def _serve_in_lanes(answers, recognizer, lanes: int, size: int) -> dict:
    """Assess ``answers`` through the web process's own queue (trainer.batch_queue): ``lanes`` worker
    threads, each taking the next ``size`` waiting; every answer is queued before any worker looks."""
    from trainer.batch_queue import BatchQueue
    from trainer.speech.assess import assess_batch

    results: dict = {}

    def work(taken: list[int]) -> None:
        for i, assessment in zip(taken, assess_batch([answers[i] for i in taken], recognizer), strict=True):
            results[i] = assessment

    queue = BatchQueue(work, size, name="bench", workers=lanes)
    with queue._cond:
        done = [queue.submit(i) for i in range(len(answers))]
    for event in done:
        event.wait()
    return results


def class_load(args) -> None:
    """The ``--lanes`` mode (module doc)."""
    from trainer.roleplay.cli import instance_dir
    from trainer.speech.assess import Answer, assess_batch
    from trainer.speech.audio import audio_seconds, decode_upload
    from trainer.speech.fixtures import load_entries
    from trainer.speech.recognizer import build_recognizer

    recognizer = build_recognizer("faster-whisper", None, instance_dir() / "models", lanes=args.lanes)
    entries = load_entries(args.folder)[: args.answers]
    answers = [Answer(decode_upload((args.folder / e.file).read_bytes(), max_bytes=1 << 26, max_seconds=600),
                      e.rubric) for e in entries]
    seconds = sum(audio_seconds(a.audio) for a in answers)
    alone = [assess_batch([a], recognizer)[0] for a in answers]  # also the warm-up
    for size in map(int, args.sizes.split(",")):
        cpu, wall = time.process_time(), time.perf_counter()
        results = _serve_in_lanes(answers, recognizer, args.lanes, size)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        same = all(results[i].result.passed == alone[i].result.passed and results[i].heard.text == alone[i].heard.text
                   for i in range(len(answers)))
        print(f"{args.lanes} lanes, batches of {size:>2}: wall {wall:.2f} s for {len(answers)} answers "
              f"({seconds:.1f} s of audio), CPU {cpu:.2f} s ({cpu / seconds:.3f} per audio s); "
              f"{'verdicts and transcripts as alone' if same else 'VERDICTS OR TRANSCRIPTS DIFFER FROM ALONE'}",
              flush=True)


if __name__ == "__main__":
    main()
