"""Calibrate phrase verification's margin (trainer.speech.verify) on the development sets only.

For every recording of the given labelled folders (default: the shared ``voice/`` and ``voice_human_dev/``;
folders whose name says "holdout" are refused: a held-out set is measured, never tuned on):

* **present**: each expected phrase of a *positive* rubric that the free transcript misses: the speaker said
  it (the reference text has it), so verification should accept it;
* **absent**: each phrase of a *negative* rubric, plus up to ``--absent`` phrases of other recordings' rubrics
  that the reference text does not contain (not even by sound): verification must reject all of them.

For each, the best candidate's Δ = log P(candidate) − log P(free transcript) is computed on the recording's
encoder output. Prints the two distributions, the largest margins (per character, and flat) that accept
no absent phrase with how many present ones each accepts, and the current setting's counts.

    .venv/bin/python benchmarks/verify_margin.py [FOLDER ...] [--absent 8] [--json out.json]
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.dev_sets import parse_with_folders, parser_for  # noqa: E402


def main() -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--absent", type=int, default=8, help="absent phrases drawn per recording")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    args = parse_with_folders(parser)

    from trainer.roleplay.cli import instance_dir
    from trainer.scoring import Rubric, normalize, score_transcript
    from trainer.speech import verify
    from trainer.speech.audio import decode_upload
    from trainer.speech.bench import load_entries
    from trainer.speech.recognizer import build_recognizer

    recognizer = build_recognizer("faster-whisper", None, instance_dir() / "models")
    rows = []
    for folder in args.folders:
        entries = load_entries(folder)
        pool = sorted({p for e in entries for item in e.rubric.phrases for p in item.split("|")})
        by_file: dict[str, list] = {}
        for entry in entries:
            by_file.setdefault(entry.file, []).append(entry)
        for file, group in by_file.items():
            audio = decode_upload((folder / file).read_bytes(), max_bytes=1 << 26, max_seconds=600)
            decoding = recognizer.recognize_batch([audio])[0]
            heard = decoding.transcript
            if heard.nothing_heard or not decoding.raw:
                continue
            base = decoding.log_likelihoods([decoding.raw])[0]
            reference = group[0].text
            tests = []
            for entry in group:
                free = score_transcript(heard.text, entry.rubric)
                for item in free.items:
                    if not item.hit:
                        tests.append((item.key or item.expect, "present" if entry.label else "absent"))
            said = [p for p in pool if not score_transcript(reference, Rubric(phrases=[p])).passed]
            rng = random.Random(file)
            tests += [(p, "absent") for p in rng.sample(said, min(args.absent, len(said)))]
            for phrase, kind in tests:
                verdict = verify.verify_item(decoding.raw, base, phrase, decoding)
                chars = len(normalize(verdict.candidate.phrase)) if verdict.candidate else len(normalize(phrase))
                rows.append({"folder": folder.name, "file": file, "phrase": phrase, "kind": kind,
                             "alternative": verdict.candidate.phrase if verdict.candidate else phrase,
                             "delta": verdict.delta, "chars": chars, "per_char": verdict.delta / max(1, chars),
                             "candidate": verdict.candidate.text if verdict.candidate else None,
                             "how": verdict.candidate.how if verdict.candidate else None, "free": decoding.raw})
            print(f"{file}: {decoding.raw}  " + "  ".join(
                f"{r['phrase']}[{r['kind'][0]}]{r['delta']:+.1f}" for r in rows if r["file"] == file), flush=True)
    present = sorted(r["per_char"] for r in rows if r["kind"] == "present")
    absent = sorted((r["per_char"] for r in rows if r["kind"] == "absent"), reverse=True)
    print(f"\npresent (should accept): {len(present)}, per-char Δ: {[round(x, 2) for x in present]}")
    print(f"absent (must reject): {len(absent)}, highest per-char Δ: {[round(x, 2) for x in absent[:15]]}")
    worst_absent = absent[0] if absent else float("-inf")
    accepted = sum(x > worst_absent for x in present)
    print(f"largest safe margin per character: just under {-worst_absent:.2f} nats "
          f"(accepts {accepted}/{len(present)} present phrases, 0 absent)")
    flat_present = sorted((r["delta"] for r in rows if r["kind"] == "present"), reverse=True)
    flat_absent = max((r["delta"] for r in rows if r["kind"] == "absent"), default=float("-inf"))
    print(f"largest safe flat margin: just under {-flat_absent:.2f} nats "
          f"(accepts {sum(x > flat_absent for x in flat_present)}/{len(flat_present)} present phrases, 0 absent); "
          f"present Δ: {[round(x, 2) for x in flat_present]}")
    current = [r for r in rows if verify.accepts(r["delta"], r["alternative"])]
    print(f"current margin ({verify.MARGIN_BASE} + {verify.MARGIN_PER_CHAR}/char): accepts "
          f"{sum(r['kind'] == 'present' for r in current)}/{len(present)} present, "
          f"{sum(r['kind'] == 'absent' for r in current)}/{len(absent)} absent")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
