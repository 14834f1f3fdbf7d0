"""The real default engine: Whisper base assembled from the pinned packages, int8 on the CPU.

Marked ``asr`` (a few seconds: assembly, one model load, three short clips); ``-m "not asr"`` skips it.
"""

from pathlib import Path

import numpy as np
import pytest

from trainer.scoring import Rubric, score_transcript
from trainer.speech import recognizer as rec
from trainer.speech.audio import decode_upload, float_to_audio_data
from trainer.speech.model_store import MODEL_BIN_SIZE, ensure_whisper_base, is_complete

pytestmark = pytest.mark.asr

VOICE = Path(__file__).resolve().parents[1] / "fixtures" / "voice"
COUNTER_GREET = Rubric(
    phrases=["您好", "请坐", "请问您需要什么帮助|请问您要办理什么业务|有什么可以帮您"],
    forbid=["不知道", "不清楚", "不归我管", "不属我管", "问别人", "下班了"],
)


@pytest.fixture(scope="module")
def whisper(tmp_path_factory):
    models = tmp_path_factory.mktemp("models")
    folder = ensure_whisper_base(models)  # the real packages, size and SHA-256 checked
    assert is_complete(folder) and (folder / "model.bin").stat().st_size == MODEL_BIN_SIZE
    recognizer = rec.build_recognizer("faster-whisper", None, models, cpu_threads=rec.DEFAULT_CPU_THREADS)
    yield recognizer, models
    rec.clear_caches()


def load(name):
    return decode_upload((VOICE / name).read_bytes(), max_bytes=4 * 1024 * 1024, max_seconds=60)


def test_positive_clip_is_heard_in_simplified(whisper):
    recognizer, _ = whisper
    result = recognizer.transcribe(load("d01-clean.wav"))
    assert not result.nothing_heard and result.engine == "faster-whisper" and result.model == "whisper-base"
    # Heard well enough to pass (the trimmed window may hear 您好 as 你好 and 请坐 as 请做: the scorer forgives both).
    assert score_transcript(result.text, COUNTER_GREET).passed
    assert not set("請問幫麼") & set(result.text)  # Whisper often answers in Traditional: converted
    assert result.audio_seconds == pytest.approx(3.14, abs=0.01) and result.asr_seconds > 0


def test_negative_clip_keeps_its_push_off_even_with_the_biasing_prompt(whisper):
    from trainer.scoring import prompt_for
    from trainer.speech.assess import assess
    from trainer.speech.verify import near_forbidden

    recognizer, _ = whisper
    result = recognizer.transcribe(load("d08-clean.wav"), prompt=prompt_for(COUNTER_GREET))
    # The prompt never talks the push-off away. Its last syllable may come out wrong (不知等 with CTranslate2
    # 4.8's int8 kernels on AMD EPYC, 不知道 elsewhere), which is why the production path starts from the
    # unbiased decode and verifies near push-offs against the audio.
    assert "不知道" in result.text or near_forbidden(result.text, "不知道")
    assert not score_transcript(result.text, COUNTER_GREET, audio_seconds=result.audio_seconds).passed
    assessed = assess(load("d08-clean.wav"), COUNTER_GREET, recognizer)
    assert not assessed.result.passed and "不知道" in [hit.phrase for hit in assessed.result.forbidden]


def test_noise_without_speech_is_nothing_heard(whisper):
    recognizer, _ = whisper
    noise = np.random.default_rng(0).standard_normal(32000).astype(np.float32) * 0.01
    result = recognizer.transcribe(float_to_audio_data(noise, 16000), prompt="您好，请坐。")
    assert result.nothing_heard and result.text == "" and result.reason == "no_speech"


