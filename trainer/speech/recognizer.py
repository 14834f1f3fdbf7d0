"""``AudioData`` in, ``Transcript`` out, behind a small protocol so tests can inject a fake.

Engines are in a registry (``ENGINES``); ``build_recognizer`` makes one per process and configuration and
caches it, and model weights are cached per process too (``recognize_faster_whisper`` in SpeechRecognition
reloads the model on every call, which costs about a second each time). Nothing here downloads: a model is
always a local folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import speech_recognition as sr

from trainer.speech.audio import TARGET_RATE, audio_seconds, audio_to_float32, float_to_audio_data
from trainer.speech.hallucination import check_transcript
from trainer.speech.model_store import ensure_whisper_base

# Beam 5 for both the unbiased decode and a biased re-decode (``Decoding.redecode``). With the trimmed encoder
# window (trainer.speech.window) greedy decoding lost characters: on voice/ + voice_human_dev/ (71 recordings)
# the unbiased decode alone agreed on 87/98 entries with CER 12.6 % greedy, 91/98 with CER 11.0 % at beam 5,
# for 0.104 vs 0.124 CPU s per audio s (benchmarks/window_floor.py; the 30 s window, greedy: 91/98, CER 11.1 %,
# 0.381). Greedy with the prompt lost push-off phrases (不知道, 不行就是不行, 下班了). Greedy/beam only, no
# sampling fallback: a trainee must get the same score for the same recording.
DEFAULT_BEAM_SIZE = 5
PROMPTED_BEAM_SIZE = 5
# One CTranslate2 thread per recognising process. On two cores, CTranslate2's own default (threads for every
# core) ran *slower* than one thread: voice_human_dev real-time factor 0.117 → 0.078, CPU per audio second
# 0.151 → 0.098, latency p95 1.15 → 0.67 s; voice/ 0.110 → 0.083 (same transcripts and verdicts): the threads
# wait for each other at every layer of a small model and take the core the web process needs. Several answers
# at once are served by batching and by one worker per core instead (docs/production.md).
DEFAULT_CPU_THREADS = 1
# Answers recognised at the same time in one process ("lanes"): each lane runs its share of a batch on one
# core (CTranslate2 ``inter_threads``: concurrent calls on shared weights), so a process that recognises for a
# whole class uses every core instead of one. ``ASR_PARALLEL`` 0 means: the available cores when the web
# process recognises (no Redis), one when ``trainer worker`` processes (one per core) do.
DEFAULT_LANES = 1


def lanes_for(wanted: int | str | None, *, one_process_per_core: bool = False) -> int:
    """Lanes of a recognising process: ``wanted`` when set (``ASR_PARALLEL`` > 0); otherwise every available
    core, or one where a process per core already uses them all (``trainer worker`` beside Redis)."""
    explicit = int(wanted or 0)
    if explicit > 0:
        return explicit
    return 1 if one_process_per_core else available_cores()


def available_cores() -> int:
    """CPUs this process may run on (its affinity, not the machine's count)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Transcript:
    """One recognition result.

    ``text`` is Simplified Chinese, "" when ``nothing_heard``; ``reason`` then says why (see
    ``hallucination.REASONS``). ``raw`` is the engine's own output before cleaning, for the log.
    ``audio_seconds`` is the recording's length, ``asr_seconds`` the wall time spent recognising it,
    ``speech_seconds`` the part the voice-activity detector kept (None when the engine has no VAD): the
    speaking rate uses it, so the silence before and after an answer recorded in the page is not counted.
    """

    text: str
    nothing_heard: bool
    reason: str | None
    engine: str
    model: str
    audio_seconds: float
    asr_seconds: float
    raw: str = ""
    speech_seconds: float | None = None

    @property
    def rate_seconds(self) -> float:
        return self.speech_seconds if self.speech_seconds else self.audio_seconds

    def to_dict(self) -> dict:
        return asdict(self)


@runtime_checkable
class Recognizer(Protocol):
    engine: str
    model: str

    def transcribe(self, audio: sr.AudioData, *, prompt: str | None = None) -> Transcript: ...


@runtime_checkable
class Decoding(Protocol):
    """One answer recognised by an engine that keeps its encoder output (faster-whisper): the unbiased
    ``transcript``, ``raw`` (the engine's own text), and the follow-ups that reuse the encoder output.
    ``log_likelihoods`` returns None when the engine cannot force-score (no speech), ``continuations`` (what
    the engine says follows each forced start of the transcript) None when it cannot decode them."""

    transcript: Transcript
    raw: str

    def log_likelihoods(self, texts: list[str]) -> list[float] | None: ...

    def continuations(self, prefixes: list[str]) -> list[str] | None: ...

    def redecode(self, prompt: str) -> Transcript: ...


class RecognizerError(RuntimeError):
    """The engine cannot run: model folder missing, optional package not installed."""


@lru_cache(maxsize=4)
def opencc_converter(profile: str):
    """An OpenCC converter, built once per process and profile (building one reads its dictionaries)."""
    import opencc

    return opencc.OpenCC(profile)


def to_simplified(text: str) -> str:
    """Traditional → Simplified, character by character (OpenCC ``tw2s``).

    ``tw2s`` rather than plain ``t2s``: Whisper's Traditional output uses Taiwan forms, and ``t2s`` leaves
    著 in 别著急/等著 (著 is also a Simplified character) where ``tw2s`` gives 着, while keeping 著名.
    Simplified input is returned unchanged.
    """
    return opencc_converter("tw2s").convert(text)


def _finish(
    segments: list[str], *, prompt, speech_seconds, engine, model, seconds, started
) -> Transcript:
    return finish_transcript(segments, prompt=prompt, speech_seconds=speech_seconds, engine=engine, model=model,
                             seconds=seconds, asr_seconds=time.perf_counter() - started)


def finish_transcript(
    segments: list[str], *, prompt, speech_seconds, engine, model, seconds, asr_seconds
) -> Transcript:
    """An engine's raw segments → :class:`Transcript`: Simplified, hallucinations turned into "nothing heard"."""
    simplified = [to_simplified(s) for s in segments]
    verdict = check_transcript(simplified, prompt=prompt, speech_seconds=speech_seconds)
    return Transcript(
        text=verdict.text,
        nothing_heard=verdict.nothing_heard,
        reason=verdict.reason,
        engine=engine,
        model=model,
        audio_seconds=round(seconds, 3),
        asr_seconds=round(asr_seconds, 3),
        raw="".join(segments),
        speech_seconds=round(speech_seconds, 3) if speech_seconds else None,
    )


# ---------------------------------------------------------------- faster-whisper
_whisper_models: dict[tuple, Any] = {}
_whisper_lock = threading.Lock()
load_seconds: dict[tuple, float] = {}  # how long each cached model took to load, for the bench


def load_whisper_model(path: Path, device: str = "cpu", compute_type: str = "int8",
                       cpu_threads: int = DEFAULT_CPU_THREADS, lanes: int = DEFAULT_LANES):
    """The ``WhisperModel`` for a local CTranslate2 folder, loaded once per process and configuration."""
    path = Path(path).resolve()
    if not (path / "model.bin").is_file():
        # WhisperModel treats a string that is not a folder as a model *name* and downloads it.
        raise RecognizerError(f"no CTranslate2 Whisper model (model.bin) in {path}")
    key = (str(path), device, compute_type, int(cpu_threads), int(lanes))
    model = _whisper_models.get(key)
    if model is not None:
        return model
    with _whisper_lock:
        model = _whisper_models.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            started = time.perf_counter()
            model = WhisperModel(
                str(path),
                device=device,
                compute_type=compute_type,
                cpu_threads=int(cpu_threads),
                num_workers=max(1, int(lanes)),  # CTranslate2 inter_threads: this many calls run at once
                local_files_only=True,
            )
            load_seconds[key] = time.perf_counter() - started
            _whisper_models[key] = model
    return model


def __getattr__(name: str):
    # The faster-whisper recognizer lives in trainer.speech.whisper (it imports this module).
    if name == "FasterWhisperRecognizer":
        from trainer.speech.whisper import FasterWhisperRecognizer

        return FasterWhisperRecognizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------- vosk (optional extra)
_vosk_models: dict[str, Any] = {}
_vosk_lock = threading.Lock()
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


class VoskRecognizer:
    """Kaldi models through ``vosk`` (``pip install trainer[vosk]``); the prompt is ignored."""

    engine = "vosk"

    def __init__(self, model_path: Path):
        try:
            import vosk
        except ImportError as exc:
            raise RecognizerError("engine 'vosk' needs the optional package: pip install 'trainer[vosk]'") from exc
        self.model_path = Path(model_path)
        if not self.model_path.is_dir():
            raise RecognizerError(f"no vosk model folder at {self.model_path}")
        self.model = self.model_path.name
        self._vosk = vosk
        key = str(self.model_path.resolve())
        with _vosk_lock:
            if key not in _vosk_models:
                vosk.SetLogLevel(-1)
                _vosk_models[key] = vosk.Model(key)
        self._model = _vosk_models[key]

    def transcribe(self, audio: sr.AudioData, *, prompt: str | None = None) -> Transcript:
        started = time.perf_counter()
        pcm = float_to_audio_data(audio_to_float32(audio, TARGET_RATE), TARGET_RATE).frame_data
        rec = self._vosk.KaldiRecognizer(self._model, TARGET_RATE)
        rec.AcceptWaveform(pcm)
        text = _CJK_SPACE.sub("", json.loads(rec.FinalResult()).get("text", ""))
        return _finish(
            [text] if text else [],
            prompt=None,  # vosk cannot echo a prompt it never saw
            speech_seconds=None,
            engine=self.engine,
            model=self.model,
            seconds=audio_seconds(audio),
            started=started,
        )


# ---------------------------------------------------------------- fake (tests)
def audio_fingerprint(audio: sr.AudioData) -> str:
    """A short stable key for a recording's samples (what ``FakeRecognizer`` mappings are keyed by)."""
    return hashlib.sha256(audio.frame_data).hexdigest()[:16]


class FakeRecognizer:
    """Returns canned text, cleaned exactly as a real engine's output is.

    ``responses`` is a string (every call), a mapping from :func:`audio_fingerprint` to text (key ``"*"``
    is the default; an unknown recording is "nothing heard"), or a callable ``(audio, prompt) -> str``.
    ``likelihoods``, when given, is a callable ``(audio, texts) -> [float, …]`` that stands in for Whisper's
    force-scoring, so phrase verification can be tested; without it the fake cannot verify. ``continuations``,
    a callable ``(audio, prefix) -> str``, stands in for Whisper's continuation of a forced prefix.
    ``calls`` records ``(fingerprint, prompt)`` for assertions, ``batches`` the size of every
    :meth:`recognize_batch` and ``rebatches`` of every :meth:`redecode_batch`.
    """

    engine = "fake"

    def __init__(self, responses: str | Mapping[str, str] | Callable[..., str] = "", model: str = "fake",
                 likelihoods: Callable[..., list[float]] | None = None,
                 continuations: Callable[..., str] | None = None):
        self.responses = responses
        self.model = model
        self.likelihoods = likelihoods
        self.continuations = continuations
        self.calls: list[tuple[str, str | None]] = []
        self.batches: list[int] = []
        self.rebatches: list[int] = []

    def transcribe(self, audio: sr.AudioData, *, prompt: str | None = None) -> Transcript:
        started = time.perf_counter()
        key = audio_fingerprint(audio)
        self.calls.append((key, prompt))
        if callable(self.responses):
            text = self.responses(audio, prompt)
        elif isinstance(self.responses, str):
            text = self.responses
        else:
            text = self.responses.get(key, self.responses.get("*", ""))
        seconds = audio_seconds(audio)
        return _finish(
            [text] if text else [],
            prompt=prompt,
            speech_seconds=seconds,
            engine=self.engine,
            model=self.model,
            seconds=seconds,
            started=started,
        )

    def recognize_batch(self, audios: list[sr.AudioData]) -> list[FakeDecoding]:
        self.batches.append(len(audios))
        return [FakeDecoding(self, audio, self.transcribe(audio)) for audio in audios]

    def redecode_batch(self, decodings: list[FakeDecoding], prompts: list[str]) -> list[Transcript]:
        self.rebatches.append(len(decodings))
        return [self.transcribe(d.audio, prompt=prompt) for d, prompt in zip(decodings, prompts, strict=True)]


class FakeDecoding:
    """:class:`Decoding` for :class:`FakeRecognizer`: ``raw`` is the canned text."""

    def __init__(self, recognizer: FakeRecognizer, audio: sr.AudioData, transcript: Transcript):
        self.recognizer, self.audio, self.transcript = recognizer, audio, transcript
        self.raw = transcript.raw

    def log_likelihoods(self, texts: list[str]) -> list[float] | None:
        if self.recognizer.likelihoods is None or self.transcript.nothing_heard:
            return None
        return list(self.recognizer.likelihoods(self.audio, texts))

    def continuations(self, prefixes: list[str]) -> list[str] | None:
        if self.recognizer.continuations is None or self.transcript.nothing_heard:
            return None
        return [self.recognizer.continuations(self.audio, prefix) for prefix in prefixes]

    def redecode(self, prompt: str) -> Transcript:
        return self.recognizer.transcribe(self.audio, prompt=prompt)


# ---------------------------------------------------------------- registry
def _build_faster_whisper(model: str | None, models_dir: Path, **opts) -> Recognizer:
    from trainer.speech.whisper import FasterWhisperRecognizer

    path = Path(model) if model else ensure_whisper_base(models_dir)
    return FasterWhisperRecognizer(path, **opts)


def _build_vosk(model: str | None, models_dir: Path, **opts) -> Recognizer:
    if not model:
        raise RecognizerError("engine 'vosk' needs a model folder (TRAINER_ASR_MODEL)")
    return VoskRecognizer(Path(model))


def _build_fake(model: str | None, models_dir: Path, **opts) -> Recognizer:
    """``model`` may name a JSON file ``{fingerprint: text, "*": default}``; or pass ``responses=``."""
    if "responses" in opts:
        return FakeRecognizer(opts["responses"])
    if model and Path(model).is_file():
        return FakeRecognizer(json.loads(Path(model).read_text(encoding="utf-8")), model=Path(model).name)
    return FakeRecognizer(model or "")


ENGINES: dict[str, Callable[..., Recognizer]] = {
    "faster-whisper": _build_faster_whisper,
    "vosk": _build_vosk,
    "fake": _build_fake,
}
_recognizers: dict[tuple, Recognizer] = {}
_build_lock = threading.Lock()


def build_recognizer(engine: str, model: str | None, models_dir: Path, **opts) -> Recognizer:
    """The recognizer for ``engine`` (a key of ``ENGINES``), built once per process and configuration.

    ``model`` is a model folder (``None``: the engine's default; for faster-whisper, Whisper base assembled
    into ``models_dir``). ``opts`` go to the engine (faster-whisper: device, compute_type, cpu_threads, lanes,
    beam_size). Raises ``RecognizerError`` for an unknown engine or a missing model.
    """
    try:
        factory = ENGINES[engine]
    except KeyError:
        raise RecognizerError(f"unknown ASR engine {engine!r}; choose one of {', '.join(ENGINES)}") from None
    try:
        key = (engine, str(model) if model else None, str(Path(models_dir).resolve()), tuple(sorted(opts.items())))
        hash(key)
    except TypeError:  # unhashable options (a fake's mapping): build a fresh one
        return factory(model, Path(models_dir), **opts)
    with _build_lock:
        if key not in _recognizers:
            _recognizers[key] = factory(model, Path(models_dir), **opts)
        return _recognizers[key]


def clear_caches() -> None:
    """Forget built recognizers and loaded models (tests)."""
    with _build_lock, _whisper_lock, _vosk_lock:
        _recognizers.clear()
        _whisper_models.clear()
        _vosk_models.clear()
        load_seconds.clear()
