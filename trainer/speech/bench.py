"""Recognition + scoring against labelled folders of recordings: how often does the machine agree?

A folder holds WAV files and ``manifest.json`` in either format :mod:`trainer.speech.fixtures` reads. Each
entry's recording is decoded as an upload would be, recognised and scored in one of the ``PROMPT_MODES``:
``none`` (the unbiased decode alone), ``rubric`` (one decode biased with ``prompt_for(rubric)``), or one of
the assessment strategies of :mod:`trainer.speech.assess` (``verify``, ``rescue``, ``verify+rescue``: the
unbiased decode and, for an answer that misses a phrase, the follow-up on the same encoder output).

A *false pass* is a negative the machine passes (the one error a trainee could exploit, so it must stay at
zero); a *false fail* a positive it fails. *Forbidden missed* counts push-off phrases that scoring the
reference text finds but scoring the transcript does not. *CER* is the character error rate of the
unbiased transcript against the reference text (normalised as the scorer normalises), over the distinct
recordings. Latency per entry is decode + recognition + scoring, in seconds; the real-time factor is
recognition time over audio time; CPU is process time (all threads) per second of audio, the figure to
compare on a shared machine.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from trainer.scoring import prompt_for, score_transcript
from trainer.speech.assess import RESCUE_GATE, STRATEGIES, assess
from trainer.speech.audio import AudioRejected, decode_upload
from trainer.speech.fixtures import Entry, cer, load_entries, load_manifest  # noqa: F401  (load_manifest: API)
from trainer.speech.recognizer import Recognizer

PROMPT_MODES = ("none", "rubric", *[s for s in STRATEGIES if s != "none"])
MAX_BYTES = 64 * 1024 * 1024
MAX_SECONDS = 600.0


@dataclass
class ClipResult:
    file: str
    spec: str
    text: str
    label: bool
    transcript: str  # what was scored (after verification or the biased decode, when they changed it)
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
    heard: str = ""  # the unbiased transcript (what the CER is computed on)
    verified: list[str] = field(default_factory=list)  # items accepted by phrase verification
    decodes: int = 1

    @property
    def agrees(self) -> bool:
        return self.passed == self.label

    @property
    def forbidden_missed(self) -> list[str]:
        return [p for p in self.forbidden_expected if p not in self.forbidden_heard]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


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
        return [c.spec if c.spec.startswith(c.file) else c.file for c in self.clips if c.passed and not c.label]

    @property
    def false_fails(self) -> list[str]:
        return [c.spec if c.spec.startswith(c.file) else c.file for c in self.clips if c.label and not c.passed]

    @property
    def forbidden_missed(self) -> list[str]:
        return [f"{c.file}:{p}" for c in self.clips for p in c.forbidden_missed]

    @property
    def real_time_factor(self) -> float:
        audio = self.audio_seconds
        return sum(c.asr_seconds for c in self.clips) / audio if audio else 0.0

    @property
    def audio_seconds(self) -> float:
        return sum(c.audio_seconds for c in self.clips)

    def cer(self, clips: list[ClipResult] | None = None) -> float | None:
        """CER of the unbiased transcripts over the distinct recordings among ``clips`` (default: all)."""
        seen, pairs = set(), []
        for c in self.clips if clips is None else clips:
            if c.file not in seen and not c.error:
                seen.add(c.file)
                pairs.append((c.text, c.heard))
        return cer(pairs)

    def latency(self) -> tuple[float, float]:
        """(median, 95th percentile) of per-clip latency in seconds (nearest-rank p95)."""
        values = sorted(c.latency_seconds for c in self.clips)
        if not values:
            return 0.0, 0.0
        rank = max(1, -(-95 * len(values) // 100))  # ceil(0.95 n)
        return statistics.median(values), values[rank - 1]

    def by_transform(self) -> dict[str, dict]:
        """Per recording condition: entries, agreement, good answers passed, false passes, CER."""
        out = {}
        for name in sorted({c.transform or "-" for c in self.clips}):
            group = [c for c in self.clips if (c.transform or "-") == name]
            positives = [c for c in group if c.label]
            out[name] = {
                "clips": len(group), "agreed": sum(c.agrees for c in group),
                "positives_passed": sum(c.passed for c in positives), "positives": len(positives),
                "false_passes": sum(c.passed and not c.label for c in group),
                "cer": None if (v := self.cer(group)) is None else round(v, 4),
            }
        return out

    def summary(self) -> dict:
        median, p95 = self.latency()
        audio = self.audio_seconds
        positives = [c for c in self.clips if c.label]
        value = self.cer()
        return {
            "clips": len(self.clips),
            "agreement": round(self.agreement, 4),
            "agreed": sum(c.agrees for c in self.clips),
            "positives": len(positives),
            "positives_passed": sum(c.passed for c in positives),
            "good_pass_rate": _rate(sum(c.passed for c in positives), len(positives)),
            "negatives": sum(not c.label for c in self.clips),
            "false_passes": self.false_passes,
            "false_fails": self.false_fails,
            "forbidden_missed": self.forbidden_missed,
            "nothing_heard": [c.file for c in self.clips if c.nothing_heard],
            "cer": None if value is None else round(value, 4),
            "real_time_factor": round(self.real_time_factor, 4),
            "latency_median_s": round(median, 3),
            "latency_p95_s": round(p95, 3),
            "audio_seconds": round(audio, 3),
            "asr_seconds": round(sum(c.asr_seconds for c in self.clips), 3),
            "cpu_seconds_per_audio_second": round(self.cpu_seconds / audio, 4) if audio else 0.0,
            "verified": sum(len(c.verified) for c in self.clips),
            "second_decodes": sum(c.decodes > 1 for c in self.clips),
            "by_transform": self.by_transform(),
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

    def format_table(self, *, clips: bool = True) -> str:
        lines = [f"speech bench: {self.folder}  engine={self.engine} model={self.model} prompt={self.prompt_mode}"]
        if clips:
            lines.append(f"{'entry':<22} {'label':<5} {'got':<5} {'ok':<3} {'score':>5} {'sec':>5} {'asr':>6}  transcript")
        for c in self.clips if clips else []:
            got = "err" if c.error else ("pass" if c.passed else "fail")
            said = c.error or (f"({c.reason})" if c.nothing_heard else c.transcript)
            if c.verified:
                said += f"  [verified: {','.join(c.verified)}]"
            if c.forbidden_missed:
                said += f"  [missed forbidden: {','.join(c.forbidden_missed)}]"
            name = c.spec.replace(".wav", "") if c.spec.startswith(c.file) else c.file
            lines.append(
                f"{name:<22} {'pass' if c.label else 'fail':<5} {got:<5} {'✓' if c.agrees else '✗':<3}"
                f" {c.score:>5} {c.audio_seconds:>5.2f} {c.asr_seconds:>6.3f}  {said}"
            )
        s = self.summary()
        cer_text = "n/a" if s["cer"] is None else f"{s['cer']:.1%}"
        lines += [
            f"agreement {s['agreed']}/{s['clips']} ({s['agreement']:.1%})  good answers passed "
            f"{s['positives_passed']}/{s['positives']}  false passes {len(s['false_passes'])}/{s['negatives']}"
            f"  false fails {len(s['false_fails'])}/{s['positives']}  forbidden missed {len(s['forbidden_missed'])}",
            f"CER {cer_text}  real-time factor {s['real_time_factor']:.3f}  latency median {s['latency_median_s']:.3f} s"
            f"  p95 {s['latency_p95_s']:.3f} s  ({s['audio_seconds']:.1f} s of audio)"
            f"  CPU {s['cpu_seconds_per_audio_second']:.3f} s per audio s"
            f"  verified {s['verified']}  second decodes {s['second_decodes']}",
        ]
        if len(s["by_transform"]) > 1:
            lines.append("  by condition: " + "; ".join(
                f"{name} {t['agreed']}/{t['clips']}, good {t['positives_passed']}/{t['positives']}, false passes "
                f"{t['false_passes']}, CER {'n/a' if t['cer'] is None else format(t['cer'], '.1%')}"
                for name, t in s["by_transform"].items()))
        if s["false_passes"]:
            lines.append(f"FALSE PASSES: {', '.join(s['false_passes'])}")
        return "\n".join(lines)


def run_speech_bench(
    folder: Path,
    recognizer: Recognizer,
    *,
    prompt_mode: str = "verify+rescue",
    timer: Callable[[], float] = time.perf_counter,
    rescue_gate: float | None = RESCUE_GATE,
) -> BenchReport:
    """Recognise and score every entry of ``folder`` (see the module doc); one at a time, in manifest order."""
    if prompt_mode not in PROMPT_MODES:
        raise ValueError(f"prompt_mode must be one of {PROMPT_MODES}, not {prompt_mode!r}")
    folder = Path(folder)
    report = BenchReport(str(folder), recognizer.engine, recognizer.model, prompt_mode)
    cpu_started = time.process_time()
    for entry in load_entries(folder):
        rubric = entry.rubric
        expected_forbidden = [hit.phrase for hit in score_transcript(entry.text, rubric).forbidden]
        started = timer()
        try:
            audio = decode_upload((folder / entry.file).read_bytes(), max_bytes=MAX_BYTES, max_seconds=MAX_SECONDS)
        except AudioRejected as exc:
            report.clips.append(_rejected(entry, expected_forbidden, exc, timer() - started))
            continue
        verified, decodes = [], 1
        if prompt_mode in STRATEGIES:
            assessment = assess(audio, rubric, recognizer, strategy=prompt_mode, rescue_gate=rescue_gate)
            heard, result, asr_seconds = assessment.heard, assessment.result, assessment.asr_seconds
            verified = [*assessment.verified, *(f"forbidden {p}" for p in assessment.forbidden_verified)]
            decodes = assessment.passes
        else:
            prompt = prompt_for(rubric) if prompt_mode == "rubric" else None
            heard = recognizer.transcribe(audio, prompt=prompt)
            result = score_transcript(heard.text, rubric, audio_seconds=heard.audio_seconds)
            asr_seconds = heard.asr_seconds
        report.clips.append(
            ClipResult(
                file=entry.file, spec=entry.spec, text=entry.text, label=entry.label,
                transcript=result.transcript, nothing_heard=heard.nothing_heard, reason=heard.reason,
                passed=result.passed, score=result.score, forbidden_expected=expected_forbidden,
                forbidden_heard=[hit.phrase for hit in result.forbidden], audio_seconds=heard.audio_seconds,
                asr_seconds=round(asr_seconds, 4), latency_seconds=round(timer() - started, 4),
                transform=entry.transform, heard=heard.text, verified=verified, decodes=decodes,
            )
        )
    report.cpu_seconds = time.process_time() - cpu_started
    return report


def transcripts_fixture(folder: Path, plain: BenchReport, prompted: BenchReport) -> list[dict]:
    """Rows of ``tests/fixtures/voice/transcripts.json`` from a ``none`` and a ``rubric`` pass.

    Each row: the clip's ``file``, ``spec``, spoken ``text`` and label ``passed``, plus ``transform``, the
    ``prompt`` used and the two transcripts, so that scoring can be tested on real ASR output without a model.
    """
    plain_by_entry = {(c.file, c.spec): c.transcript for c in plain.clips}
    prompted_by_entry = {(c.file, c.spec): c.transcript for c in prompted.clips}
    return [
        {
            "file": entry.file,
            "spec": entry.spec,
            "text": entry.text,
            "passed": entry.label,
            "transcript": plain_by_entry[entry.file, entry.spec],
            "transcript_prompted": prompted_by_entry[entry.file, entry.spec],
            "transform": entry.transform,
            "prompt": prompt_for(entry.rubric),
        }
        for entry in load_entries(folder)
    ]


def _rejected(entry: Entry, expected_forbidden: list[str], exc: AudioRejected, elapsed: float) -> ClipResult:
    return ClipResult(
        file=entry.file, spec=entry.spec, text=entry.text, label=entry.label, transcript="", nothing_heard=True,
        reason=exc.code, passed=False, score=0, forbidden_expected=expected_forbidden, forbidden_heard=[],
        audio_seconds=0.0, asr_seconds=0.0, latency_seconds=round(elapsed, 4), transform=entry.transform,
        error=f"rejected: {exc.code}",
    )
