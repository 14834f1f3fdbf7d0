"""The customer's voice: each line rendered once by pyttsx3 to a cached WAV.

On Linux pyttsx3 drives espeak-ng, whose Mandarin voice is ``sit/cmn`` (languages ``['cmn']``); on Windows
it is SAPI5 with whatever Chinese voice is installed. The voice is found by language, not by a fixed id.
A file is named by the SHA-1 of text and voice, so changing either renders a new file and an old one is
never served for new text. Rendering writes a temporary name and renames it into place; a lock makes one
thread render at a time (the espeak driver keeps global state). A scenario may ship a recorded file under
``static/audio/`` instead: :func:`recorded_file` finds it.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import logging
import os
import threading
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

CHINESE_LANGUAGES = ("cmn", "zh", "zh-cn", "zh_cn", "cmn-cn", "yue")
MIN_WAV_BYTES = 1000  # a header and a few milliseconds: less means the engine produced nothing

_lock = threading.Lock()
_engine = None  # pyttsx3 keeps engines in a weak dict: hold a strong reference for the process
_voices: dict[str | None, str] = {}
_failure: str | None = None


class TtsUnavailable(RuntimeError):
    """No speech engine or no Chinese voice on this machine; pages show the text instead."""


def _languages(voice) -> list[str]:
    out = []
    for language in getattr(voice, "languages", None) or []:
        if isinstance(language, bytes):
            language = language.decode("utf-8", "ignore")
        out.append(str(language).strip("\x00\x05 ").lower())
    return out


def choose_voice(voices, preferred: str | None = None) -> str | None:
    """The id of ``preferred`` if present, else the first voice speaking Mandarin (exact language code
    first, then any code starting with cmn/zh, then a name mentioning Chinese). ``None`` if there is none."""
    voices = list(voices)
    if preferred:
        return next((v.id for v in voices if v.id == preferred), None)
    for test in (
        lambda v: any(lang in CHINESE_LANGUAGES for lang in _languages(v)),
        lambda v: any(lang.startswith(("cmn", "zh")) for lang in _languages(v)),
        lambda v: "chinese" in (v.name or "").lower() or "中文" in (v.name or ""),
    ):
        found = next((v for v in voices if test(v)), None)
        if found is not None:
            return found.id
    return None


def _get_engine():
    global _engine, _failure
    if _engine is None:
        if _failure:
            raise TtsUnavailable(_failure)
        try:
            import pyttsx3

            _engine = pyttsx3.init()
        except Exception as exc:  # missing driver library (libespeak-ng), no SAPI5, …
            _failure = f"pyttsx3 could not start: {type(exc).__name__}: {exc}"
            log.warning(_failure)
            raise TtsUnavailable(_failure) from exc
    return _engine


def voice_id(preferred: str | None = None) -> str:
    """The voice used for customer lines; raises :class:`TtsUnavailable`."""
    if preferred in _voices:
        return _voices[preferred]
    with _lock:
        engine = _get_engine()
        found = choose_voice(engine.getProperty("voices"), preferred)
        if found is None:
            raise TtsUnavailable(f"no Chinese voice (preferred {preferred!r}) among the pyttsx3 voices")
        _voices[preferred] = found
        return found


def cache_path(cache_dir: str | Path, text: str, voice: str) -> Path:
    digest = hashlib.sha1(f"{text}\x00{voice}".encode()).hexdigest()
    return Path(cache_dir) / f"{digest}.wav"


def render(text: str, cache_dir: str | Path, preferred: str | None = None) -> Path:
    """The cached WAV of ``text`` (rendering it on first use). Raises :class:`TtsUnavailable`."""
    text = (text or "").strip()
    if not text:
        raise TtsUnavailable("empty text")
    voice = voice_id(preferred)
    final = cache_path(cache_dir, text, voice)
    if final.is_file():
        return final
    with _lock:
        if final.is_file():  # another thread rendered it while we waited
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(f".{final.stem}.{uuid.uuid4().hex[:8]}.tmp.wav")
        try:
            engine = _get_engine()
            engine.setProperty("voice", voice)
            engine.setProperty("rate", 160)  # words a minute: espeak's 200 is too fast for Mandarin
            # pyttsx3's espeak driver now and then ends its loop without writing the file (seen once in
            # many runs, not reproduced): one more try costs a fraction of a second.
            for _try in range(2):
                # The espeak driver prints "Audio saved to …" for every file.
                with contextlib.redirect_stdout(io.StringIO()):
                    engine.save_to_file(text, str(temp))
                    engine.runAndWait()
                if temp.is_file() and temp.stat().st_size >= MIN_WAV_BYTES:
                    break
                log.warning("pyttsx3 wrote no audio for %r; trying again", text[:20])
            else:
                raise TtsUnavailable(f"pyttsx3 produced no audio for {text[:20]!r}")
            os.replace(temp, final)
        except TtsUnavailable:
            raise
        except Exception as exc:
            raise TtsUnavailable(f"pyttsx3 failed: {type(exc).__name__}: {exc}") from exc
        finally:
            temp.unlink(missing_ok=True)
    return final


def recorded_file(static_dir: str | Path, audio: str | None) -> str | None:
    """``audio`` of a turn ("audio/x.mp3" or "static/audio/x.mp3") as a path relative to ``static_dir``,
    if that file exists under ``static/audio/``; ``None`` otherwise (then TTS speaks the line)."""
    if not audio:
        return None
    relative = audio.strip().lstrip("/").removeprefix("static/")
    root = (Path(static_dir) / "audio").resolve()
    path = (Path(static_dir) / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path.relative_to(Path(static_dir).resolve()).as_posix()


def reset() -> None:
    """Forget the engine state (tests, and at exit: pyttsx3's finaliser fails if it runs after the
    interpreter has started tearing modules down)."""
    global _engine, _failure
    with _lock:
        _engine, _failure = None, None
        _voices.clear()


atexit.register(reset)
