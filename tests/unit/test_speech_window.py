"""The encoder window (trimmed to the answer, bucketed) and level normalisation: pure numpy, no model."""

import math

import numpy as np
import pytest

from trainer.speech.window import (
    DEFAULT_POLICY,
    MAX_FRAMES,
    WindowPolicy,
    keep_speech,
    level_gain_db,
    normalize_level,
    pad_features,
    speech_level_dbfs,
)

RATE = 16_000
POLICY = WindowPolicy(floor_frames=1000, tail_frames=200, step_frames=100)


@pytest.mark.parametrize(("seconds", "frames"), [
    (0.5, 1000),   # short answers get the floor
    (8.0, 1000),   # 800 speech frames + 200 tail = the floor exactly
    (8.01, 1100),  # one frame more: the next bucket
    (12.34, 1500),  # 1234 + 200 = 1434 → rounded up to 1500
    (28.0, 3000),  # 2800 + 200 = 3000
    (45.0, 3000),  # never past Whisper's 30 s
])
def test_window_is_speech_plus_tail_at_least_the_floor_in_buckets(seconds, frames):
    assert POLICY.frames_for(int(seconds * RATE)) == frames


def test_window_depends_on_the_answer_alone():
    # Answers batched together share one window only when their buckets agree: nothing else decides it.
    lengths = [int(s * RATE) for s in (1.0, 3.3, 7.9, 9.2, 14.5)]
    assert [POLICY.frames_for(n) for n in lengths] == [1000, 1000, 1000, 1200, 1700]
    assert all(f % POLICY.step_frames == 0 for f in map(POLICY.frames_for, range(0, 40 * RATE, 7919)))
    assert DEFAULT_POLICY.frames_for(0) == DEFAULT_POLICY.floor_frames <= MAX_FRAMES


def tone(seconds=1.0, dbfs=-20.0, freq=200.0):
    t = np.arange(int(seconds * RATE)) / RATE
    amplitude = 10 ** (dbfs / 20) * math.sqrt(2)  # a sine's RMS is amplitude / √2
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_quiet_speech_is_raised_to_the_target_and_silence_around_it_does_not_count():
    quiet = np.concatenate([np.zeros(RATE, np.float32), tone(2.0, -38.0), np.zeros(RATE, np.float32)])
    assert speech_level_dbfs(quiet) == pytest.approx(-38.0, abs=0.3)  # the loud part, not the whole mean
    raised, gain = normalize_level(quiet)
    assert gain == pytest.approx(18.0, abs=0.3)
    assert speech_level_dbfs(raised) == pytest.approx(-20.0, abs=0.3)


def test_loud_recordings_are_never_cut_and_gain_is_capped_by_headroom_and_limit():
    loud = tone(1.0, -12.0)
    assert level_gain_db(loud) == 0.0
    assert normalize_level(loud)[0] is loud or np.array_equal(normalize_level(loud)[0], loud)
    whisper_quiet = tone(1.0, -70.0)
    assert level_gain_db(whisper_quiet) == pytest.approx(30.0)  # MAX_GAIN_DB
    spiky = tone(1.0, -40.0)
    spiky[100] = 0.5  # a click near full scale leaves little headroom
    gain = level_gain_db(spiky)
    assert 0 < gain < 20.0 and np.max(np.abs(normalize_level(spiky)[0])) <= 0.971
    assert level_gain_db(np.zeros(RATE, np.float32)) == 0.0 and speech_level_dbfs(np.zeros(0)) == -math.inf


def test_speech_chunks_are_joined_and_features_padded_or_cut():
    samples = np.arange(100, dtype=np.float32)
    joined = keep_speech(samples, [{"start": 10, "end": 20}, {"start": 50, "end": 55}, {"start": 70, "end": 70}])
    assert joined.tolist() == list(range(10, 20)) + list(range(50, 55))
    assert keep_speech(samples, []).size == 0
    features = np.ones((80, 314), np.float32)
    padded = pad_features(features, 1000)
    assert padded.shape == (80, 1000) and padded[:, :314].all() and not padded[:, 314:].any()
    assert pad_features(np.ones((80, 3100), np.float32), 3000).shape == (80, 3000)
