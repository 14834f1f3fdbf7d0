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
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import speech_recognition as sr

from trainer.speech.audio import TARGET_RATE, audio_seconds, audio_to_float32, float_to_audio_data
from trainer.speech.hallucination import check_transcript
from trainer.speech.model_store import ensure_whisper_base

# Unprompted decodes are greedy (beam 1), prompted ones use beam 5. Measured with the two-pass assessment
# (trainer.speech.assess) on the shared set (44 clips) and our held-out set (61): greedy-then-beam-5 gives
# the same agreement as beam 5 for both passes (44/44, 58/61, no false pass) at ~12 % less CPU
# (RTF 0.288 vs 0.328). Greedy is not used with the prompt: there it lost three push-off phrases
# (不知道, 不行就是不行, 下班了) where beam 5 lost one.
DEFAULT_BEAM_SIZE = 1
PROMPTED_BEAM_SIZE = 5
# Greedy/beam decoding only, no sampling fallback: Whisper's default retries at temperatures 0.2…1.0 when a
# short clip decodes with low confidence, which makes the transcript (and so the score) differ from run to
# run on the same recording and can take 5–10 s. A trainee must get the same score for the same answer.
DEFAULT_TEMPERATURES: tuple[float, ...] = (0.0,)


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


class RecognizerError(RuntimeError):
    """The engine cannot run: model folder missing, optional package not installed."""


_opencc = None
_opencc_lock = threading.Lock()


def to_simplified(text: str) -> str:
    """Traditional → Simplified, character by character (OpenCC ``tw2s``).

    ``tw2s`` rather than plain ``t2s``: Whisper's Traditional output uses Taiwan forms, and ``t2s`` leaves
    著 in 别著急/等著 (著 is also a Simplified character) where ``tw2s`` gives 着, while keeping 著名.
    Simplified input is returned unchanged.
    """
    global _opencc
    if _opencc is None:
        with _opencc_lock:
            if _opencc is None:
                import opencc

                _opencc = opencc.OpenCC("tw2s")
    return _opencc.convert(text)


def _finish(
    segments: list[str], *, prompt, speech_seconds, engine, model, seconds, started
) -> Transcript:
    simplified = [to_simplified(s) for s in segments]
    verdict = check_transcript(simplified, prompt=prompt, speech_seconds=speech_seconds)
    return Transcript(
        text=verdict.text,
        nothing_heard=verdict.nothing_heard,
        reason=verdict.reason,
        engine=engine,
        model=model,
        audio_seconds=round(seconds, 3),
        asr_seconds=round(time.perf_counter() - started, 3),
        raw="".join(segments),
        speech_seconds=round(speech_seconds, 3) if speech_seconds else None,
    )


# ---------------------------------------------------------------- faster-whisper
_whisper_models: dict[tuple, Any] = {}
_whisper_lock = threading.Lock()
load_seconds: dict[tuple, float] = {}  # how long each cached model took to load, for the bench


def load_whisper_model(path: Path, device: str = "cpu", compute_type: str = "int8", cpu_threads: int = 0):
    """The ``WhisperModel`` for a local CTranslate2 folder, loaded once per process and configuration."""
    path = Path(path).resolve()
    if not (path / "model.bin").is_file():
        # WhisperModel treats a string that is not a folder as a model *name* and downloads it.
        raise RecognizerError(f"no CTranslate2 Whisper model (model.bin) in {path}")
    key = (str(path), device, compute_type, int(cpu_threads))
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
                local_files_only=True,
            )
            load_seconds[key] = time.perf_counter() - started
            _whisper_models[key] = model
    return model


class FasterWhisperRecognizer:
    """Whisper through CTranslate2: Chinese, VAD on, no conditioning on previous text."""

    engine = "faster-whisper"

    def __init__(
        self,
        model_path: Path,
        device: str = "cpu",
        compute_type: str = "int8",
        cpu_threads: int = 0,
        beam_size: int = DEFAULT_BEAM_SIZE,
        temperatures: tuple[float, ...] = DEFAULT_TEMPERATURES,
        prompted_beam_size: int = PROMPTED_BEAM_SIZE,
    ):
        self.model_path = Path(model_path)
        self.model = self.model_path.name
        self.beam_size = int(beam_size)
        self.prompted_beam_size = int(prompted_beam_size)
        self.temperatures = tuple(temperatures)
        self._model = load_whisper_model(self.model_path, device, compute_type, cpu_threads)

    def transcribe(self, audio: sr.AudioData, *, prompt: str | None = None) -> Transcript:
        started = time.perf_counter()
        samples = audio_to_float32(audio, TARGET_RATE)
        segments, info = self._model.transcribe(
            samples,
            language="zh",
            beam_size=self.prompted_beam_size if prompt else self.beam_size,
            temperature=list(self.temperatures),
            vad_filter=True,
            condition_on_previous_text=False,
            initial_prompt=prompt or None,
            without_timestamps=True,
        )
        texts = [s.text for s in segments]  # the generator does the decoding: consume it inside the timer
        return _finish(
            texts,
            prompt=prompt,
            speech_seconds=info.duration_after_vad,
            engine=self.engine,
            model=self.model,
            seconds=samples.size / TARGET_RATE,
            started=started,
        )


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
    ``calls`` records ``(fingerprint, prompt)`` for assertions.
    """

    engine = "fake"

    def __init__(self, responses: str | Mapping[str, str] | Callable[..., str] = "", model: str = "fake"):
        self.responses = responses
        self.model = model
        self.calls: list[tuple[str, str | None]] = []

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


# ---------------------------------------------------------------- registry
def _build_faster_whisper(model: str | None, models_dir: Path, **opts) -> Recognizer:
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
    into ``models_dir``). ``opts`` go to the engine (faster-whisper: device, compute_type, cpu_threads,
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
