"""A trainee practises turn 1 of counter-greeting by voice in Chromium: the customer's line plays, the
fake microphone speaks a recorded answer (tests/fixtures/voice/d01-clean.wav), the page records it as a
16 kHz WAV, uploads it, the real Whisper recognizer transcribes it, and the scored feedback appears."""

import io
import os
import wave
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.asr]

VOICE = Path(__file__).parent.parent / "fixtures" / "voice" / "d01-clean.wav"  # 您好,请坐,请问您需要什么帮助吗?


def padded_clip(target: Path, silence_seconds: float = 1.5) -> Path:
    """The clip followed by silence: Chromium's fake capture loops the file, and the gap keeps one
    repetition from running into the next in the transcript."""
    with wave.open(str(VOICE)) as source:
        params = source.getparams()
        frames = source.readframes(source.getnframes())
    gap = b"\x00" * int(params.framerate * silence_seconds) * params.sampwidth * params.nchannels
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setparams(params)
        out.writeframes(frames + gap)
    target.write_bytes(buffer.getvalue())
    return target


@pytest.fixture
def whisper_ready(live_server):
    from trainer.speech.model_store import ModelStoreError, ensure_whisper_base

    try:
        ensure_whisper_base(Path(live_server.app.instance_path) / "models")
    except ModelStoreError as exc:
        pytest.skip(f"the Whisper base model cannot be assembled here: {exc}")


def test_trainee_answers_by_voice_and_sees_the_score(live_server, whisper_ready, launch_browser, login, tmp_path):
    clip = padded_clip(tmp_path / "answer.wav")
    browser = launch_browser(
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={clip}", "--autoplay-policy=no-user-gesture-required",
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})  # phone-sized
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server)
    page.goto(f"{live_server.url}/roleplay/counter-greeting")
    page.click("text=开始练习")
    page.wait_for_url("**/roleplay/sessions/*")
    assert page.locator(".customer-line").inner_text() == "“你好,我想办一下电费业务。”"

    page.click("#rp-start")
    # The customer's line plays first (TTS or the note when there is none), then recording starts.
    page.wait_for_selector("#rp.recording", timeout=30_000)
    assert page.locator("#rp").get_attribute("data-recorder-mode") in ("worklet", "script-processor")
    page.wait_for_timeout(7_500)  # a little over two loops of the 4.6 s padded clip
    level = page.locator("#rp-level").evaluate("el => el.value")
    countdown = int(page.locator("#rp-countdown").inner_text())
    assert countdown < 15
    page.click("#rp-stop")

    page.wait_for_selector("#rp[data-attempt-status]", state="attached", timeout=120_000)
    status = page.locator("#rp").get_attribute("data-attempt-status")
    message = page.locator("#rp-message").inner_text()
    assert status == "scored", f"attempt {status}: {message}"
    assert page.locator("#rp-result").is_visible()
    assert "分" in page.locator("#rp-score-value").inner_text()
    transcript = page.locator("#rp-transcript").inner_text()
    assert "好" in transcript and "帮助" in transcript, transcript  # Whisper writes 你好/请做: homophones count
    assert page.locator("#rp-transcript mark.hit").count() >= 1
    # The clip says every expected phrase; the two-pass assessment must credit all three.
    hits = page.locator("#rp-items li.hit").count()
    assert hits == 3, page.locator("#rp-items").inner_text()
    assert page.locator("#rp-items li.miss").count() == 0
    assert page.locator("#rp-feedback li").count() >= 1
    assert page.locator("#rp-next").inner_text() == "下一轮"
    assert errors == []
    if os.environ.get("E2E_SCREENSHOTS"):  # a folder: look at what the trainee saw
        page.screenshot(path=str(Path(os.environ["E2E_SCREENSHOTS"]) / "roleplay-result.png"), full_page=True)

    # The server kept what the page sent: a 16 kHz mono 16-bit WAV, with a measured response delay.
    from trainer.extensions import db
    from trainer.roleplay.models import RoleplayAttempt
    from trainer.roleplay.services import storage

    with live_server.app.app_context():
        attempt = db.session.query(RoleplayAttempt).one()
        data = storage.read(live_server.app.config["AUDIO_DIR"], attempt.audio_name)
        assert attempt.engine == "faster-whisper" and attempt.asr_seconds > 0
        assert attempt.response_delay_seconds is not None and attempt.response_delay_seconds < 6
    with wave.open(io.BytesIO(data)) as recorded:
        assert (recorded.getframerate(), recorded.getnchannels(), recorded.getsampwidth()) == (16000, 1, 2)
        assert 6 < recorded.getnframes() / 16000 < 12
    print(f"level {level:.2f}, transcript {transcript!r}, score {page.locator('#rp-score-value').inner_text()}, "
          f"ASR {attempt.asr_seconds:.2f} s, delay {attempt.response_delay_seconds} s")