def test_one_encoder_output_serves_the_decode_verification_and_rescue(whisper):
    recognizer, _ = whisper
    decoding = recognizer.recognize_batch([load("d01-clean.wav")])[0]
    assert decoding.prepared.frames == 1000 and decoding.encoded.shape == (500, 512)  # trimmed: 10 s, not 30 s
    spoken, absent = decoding.log_likelihoods([decoding.raw, decoding.raw + "不知道"])
    assert spoken > absent + 5  # a push-off the clerk never said is far less likely under the same audio
    assert not decoding.redecode("您好，请坐。").nothing_heard


def test_the_model_continues_a_forced_start_with_the_rest_of_the_answer(whisper):
    """Verification's continued candidates: the words after a phrase put into the transcript are the model's
    own, on the same encoder output; prefixes of different lengths decode in one batch as they do alone."""
    recognizer, _ = whisper
    decoding = recognizer.recognize_batch([load("d01-clean.wav")])[0]  # 您好,请坐,请问您需要什么帮助吗?
    after_seat, after_greeting = map(rec.to_simplified, decoding.continuations(["您好,请坐,", "您好,"]))
    assert "需要" in after_seat and "帮助" in after_seat and "请坐" not in after_seat
    assert "需要" in after_greeting
    alone = recognizer.whisper.continue_texts(decoding.encoded, decoding.prepared.speech_seconds, ["您好,"])
    assert rec.to_simplified(alone[0]) == after_greeting


def test_model_is_loaded_once_per_process(whisper):
    recognizer, models = whisper
    loads_before = dict(rec.load_seconds)  # other tests in this process may have loaded other folders
    assert rec.build_recognizer("faster-whisper", None, models, cpu_threads=rec.DEFAULT_CPU_THREADS) is recognizer
    assert rec.load_seconds == loads_before
    assert sum(str(models.resolve()) in key[0] for key in rec.load_seconds) == 1


def test_two_lanes_score_and_decode_as_one_does(whisper):
    """A recognizer with two lanes (two CTranslate2 calls at once) splits one answer's force-scoring between
    them: every score and transcript is the one-lane result."""
    one, models = whisper
    two = rec.build_recognizer("faster-whisper", None, models, cpu_threads=rec.DEFAULT_CPU_THREADS, lanes=2)
    assert two is not one and two.whisper.lanes == 2
    texts = lambda raw: [raw, raw + "不知道", "您好" + raw, raw.replace("您", "你"), "请坐"]  # noqa: E731
    single, double = one.recognize_batch([load("d01-clean.wav")])[0], two.recognize_batch([load("d01-clean.wav")])[0]
    assert single.raw == double.raw
    assert double.log_likelihoods(texts(double.raw)) == pytest.approx(single.log_likelihoods(texts(single.raw)), abs=1e-3)


def test_telephone_band_speech_the_vad_scores_low_is_still_heard(whisper):
    """h19 of the shared voice_human_dev/ set (AISHELL-1 sample BAC009S0252W0309, Apache-2.0) through a
    simulated telephone channel (sox: 8 kHz, 300–3400 Hz, μ-law, back to 16 kHz): Silero VAD never rates it
    0.5 (at most 0.49), so the answer used to be "nothing heard"; the second look at a lower threshold finds
    the speech and the trainee's answer is scored."""
    from trainer.speech.assess import assess

    recognizer, _ = whisper
    decoding = recognizer.recognize_batch([load("h19-aishell1-phone-sim.wav")])[0]
    assert not decoding.transcript.nothing_heard and decoding.prepared.speech_seconds > 3
    result = assess(load("h19-aishell1-phone-sim.wav"), Rubric(phrases=["任务", "客户", "工作站"]), recognizer)
    assert result.result.passed


def test_noise_alone_is_nothing_heard_even_at_the_second_look(whisper):
    recognizer, _ = whisper
    rng = np.random.default_rng(7)
    noise = (0.05 * rng.standard_normal(4 * 16000)).astype(np.float32)
    decoding = recognizer.recognize_batch([float_to_audio_data(noise, 16000)])[0]
    assert decoding.transcript.nothing_heard
