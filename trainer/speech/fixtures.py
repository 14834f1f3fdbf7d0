"""Labelled speech folders, in either manifest format, and the character error rate.

Two formats are read (both a folder of WAV files and ``manifest.json``):

* **specs + clips** (``voice/``, ``voice_human_dev/``, ``benchmarks/voice-holdout/``)::

      {"specs": {"<spec>": {"expect": [...], "forbid": [...]}},
       "clips": [{"file": "d01-clean.wav", "spec": "<spec>", "text": "<what was said>", "passed": true,
                  "transform": "clean"}, ...]}

* **clips with their own rubrics** (``voice_human_holdout/``): every clip carries ``reference`` (what was
  said), ``band`` (clean | phone) and two rubrics, ``positive`` and ``negative``, each ``{"expect", "forbid",
  "label_passed"}``; each becomes one entry, named ``<file>:positive`` / ``<file>:negative``.

Both give :class:`Entry` rows; a recording can appear in several (one per rubric).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from trainer.scoring import Rubric, normalize


@dataclass(frozen=True)
class Entry:
    """One labelled rubric over one recording: ``label`` is the human verdict (should it pass?), ``text``
    the reference transcript, ``transform`` the recording condition (clean, phone, noise, human …)."""

    file: str
    spec: str
    text: str
    label: bool
    rubric: Rubric
    transform: str | None = None


def load_manifest(folder: Path) -> dict:
    """The specs + clips manifest of ``folder`` (raises ``ValueError`` for a clip naming an unknown spec)."""
    manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    for clip in manifest["clips"]:
        if clip["spec"] not in manifest["specs"]:
            raise ValueError(f"clip {clip['file']} names unknown spec {clip['spec']!r}")
    return manifest


def load_entries(folder: Path) -> list[Entry]:
    """Every labelled entry of ``folder``, in manifest order, whichever of the two formats it uses."""
    manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    if "specs" in manifest:
        manifest = load_manifest(folder)
        rubrics = {name: Rubric.from_dict(spec) for name, spec in manifest["specs"].items()}
        return [Entry(c["file"], c["spec"], c["text"], bool(c["passed"]), rubrics[c["spec"]], c.get("transform"))
                for c in manifest["clips"]]
    entries = []
    for clip in manifest["clips"]:
        for kind in ("positive", "negative"):
            spec = clip.get(kind)
            if spec is None:
                continue
            label = spec.get("label_passed", manifest.get(f"label_{kind}", kind == "positive"))
            entries.append(Entry(clip["file"], f"{clip['file']}:{kind}", clip["reference"], bool(label),
                                 Rubric.from_dict(spec), clip.get("band") or clip.get("condition")))
    return entries


def development_folders(folders: list[Path], shared: Path) -> list[Path]:
    """The folders a tuning script may use: ``folders``, or ``voice/`` and ``voice_human_dev/`` under
    ``shared``. A held-out folder (its name says "holdout") is refused with ``ValueError``: it is measured
    and reported, never tuned on."""
    chosen = list(folders) or [Path(shared) / "voice", Path(shared) / "voice_human_dev"]
    for folder in chosen:
        if "holdout" in Path(folder).name:
            raise ValueError(f"{folder} is a held-out set: measure it with `trainer bench speech`, never tune on it")
    return chosen


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (substitutions, insertions, deletions all cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def char_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference characters) after the scorer's normalisation (Simplified, no punctuation, numbers
    spelled out), so 您好，请坐 and 您好请坐 agree. Summing both over clips gives the corpus CER."""
    ref, hyp = normalize(reference or ""), normalize(hypothesis or "")
    return edit_distance(ref, hyp), len(ref)


def cer(pairs: list[tuple[str, str]]) -> float | None:
    """Character error rate of ``(reference, hypothesis)`` pairs: total edits / total reference characters."""
    edits = chars = 0
    for reference, hypothesis in pairs:
        e, n = char_errors(reference, hypothesis)
        edits, chars = edits + e, chars + n
    return edits / chars if chars else None
