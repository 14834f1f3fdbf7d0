"""Recognition + scoring against a labelled folder of recordings: how often does the machine agree?

The folder holds WAV files and ``manifest.json``::

    {"specs": {"<spec>": {"expect": [...], "forbid": [...]}},
     "clips": [{"file": "d01-clean.wav", "spec": "<spec>", "text": "<what was said>", "passed": true}, ...]}

``passed`` is the human label. Each clip is decoded as an upload would be, recognised (with no prompt, or
with ``prompt_for(rubric)`` as Whisper's ``initial_prompt``) and scored. A *false pass* is a negative the
machine passes (the one error a trainee could exploit, so biasing must keep it at zero); a *false fail*
a positive it fails. *Forbidden missed* counts push-off phrases that scoring the reference text finds but
scoring the transcript does not. Latency per clip is decode + recognition + scoring, in seconds.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from trainer.scoring import Rubric, prompt_for, score_transcript
from trainer.speech.assess import assess
from trainer.speech.audio import AudioRejected, decode_upload
from trainer.speech.recognizer import Recognizer

PROMPT_MODES = ("none", "rubric", "rescue")  # rescue: the two-pass assess() used in production
MAX_BYTES = 64 * 1024 * 1024
MAX_SECONDS = 600.0


@dataclass
class ClipResult:
    file: str
    spec: str
    text: str
    label: bool
    transcript: str
    nothing_heard: bool
    reason: str | None
    passed: bool
    score: int
    forbidden_expected: list[str]
    forbidden_heard: list[str]
    audio_seconds: float
    asr_seconds: float
    latency_seconds: float
    transform: str | None = None
    error: str | None = None

    @property
    def agrees(self) -> bool:
        return self.passed == self.label

    @property
    def forbidden_missed(self) -> list[str]:
        return [p for p in self.forbidden_expected if p not in self.forbidden_heard]


@dataclass
class BenchReport:
    folder: str
    engine: str
    model: str
    prompt_mode: str
    clips: list[ClipResult] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    # Process CPU time for the whole run: unlike wall time it hardly changes when other programs load the
    # machine, so it is the figure to compare between runs on a shared 2-core box.
    cpu_seconds: float = 0.0

    @property
    def agreement(self) -> float:
        return sum(c.agrees for c in self.clips) / len(self.clips) if self.clips else 0.0

    @property
    def false_passes(self) -> list[str]:
        return [c.file for c in self.clips if c.passed and not c.label]

    @property
    def false_fails(self) -> list[str]:
        return [c.file for c in self.clips if c.label and not c.passed]

    @property
    def forbidden_missed(self) -> list[str]:
        return [f"{c.file}:{p}" for c in self.clips for p in c.forbidden_missed]

    @property
    def real_time_factor(self) -> float:
        audio = sum(c.audio_seconds for c in self.clips)
        return sum(c.asr_seconds for c in self.clips) / audio if audio else 0.0

    def latency(self) -> tuple[float, float]:
        """(median, 95th percentile) of per-clip latency in seconds (nearest-rank p95)."""
        values = sorted(c.latency_seconds for c in self.clips)
        if not values:
            return 0.0, 0.0
        rank = max(1, -(-95 * len(values) // 100))  # ceil(0.95 n)
        return statistics.median(values), values[rank - 1]

    def summary(self) -> dict:
        median, p95 = self.latency()
        return {
            "clips": len(self.clips),
            "agreement": round(self.agreement, 4),
            "agreed": sum(c.agrees for c in self.clips),
            "positives": sum(c.label for c in self.clips),
            "negatives": sum(not c.label for c in self.clips),
            "false_passes": self.false_passes,
            "false_fails": self.false_fails,
            "forbidden_missed": self.forbidden_missed,
            "nothing_heard": [c.file for c in self.clips if c.nothing_heard],
            "real_time_factor": round(self.real_time_factor, 4),
            "latency_median_s": round(median, 3),
            "latency_p95_s": round(p95, 3),
            "audio_seconds": round(sum(c.audio_seconds for c in self.clips), 3),
            "asr_seconds": round(sum(c.asr_seconds for c in self.clips), 3),
            "cpu_seconds_per_audio_second": round(self.cpu_seconds / audio, 4) if (audio := sum(c.audio_seconds for c in self.clips)) else 0.0,
        }

    def to_dict(self) -> dict:
        return {
            "folder": self.folder,
            "engine": self.engine,
            "model": self.model,
            "prompt_mode": self.prompt_mode,
            "meta": self.meta,
            "summary": self.summary(),
            "clips": [asdict(c) | {"agrees": c.agrees} for c in self.clips],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    def format_table(self) -> str:
        lines = [
            f"speech bench: {self.folder}  engine={self.engine} model={self.model} prompt={self.prompt_mode}",
            f"{'file':<18} {'label':<5} {'got':<5} {'ok':<3} {'score':>5} {'sec':>5} {'asr':>6}  transcript",
        ]
        for c in self.clips:
            got = "err" if c.error else ("pass" if c.passed else "fail")
            said = c.error or (f"({c.reason})" if c.nothing_heard else c.transcript)
            if c.forbidden_missed:
                said += f"  [missed forbidden: {','.join(c.forbidden_missed)}]"
            lines.append(
                f"{c.file:<18} {'pass' if c.label else 'fail':<5} {got:<5} {'✓' if c.agrees else '✗':<3}"
                f" {c.score:>5} {c.audio_seconds:>5.2f} {c.asr_seconds:>6.3f}  {said}"
            )
        s = self.summary()
        lines += [
            f"agreement {s['agreed']}/{s['clips']} ({s['agreement']:.1%})  "
            f"false passes {len(s['false_passes'])}/{s['negatives']}  false fails {len(s['false_fails'])}/{s['positives']}"
            f"  forbidden missed {len(s['forbidden_missed'])}",
            f"real-time factor {s['real_time_factor']:.3f}  latency median {s['latency_median_s']:.3f} s"
            f"  p95 {s['latency_p95_s']:.3f} s  ({s['audio_seconds']:.1f} s of audio)"
            f"  CPU {s['cpu_seconds_per_audio_second']:.3f} s per audio s",
        ]
        if s["false_passes"]:
            lines.append(f"FALSE PASSES: {', '.join(s['false_passes'])}")
        return "\n".join(lines)


def load_manifest(folder: Path) -> dict:
    manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    for clip in manifest["clips"]:
        if clip["spec"] not in manifest["specs"]:
            raise ValueError(f"clip {clip['file']} names unknown spec {clip['spec']!r}")
    return manifest


def run_speech_bench(
    folder: Path,
    recognizer: Recognizer,
    *,
    prompt_mode: str = "none",
    timer: Callable[[], float] = time.perf_counter,
) -> BenchReport:
    """Recognise and score every clip of ``folder`` (see the module docstring); one pass, in manifest order."""
    if prompt_mode not in PROMPT_MODES:
        raise ValueError(f"prompt_mode must be one of {PROMPT_MODES}, not {prompt_mode!r}")
    folder = Path(folder)
    manifest = load_manifest(folder)
    rubrics = {name: Rubric.from_dict(spec) for name, spec in manifest["specs"].items()}
    report = BenchReport(str(folder), recognizer.engine, recognizer.model, prompt_mode)
    cpu_started = time.process_time()
    for clip in manifest["clips"]:
        rubric = rubrics[clip["spec"]]
        reference = score_transcript(clip["text"], rubric)
        expected_forbidden = [hit.phrase for hit in reference.forbidden]
        started = timer()
        try:
            audio = decode_upload((folder / clip["file"]).read_bytes(), max_bytes=MAX_BYTES, max_seconds=MAX_SECONDS)
        except AudioRejected as exc:
            report.clips.append(_rejected(clip, expected_forbidden, exc, timer() - started))
            continue
        if prompt_mode == "rescue":
            assessment = assess(audio, rubric, recognizer)
            heard, result, asr_seconds = assessment.heard, assessment.result, assessment.asr_seconds
        else:
            prompt = prompt_for(rubric) if prompt_mode == "rubric" else None
            heard = recognizer.transcribe(audio, prompt=prompt)
            result = score_transcript(heard.text, rubric, audio_seconds=heard.audio_seconds)
            asr_seconds = heard.asr_seconds
        report.clips.append(
            ClipResult(
                file=clip["file"],
                spec=clip["spec"],
                text=clip["text"],
                label=bool(clip["passed"]),
                transcript=result.transcript,
                nothing_heard=heard.nothing_heard,
                reason=heard.reason,
                passed=result.passed,
                score=result.score,
                forbidden_expected=expected_forbidden,
                forbidden_heard=[hit.phrase for hit in result.forbidden],
                audio_seconds=heard.audio_seconds,
                asr_seconds=asr_seconds,
                latency_seconds=round(timer() - started, 4),
                transform=clip.get("transform"),
            )
        )
    report.cpu_seconds = time.process_time() - cpu_started
    return report


def transcripts_fixture(folder: Path, plain: BenchReport, prompted: BenchReport) -> list[dict]:
    """Rows of ``tests/fixtures/voice/transcripts.json`` from a ``none`` and a ``rubric`` pass.

    Each row: the clip's ``file``, ``spec``, spoken ``text`` and label ``passed``, plus ``transform``, the
    ``prompt`` used and the two transcripts, so that scoring can be tested on real ASR output without a model.
    """
    manifest = load_manifest(folder)
    rubrics = {name: Rubric.from_dict(spec) for name, spec in manifest["specs"].items()}
    plain_by_file = {c.file: c.transcript for c in plain.clips}
    prompted_by_file = {c.file: c.transcript for c in prompted.clips}
    return [
        {
            "file": clip["file"],
            "spec": clip["spec"],
            "text": clip["text"],
            "passed": clip["passed"],
            "transcript": plain_by_file[clip["file"]],
            "transcript_prompted": prompted_by_file[clip["file"]],
            "transform": clip.get("transform"),
            "prompt": prompt_for(rubrics[clip["spec"]]),
        }
        for clip in manifest["clips"]
    ]


def _rejected(clip: dict, expected_forbidden: list[str], exc: AudioRejected, elapsed: float) -> ClipResult:
    return ClipResult(
        file=clip["file"],
        spec=clip["spec"],
        text=clip["text"],
        label=bool(clip["passed"]),
        transcript="",
        nothing_heard=True,
        reason=exc.code,
        passed=False,
        score=0,
        forbidden_expected=expected_forbidden,
        forbidden_heard=[],
        audio_seconds=0.0,
        asr_seconds=0.0,
        latency_seconds=round(elapsed, 4),
        transform=clip.get("transform"),
        error=f"rejected: {exc.code}",
    )
