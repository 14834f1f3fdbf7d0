"""The recognizer protocol, the fake, the engine registry and its caches (no model is loaded here)."""

import numpy as np
import pytest

from trainer.speech.audio import float_to_audio_data
from trainer.speech.recognizer import (
    ENGINES,
    FakeRecognizer,
    FasterWhisperRecognizer,
    Recognizer,
    RecognizerError,
    Transcript,
    audio_fingerprint,
    build_recognizer,
    clear_caches,
    to_simplified,
)


@pytest.fixture(autouse=True)
def _fresh_caches():
    clear_caches()
    yield
    clear_caches()


def clip(seconds=2.0, seed=0):
    rng = np.random.default_rng(seed)
    return float_to_audio_data((0.1 * rng.standard_normal(int(seconds * 16000))).astype(np.float32), 16000)


def test_fake_is_a_recognizer_and_returns_a_transcript():
    fake = FakeRecognizer("您好,请坐")
    assert isinstance(fake, Recognizer)
    result = fake.transcribe(clip(2.0), prompt="您好，请坐。")
    assert isinstance(result, Transcript)
    assert (result.text, result.nothing_heard, result.reason, result.engine) == ("您好,请坐", False, None, "fake")
    assert result.audio_seconds == 2.0 and result.asr_seconds >= 0
    assert fake.calls == [(audio_fingerprint(clip(2.0)), "您好，请坐。")]


def test_fake_output_is_cleaned_like_an_engine_output():
    assert FakeRecognizer("請問您需要什麼幫助").transcribe(clip()).text == "请问您需要什么帮助"
    credit = FakeRecognizer("字幕by索蘭婭").transcribe(clip())  # Traditional credits are caught after t2s
    assert credit.nothing_heard and credit.reason == "subtitle_credit" and credit.raw == "字幕by索蘭婭"
    assert FakeRecognizer("").transcribe(clip()).reason == "no_speech"


def test_fake_mapping_and_callable():
    a, b = clip(seed=1), clip(seed=2)
    fake = FakeRecognizer({audio_fingerprint(a): "再见,您慢走", "*": "好了你走吧"})
    assert fake.transcribe(a).text == "再见,您慢走"
    assert fake.transcribe(b).text == "好了你走吧"
    assert FakeRecognizer({audio_fingerprint(a): "再见"}).transcribe(b).nothing_heard
    echo = FakeRecognizer(lambda audio, prompt: prompt or "")
    assert echo.transcribe(a, prompt="请稍候").text == "请稍候"


def test_to_simplified():
    assert to_simplified("您別著急,我替您填寫這張登記表") == "您别着急,我替您填写这张登记表"


def test_registry_builds_once_per_configuration(tmp_path):
    assert set(ENGINES) >= {"faster-whisper", "vosk", "fake"}
    first = build_recognizer("fake", None, tmp_path, responses="您好")
    assert build_recognizer("fake", None, tmp_path, responses="您好") is first
    assert build_recognizer("fake", None, tmp_path, responses="再见") is not first
    # Unhashable options (a mapping) cannot be cache keys: a fresh fake each time.
    mapping = {"*": "您好"}
    assert build_recognizer("fake", None, tmp_path, responses=mapping) is not build_recognizer(
        "fake", None, tmp_path, responses=mapping
    )


def test_fake_from_a_json_file(tmp_path):
    path = tmp_path / "fake.json"
    path.write_text('{"*": "您好,请坐"}', encoding="utf-8")
    assert build_recognizer("fake", str(path), tmp_path).transcribe(clip()).text == "您好,请坐"


def test_unknown_engine(tmp_path):
    with pytest.raises(RecognizerError, match="faster-whisper"):
        build_recognizer("google", None, tmp_path)


def test_whisper_never_downloads_a_missing_model(tmp_path):
    # A non-folder would be taken by faster-whisper as a model *name* to download: refused before that.
    with pytest.raises(RecognizerError, match="model.bin"):
        FasterWhisperRecognizer(tmp_path / "small")
    with pytest.raises(RecognizerError, match="model.bin"):
        build_recognizer("faster-whisper", "large-v3", tmp_path)


def test_vosk_needs_a_model_folder(tmp_path):
    with pytest.raises(RecognizerError):
        build_recognizer("vosk", None, tmp_path)


def test_vosk_without_the_package_says_how_to_install(tmp_path):
    try:
        import vosk  # noqa: F401
    except ImportError:
        with pytest.raises(RecognizerError, match="trainer\\[vosk\\]"):
            build_recognizer("vosk", str(tmp_path), tmp_path)
    else:
        pytest.skip("vosk is installed")


def test_vosk_reports_a_missing_model_folder(tmp_path):
    pytest.importorskip("vosk")
    with pytest.raises(RecognizerError, match="vosk model"):
        build_recognizer("vosk", str(tmp_path / "none"), tmp_path)
