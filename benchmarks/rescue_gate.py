"""Calibrate the rescue gate (trainer.speech.assess.RESCUE_GATE) on the development sets only.

The biased decode (``rescue``) is a second full decode; it runs for an answer that still fails after phrase
verification. Most such answers really lack the phrase (every bad answer of a labelled set goes there), and
verification has already measured how far the phrase is from the audio: Δ of the item it could not confirm.
This prints, for every answer that reached the rescue step, that Δ, its label and whether the rescue changed
the verdict, so the gate can be set below every Δ the rescue ever helped at (with room), and above as many
hopeless ones as possible. Folders whose name says "holdout" are refused.

    .venv/bin/python benchmarks/rescue_gate.py [FOLDER ...] [--json out.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.dev_sets import parse_with_folders, parser_for  # noqa: E402


def main() -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--json", type=Path, help="write every measurement here")
    args = parse_with_folders(parser)
    folders = args.folders

    from trainer.roleplay.cli import instance_dir
    from trainer.speech import assess as assessing
    from trainer.speech.audio import decode_upload
    from trainer.speech.bench import load_entries
    from trainer.speech.recognizer import build_recognizer

    recognizer = build_recognizer("faster-whisper", None, instance_dir() / "models")
    rows = []
    for folder in folders:
        for entry in load_entries(folder):
            audio = decode_upload((folder / entry.file).read_bytes(), max_bytes=1 << 26, max_seconds=600)
            ungated = assessing.assess(audio, entry.rubric, recognizer, strategy="verify+rescue", rescue_gate=None)
            if ungated.rescue is None:
                continue
            verify_only = assessing.assess(audio, entry.rubric, recognizer, strategy="verify")
            rows.append({"folder": folder.name, "spec": entry.spec, "label": entry.label,
                         "gap": assessing.verification_gap(ungated),
                         "passed_after_verify": verify_only.result.passed, "passed_after_rescue": ungated.result.passed,
                         "forbidden_found_by_rescue": sorted({h.phrase for h in ungated.result.forbidden}
                                                             - {h.phrase for h in verify_only.result.forbidden})})
    helped = [r for r in rows if r["passed_after_rescue"] and not r["passed_after_verify"]]
    print(f"{len(rows)} answers reached the rescue step; it changed the verdict of {len(helped)}")
    for r in sorted(rows, key=lambda r: (r["gap"] is None, r["gap"] or 0), reverse=True):
        gap = "n/a (no verification)" if r["gap"] is None else f"{r['gap']:7.2f}"
        mark = ("RESCUED" if r in helped else "") + (f" forbidden {r['forbidden_found_by_rescue']}"
                                                      if r["forbidden_found_by_rescue"] else "")
        print(f"  {gap}  {'good' if r['label'] else 'bad ':4}  {r['folder']}/{r['spec']}  {mark}")
    known = [r["gap"] for r in helped if r["gap"] is not None]
    if known:
        lowest = min(known)
        skipped = [r for r in rows if r["gap"] is not None and r["gap"] < lowest]
        print(f"lowest Δ the rescue helped at: {lowest:.2f} nats; below it {len(skipped)} of {len(rows)} rescues "
              f"changed nothing ({sum(not r['label'] for r in skipped)} bad answers)")
    print(f"default gate: {assessing.RESCUE_GATE}; calibrated: {assessing.CALIBRATED_RESCUE_GATE} nats")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
