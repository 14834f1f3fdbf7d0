"""What the encoder sees of one answer: the level-normalised speech, in a window trimmed to its length.

Pure numpy, no model. Whisper was trained on 30-second windows and faster-whisper pads every clip to one,
so a 3-second answer used to pay for 30 seconds of encoder. CTranslate2 encodes any shorter window, and the
encoder's cost falls with it (a 3.1 s clip: 3000 frames 1.16 s, 1000 frames 0.28 s on 2 cores), but Whisper
transcribes worse when the window hugs the speech (600 frames for that clip lost its last words). So the
window is the speech after VAD plus a tail of padding, never under a floor, rounded up to a *bucket*:

* the floor and the tail are chosen by measurement (README, "Measured figures"; ``trainer bench speech``);
* buckets make the window a function of the answer alone. Answers waiting together are encoded as one
  batch, and the batch needs one window length: with buckets, only answers of the same bucket share a
  batch, so a trainee's answer is encoded the same way whoever else is waiting (the same score for the same
  recording).

Level normalisation: quiet recordings (AISHELL-3's -36 to -38 dBFS) are raised so that their speech sits at
``TARGET_LEVEL_DBFS``. Whisper's log-mel features are normalised to their own maximum only partly (the
offset is absolute), and Silero VAD misses quiet onsets, so a quiet answer is worth raising before both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16_000
HOP = 160  # samples per mel frame (10 ms)
MAX_FRAMES = 3000  # Whisper's 30-second window: the most the encoder takes
FRAME_STEP = 100  # bucket granularity above the floor: 1 s

# Level normalisation: the loud part of the answer (the 90th percentile of 20 ms frame RMS) is brought to
# this level, raised by at most MAX_GAIN_DB and never so far that the peak would clip.
TARGET_LEVEL_DBFS = -20.0
MAX_GAIN_DB = 30.0
PEAK_CEILING = 0.97
LEVEL_FRAME = 320
LEVEL_PERCENTILE = 90


@dataclass(frozen=True)
class WindowPolicy:
    """``floor_frames``: the shortest window (10 ms frames); ``tail_frames``: padding kept after the last
    speech; ``step_frames``: bucket size above the floor; ``level``: raise quiet recordings first
    (:func:`normalize_level`). Defaults: see ``DEFAULT_POLICY``."""

    floor_frames: int
    tail_frames: int
    step_frames: int = FRAME_STEP
    level: bool = True

    def frames_for(self, samples: int) -> int:
        """The window (mel frames) for ``samples`` of VAD-trimmed speech: speech + tail, at least the floor,
        rounded up to a bucket, at most 30 s. A clip longer than 30 s is cut to its first 30 s of speech
        (uploads are limited far below that)."""
        needed = math.ceil(samples / HOP) + self.tail_frames
        if needed <= self.floor_frames:
            return min(self.floor_frames, MAX_FRAMES)
        over = needed - self.floor_frames
        return min(MAX_FRAMES, self.floor_frames + math.ceil(over / self.step_frames) * self.step_frames)


# Chosen on voice/ and voice_human_dev/ (README, "Measured figures"): see trainer.speech.whisper.
DEFAULT_POLICY = WindowPolicy(floor_frames=1000, tail_frames=200)


def speech_level_dbfs(samples: np.ndarray) -> float:
    """The level of the loud part of a recording: the 90th percentile of 20 ms frame RMS, in dBFS
    (``-inf`` for digital silence). Silence before and after the answer does not pull it down."""
    if samples.size == 0:
        return -math.inf
    usable = samples[: samples.size - samples.size % LEVEL_FRAME] if samples.size >= LEVEL_FRAME else samples
    frames = usable.reshape(-1, min(LEVEL_FRAME, usable.size)).astype(np.float64)
    rms = np.sqrt(np.mean(np.square(frames), axis=1))
    level = float(np.percentile(rms, LEVEL_PERCENTILE))
    return 20 * math.log10(level) if level > 0 else -math.inf


def level_gain_db(samples: np.ndarray, target_dbfs: float = TARGET_LEVEL_DBFS, max_gain_db: float = MAX_GAIN_DB) -> float:
    """The gain (dB, ≥ 0) that brings a quiet recording's speech level to ``target_dbfs``: never a cut
    (a loud recording is left alone), at most ``max_gain_db``, and never past ``PEAK_CEILING`` at the peak."""
    level = speech_level_dbfs(samples)
    if not math.isfinite(level) or level >= target_dbfs:
        return 0.0
    peak = float(np.max(np.abs(samples)))
    headroom = 20 * math.log10(PEAK_CEILING / peak) if peak > 0 else max_gain_db
    return max(0.0, min(target_dbfs - level, max_gain_db, headroom))


def normalize_level(samples: np.ndarray, target_dbfs: float = TARGET_LEVEL_DBFS,
                    max_gain_db: float = MAX_GAIN_DB) -> tuple[np.ndarray, float]:
    """``samples`` raised by :func:`level_gain_db` (float32), and the gain applied in dB."""
    gain = level_gain_db(samples, target_dbfs, max_gain_db)
    if gain <= 0.0:
        return samples.astype(np.float32, copy=False), 0.0
    return (samples * (10 ** (gain / 20))).astype(np.float32), round(gain, 2)


def keep_speech(samples: np.ndarray, chunks: list[dict]) -> np.ndarray:
    """The speech chunks (``{"start", "end"}`` in samples, as Silero VAD gives them) joined end to end,
    as faster-whisper's VAD filter does; an empty array when there are none."""
    pieces = [samples[max(0, c["start"]) : max(0, c["end"])] for c in chunks if c["end"] > c["start"]]
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(pieces).astype(np.float32, copy=False)


def pad_features(features: np.ndarray, frames: int) -> np.ndarray:
    """Log-mel ``features`` (n_mels × T) cut or padded with zeros to ``frames`` columns: what faster-whisper
    does to a 30-second window (``pad_or_trim``), for a window of any length."""
    n_mels, length = features.shape
    if length >= frames:
        return np.ascontiguousarray(features[:, :frames], dtype=np.float32)
    out = np.zeros((n_mels, frames), dtype=np.float32)
    out[:, :length] = features
    return out
