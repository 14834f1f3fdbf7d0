"""Choose the encoder window's floor and tail (trainer.speech.window) by measurement, on the development sets.

For each (floor, tail) policy, every recording of the given folders (default: the shared ``voice/`` and
``voice_human_dev/``; "holdout" folders are refused) is recognised once with the unbiased decode, and every
labelled entry of it scored. Prints per policy: agreement of the unbiased decode alone, good answers passed,
false passes, CER, and CPU seconds per audio second (process time, all threads: comparable on a loaded box).

    .venv/bin/python benchmarks/window_floor.py [FOLDER ...] [--floors 500,750,1000,1500,3000] [--tails 200]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.dev_sets import parse_with_folders, parser_for  # noqa: E402


def main() -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--floors", default="500,750,1000,1500,3000")
    parser.add_argument("--tails", default="200")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--beam", type=int, default=1, help="beam size of the unbiased decode")
    parser.add_argument("--no-level", action="store_true", help="without level normalisation")
    args = parse_with_folders(parser)

    from trainer.roleplay.cli import instance_dir
    from trainer.scoring import score_transcript
    from trainer.speech.audio import decode_upload
    from trainer.speech.fixtures import cer, load_entries
    from trainer.speech.model_store import ensure_whisper_base
    from trainer.speech.whisper import FasterWhisperRecognizer
    from trainer.speech.window import WindowPolicy

    model = ensure_whisper_base(instance_dir() / "models")
    recordings = []
    for folder in args.folders:
        by_file: dict[str, list] = {}
        for entry in load_entries(folder):
            by_file.setdefault(entry.file, []).append(entry)
        for file, entries in by_file.items():
            audio = decode_upload((folder / file).read_bytes(), max_bytes=1 << 26, max_seconds=600)
            recordings.append((f"{folder.name}/{file}", audio, entries))
    audio_seconds = sum(len(a.frame_data) / (a.sample_rate * a.sample_width) for _, a, _ in recordings)
    print(f"{len(recordings)} recordings, {sum(len(e) for *_, e in recordings)} entries, {audio_seconds:.1f} s of audio")
    for floor in map(int, args.floors.split(",")):
        for tail in map(int, args.tails.split(",")):
            policy = WindowPolicy(floor, tail, level=not args.no_level)
            recognizer = FasterWhisperRecognizer(model, cpu_threads=args.threads, beam_size=args.beam, policy=policy)
            recognizer.recognize_batch([recordings[0][1]])  # warm-up
            agreed = good = positives = false_passes = entries = 0
            pairs, lost = [], []
            cpu, wall = time.process_time(), time.perf_counter()
            for name, audio, group in recordings:
                heard = recognizer.recognize_batch([audio])[0].transcript
                pairs.append((group[0].text, heard.text))
                for entry in group:
                    passed = score_transcript(heard.text, entry.rubric).passed
                    entries += 1
                    agreed += passed == entry.label
                    positives += entry.label
                    good += passed and entry.label
                    false_passes += passed and not entry.label
                    if entry.label and not passed:
                        lost.append(name.split("/")[-1].removesuffix(".wav"))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"floor {floor:>4} tail {tail:>3} beam {args.beam} level {'off' if args.no_level else 'on'}: unbiased agreement {agreed}/{entries}, good {good}/{positives}, "
                  f"false passes {false_passes}, CER {cer(pairs):.1%}, CPU {cpu / audio_seconds:.3f} s/audio s, "
                  f"RTF {wall / audio_seconds:.3f}  failed: {' '.join(lost)}", flush=True)


if __name__ == "__main__":
    main()
