"""Uploaded WAV bytes → 16 kHz mono 16-bit ``AudioData``, with the checks an upload needs.

Pure Python + numpy: the browser records WAV, so the server needs no ffmpeg. Accepted: RIFF/WAVE with PCM
8/16/24/32-bit integer or 32/64-bit float samples (including WAVE_FORMAT_EXTENSIBLE), any sample rate and
channel count. Everything else is :class:`AudioRejected` with a code, a message for the trainee (Chinese)
and a detail for the log.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

import numpy as np
import speech_recognition as sr

TARGET_RATE = 16_000
# A recording whose loudest sample stays below this is treated as silence (no microphone, muted input).
# Speech fixtures peak near -3 dBFS and a 30 dB quieter copy is still transcribed, so the margin is wide.
SILENCE_PEAK_DBFS = -50.0
SILENCE_RMS_DBFS = -65.0
MIN_SECONDS = 0.2

_PCM = 0x0001
_FLOAT = 0x0003
_EXTENSIBLE = 0xFFFE


class AudioRejected(ValueError):
    """The upload is not usable. ``code`` is stable for programs, ``message_zh`` is shown to the trainee."""

    def __init__(self, code: str, message_zh: str, detail: str = ""):
        super().__init__(f"{code}: {detail or message_zh}")
        self.code = code
        self.message_zh = message_zh
        self.detail = detail


@dataclass(frozen=True)
class AudioLevel:
    """Loudness of a recording. dBFS: 0 is full scale; ``-inf`` for digital silence."""

    rms_dbfs: float
    peak_dbfs: float
    seconds: float

    @property
    def silent(self) -> bool:
        return self.peak_dbfs < SILENCE_PEAK_DBFS or self.rms_dbfs < SILENCE_RMS_DBFS

    def to_dict(self) -> dict:
        return {"rms_dbfs": _round(self.rms_dbfs), "peak_dbfs": _round(self.peak_dbfs), "seconds": self.seconds}


def _round(value: float) -> float | None:
    return None if math.isinf(value) else round(value, 1)


def _dbfs(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf


def decode_upload(data: bytes, *, max_bytes: int, max_seconds: float) -> sr.AudioData:
    """Decode a WAV upload to 16 kHz mono 16-bit ``AudioData``.

    Raises :class:`AudioRejected` with code ``too_large`` (more than ``max_bytes``), ``undecodable`` (not a
    WAV this module reads), ``too_long`` (more than ``max_seconds`` of audio), ``too_short`` (under 0.2 s) or
    ``silent`` (peak under -50 dBFS or RMS under -65 dBFS: nothing was recorded).
    """
    _check_size(data, max_bytes)
    samples, rate = read_wav(data)
    seconds = samples.shape[0] / rate
    if seconds > max_seconds:
        raise AudioRejected(
            "too_long", f"录音超过 {max_seconds:g} 秒,请在时限内作答。", f"{seconds:.1f} s > {max_seconds:g} s"
        )
    if seconds < MIN_SECONDS:
        raise AudioRejected("too_short", "录音太短,请按住按钮完整作答。", f"{seconds:.2f} s")
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    mono = resample(mono, rate, TARGET_RATE)
    audio = float_to_audio_data(mono, TARGET_RATE)
    level = measure_level(audio)
    if level.silent:
        raise AudioRejected(
            "silent",
            "没有录到声音,请检查麦克风后重试。",
            f"peak {level.peak_dbfs:.1f} dBFS, rms {level.rms_dbfs:.1f} dBFS",
        )
    return audio


def check_upload(data: bytes, *, max_bytes: int) -> None:
    """The cheap checks an upload gets before it is stored: size, and a WAV this module can read.
    Raises :class:`AudioRejected` (``too_large`` or ``undecodable``); loudness and length wait for scoring."""
    _check_size(data, max_bytes)
    read_wav(data)


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise AudioRejected(
            "too_large",
            f"录音文件过大(超过 {max_bytes // 1024} KB),请缩短后重试。",
            f"{len(data)} bytes > {max_bytes}",
        )


def read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """Parse RIFF/WAVE bytes into float32 samples in [-1, 1], shape (frames, channels), and the rate."""

    def bad(detail: str) -> AudioRejected:
        return AudioRejected("undecodable", "无法识别的录音格式,请上传 WAV 录音。", detail)

    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise bad("not a RIFF/WAVE file")
    fmt = None
    payload = None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id, size = struct.unpack_from("<4sI", data, pos)
        body = pos + 8
        if chunk_id == b"fmt ":
            if size < 16 or body + size > len(data):
                raise bad("short fmt chunk")
            tag, channels, rate, _byte_rate, block_align, bits = struct.unpack_from("<HHIIHH", data, body)
            if tag == _EXTENSIBLE and size >= 40:
                tag = struct.unpack_from("<H", data, body + 24)[0]  # first two bytes of the SubFormat GUID
            fmt = (tag, channels, rate, block_align, bits)
        elif chunk_id == b"data":
            # Streaming recorders leave the size as 0 or 0xFFFFFFFF: take what is there.
            end = len(data) if size in (0, 0xFFFFFFFF) else min(len(data), body + size)
            payload = data[body:end]
            break
        pos = body + size + (size & 1)
    if fmt is None or payload is None:
        raise bad("missing fmt or data chunk")
    tag, channels, rate, block_align, bits = fmt
    if channels < 1 or rate < 1000 or rate > 384_000:
        raise bad(f"channels={channels} rate={rate}")
    width = bits // 8
    # A zero width or block align would divide by zero below (a crafted header, not a recorder's file).
    if width < 1 or bits % 8 or block_align != width * channels:
        raise bad(f"bits={bits} block_align={block_align}")
    usable = len(payload) - len(payload) % block_align
    raw = payload[:usable]
    if tag == _PCM and width == 1:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif tag == _PCM and width == 2:
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif tag == _PCM and width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        samples = ints.astype(np.float32) / float(1 << 23)
    elif tag == _PCM and width == 4:
        samples = (np.frombuffer(raw, dtype="<i4").astype(np.float64) / float(1 << 31)).astype(np.float32)
    elif tag == _FLOAT and width in (4, 8):
        samples = np.frombuffer(raw, dtype="<f4" if width == 4 else "<f8").astype(np.float32)
        samples = np.nan_to_num(np.clip(samples, -1.0, 1.0))
    else:
        raise bad(f"format tag {tag:#06x} with {bits}-bit samples")
    return samples.reshape(-1, channels), rate


def resample(samples: np.ndarray, rate: int, target: int = TARGET_RATE) -> np.ndarray:
    """Band-limited resampling of a 1-D float signal by FFT (what ``scipy.signal.resample`` does).

    Cutting the spectrum at the new Nyquist frequency is the anti-aliasing filter; fine for speech clips of
    at most a few minutes.
    """
    if rate == target or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    n_out = max(1, round(samples.size * target / rate))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    keep = n_out // 2 + 1
    if spectrum.size > keep:
        spectrum = spectrum[:keep]
    out = np.fft.irfft(spectrum, n=n_out) * (n_out / samples.size)
    return out.astype(np.float32)


def float_to_audio_data(samples: np.ndarray, rate: int) -> sr.AudioData:
    # ×32768 (not 32767) so that 16-bit input read as int/32768 comes back bit-exact.
    ints = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2")
    return sr.AudioData(ints.tobytes(), rate, 2)


def audio_to_float32(audio: sr.AudioData, rate: int = TARGET_RATE) -> np.ndarray:
    """Samples of an ``AudioData`` as mono float32 in [-1, 1] at ``rate`` (what Whisper wants)."""
    width = audio.sample_width
    raw = audio.frame_data[: len(audio.frame_data) - len(audio.frame_data) % width]
    if width == 1:
        # AudioData keeps 8-bit audio signed (it biases to unsigned only when writing WAV).
        samples = np.frombuffer(raw, dtype=np.int8).astype(np.float32) / 128.0
    elif width == 2:
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        samples = np.where(ints >= 1 << 23, ints - (1 << 24), ints).astype(np.float32) / float(1 << 23)
    elif width == 4:
        samples = (np.frombuffer(raw, dtype="<i4").astype(np.float64) / float(1 << 31)).astype(np.float32)
    else:
        raise ValueError(f"unsupported sample width {width}")
    return resample(samples, audio.sample_rate, rate)


def audio_seconds(audio: sr.AudioData) -> float:
    return len(audio.frame_data) / (audio.sample_rate * audio.sample_width)


def measure_level(audio: sr.AudioData) -> AudioLevel:
    """RMS and peak level of the whole recording, in dBFS."""
    samples = audio_to_float32(audio, audio.sample_rate)
    if samples.size == 0:
        return AudioLevel(-math.inf, -math.inf, 0.0)
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    peak = float(np.max(np.abs(samples)))
    return AudioLevel(_dbfs(rms), _dbfs(peak), round(samples.size / audio.sample_rate, 3))
