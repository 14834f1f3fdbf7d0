"""Upload decoding: any PCM WAV to 16 kHz mono, and the rejections a trainee sees."""

import contextlib
import io
import math
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from trainer.speech.audio import (
    AudioRejected,
    audio_to_float32,
    check_upload,
    decode_upload,
    float_to_audio_data,
    measure_level,
    read_wav,
    resample,
)

VOICE = Path(__file__).resolve().parents[1] / "fixtures" / "voice"
LIMITS = {"max_bytes": 4 * 1024 * 1024, "max_seconds": 60}


def tone(seconds=1.0, rate=16000, freq=440.0, level=0.5, channels=1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = level * np.sin(2 * np.pi * freq * t)
    return np.repeat(mono[:, None], channels, axis=1)


def wav_bytes(samples: np.ndarray, rate=16000, width=2) -> bytes:
    """A plain PCM WAV made with the standard library (what a browser recorder sends)."""
    samples = samples if samples.ndim == 2 else samples[:, None]
    if width == 1:
        raw = np.clip(np.round(samples * 127 + 128), 0, 255).astype(np.uint8).tobytes()
    elif width == 2:
        raw = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2").tobytes()
    elif width == 3:
        ints = np.clip(np.round(samples * 8388607), -8388608, 8388607).astype("<i4").reshape(-1)
        raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints)
    else:
        raw = np.clip(np.round(samples * 2147483647), -(2**31), 2**31 - 1).astype("<i4").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return buf.getvalue()


def float_wav_bytes(samples: np.ndarray, rate=16000, extensible=False, data_size=None) -> bytes:
    """IEEE-float WAV (optionally WAVE_FORMAT_EXTENSIBLE, optionally a streaming data size)."""
    data = samples.astype("<f4").tobytes()
    if extensible:
        guid = struct.pack("<H", 3) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 1, rate, rate * 4, 4, 32, 22, 32, 4) + guid
    else:
        fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    size = len(data) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def dominant_hz(audio) -> float:
    x = audio_to_float32(audio)
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(x.size, 1 / 16000)[spectrum.argmax()])


def test_16k_mono_passes_through_unchanged():
    data = wav_bytes(tone(1.0))
    audio = decode_upload(data, **LIMITS)
    assert (audio.sample_rate, audio.sample_width) == (16000, 2)
    assert audio.frame_data == data[44:]


@pytest.mark.parametrize(("rate", "channels", "width"), [(44100, 2, 2), (48000, 1, 2), (8000, 1, 2), (22050, 2, 1),
                                                        (16000, 1, 3), (32000, 2, 4)])
def test_any_rate_channels_and_width_become_16k_mono(rate, channels, width):
    audio = decode_upload(wav_bytes(tone(1.5, rate, 440.0, 0.5, channels), rate, width), **LIMITS)
    assert audio.sample_rate == 16000 and audio.sample_width == 2
    assert len(audio.frame_data) // 2 == pytest.approx(24000, abs=1)
    assert dominant_hz(audio) == pytest.approx(440.0, abs=2)
    assert measure_level(audio).peak_dbfs == pytest.approx(20 * math.log10(0.5), abs=0.6)


@pytest.mark.parametrize("extensible", [False, True])
def test_float_and_extensible_wavs(extensible):
    audio = decode_upload(float_wav_bytes(tone(1.0)[:, 0], extensible=extensible), **LIMITS)
    assert dominant_hz(audio) == pytest.approx(440.0, abs=2)


def test_streaming_wav_with_unknown_data_size_is_read_to_the_end():
    audio = decode_upload(float_wav_bytes(tone(1.0)[:, 0], data_size=0xFFFFFFFF), **LIMITS)
    assert len(audio.frame_data) == 32000


def test_resampling_removes_content_above_the_new_nyquist():
    # A 7 kHz + 11 kHz mix at 44.1 kHz: after resampling to 16 kHz only 7 kHz may remain (no alias at 5 kHz).
    t = np.arange(44100) / 44100
    out = resample(0.4 * np.sin(2 * np.pi * 7000 * t) + 0.4 * np.sin(2 * np.pi * 11000 * t), 44100, 16000)
    spectrum = np.abs(np.fft.rfft(out))
    freqs = np.fft.rfftfreq(out.size, 1 / 16000)
    assert freqs[spectrum.argmax()] == pytest.approx(7000, abs=2)
    assert spectrum[np.abs(freqs - 5000) < 50].max() < spectrum.max() * 1e-3


def test_too_large_is_rejected_before_decoding():
    with pytest.raises(AudioRejected) as info:
        decode_upload(b"x" * 2048, max_bytes=1024, max_seconds=60)
    assert info.value.code == "too_large" and "过大" in info.value.message_zh


def test_too_long():
    with pytest.raises(AudioRejected) as info:
        decode_upload(wav_bytes(tone(3.0)), max_bytes=10**6, max_seconds=2)
    assert info.value.code == "too_long" and "超过 2 秒" in info.value.message_zh


def test_too_short():
    with pytest.raises(AudioRejected) as info:
        decode_upload(wav_bytes(tone(0.1)), **LIMITS)
    assert info.value.code == "too_short"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"this is not a wav file",
        b"ID3\x03\x00\x00\x00" + b"\x00" * 200,  # an MP3
        b"RIFF\x24\x00\x00\x00WAVEdata\x00\x00\x00\x00",  # no fmt chunk
        wav_bytes(tone(1.0))[:30],  # cut inside the fmt chunk
    ],
)
def test_undecodable(data):
    with pytest.raises(AudioRejected) as info:
        decode_upload(data, **LIMITS)
    assert info.value.code == "undecodable" and "WAV" in info.value.message_zh


def test_mu_law_is_undecodable_not_noise():
    fmt = struct.pack("<HHIIHH", 7, 1, 8000, 8000, 1, 8)
    body = b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", 8000) + b"\x7f" * 8000
    with pytest.raises(AudioRejected) as info:
        decode_upload(b"RIFF" + struct.pack("<I", len(body)) + body, **LIMITS)
    assert info.value.code == "undecodable"


@pytest.mark.parametrize("samples", [np.zeros(32000), tone(2.0, level=0.001)[:, 0]])
def test_silence_is_rejected(samples):
    with pytest.raises(AudioRejected) as info:
        decode_upload(wav_bytes(samples), **LIMITS)
    assert info.value.code == "silent" and "没有录到声音" in info.value.message_zh


def test_low_fixture_and_a_much_quieter_copy_are_not_rejected():
    data = (VOICE / "d01-low.wav").read_bytes()
    audio = decode_upload(data, **LIMITS)
    level = measure_level(audio)
    assert -30 < level.rms_dbfs < -10 and not level.silent
    samples, rate = read_wav(data)
    quiet = wav_bytes(samples * 10 ** (-30 / 20), rate)  # 30 dB down: a soft voice far from the microphone
    level = measure_level(decode_upload(quiet, **LIMITS))
    assert level.peak_dbfs < -30 and not level.silent


def test_measure_level_of_a_full_scale_sine_and_of_silence():
    level = measure_level(float_to_audio_data(tone(1.0, level=1.0)[:, 0], 16000))
    assert level.peak_dbfs == pytest.approx(0.0, abs=0.01)
    assert level.rms_dbfs == pytest.approx(-3.01, abs=0.05)
    assert level.seconds == 1.0
    silent = measure_level(float_to_audio_data(np.zeros(1600), 16000))
    assert silent.silent and silent.peak_dbfs == -math.inf and silent.to_dict()["peak_dbfs"] is None


def _wav_with_fmt(tag=1, channels=1, rate=16000, block_align=2, bits=16, payload=b"\x01" * 1000) -> bytes:
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block_align, block_align, bits)
    body = b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize(("bits", "block_align"), [(0, 0), (16, 0), (0, 2)])
def test_zero_bits_or_block_align_is_undecodable_not_a_crash(bits, block_align):
    # The probe's crafted 1 KB file: bits per sample 0, block align 0 divided by zero.
    data = _wav_with_fmt(bits=bits, block_align=block_align)
    with pytest.raises(AudioRejected) as info:
        decode_upload(data, **LIMITS)
    assert info.value.code == "undecodable" and "无法识别" in info.value.message_zh
    with pytest.raises(AudioRejected):
        check_upload(data, max_bytes=LIMITS["max_bytes"])


def test_any_fmt_header_is_read_or_rejected_never_a_crash():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    field = st.integers(0, 0xFFFF)

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(tag=st.sampled_from([0, 1, 3, 0xFFFE, 7]), channels=field, rate=st.integers(0, 2**32 - 1),
           block_align=field, bits=field, payload=st.binary(max_size=64))
    def run(tag, channels, rate, block_align, bits, payload):
        fmt = struct.pack("<HHIIHH", tag, channels, rate, 0, block_align, bits)
        body = b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(payload)) + payload
        with contextlib.suppress(AudioRejected):
            decode_upload(b"RIFF" + struct.pack("<I", len(body)) + body, **LIMITS)

    run()
