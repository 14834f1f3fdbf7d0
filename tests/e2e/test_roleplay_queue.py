"""With a recognition queue (REDIS_URL): the practice page uploads, gets 202 at once, shows “识别中…” and
polls until a worker has scored the answer. Fake recognizer; needs Redis on 127.0.0.1:6379."""

import uuid

import pytest

from tests.e2e.test_roleplay_voice import padded_clip
from tests.roleplay_support import GOOD_ANSWER
from tests.services.test_recognition_queue import REDIS_URL, _redis_up

pytestmark = pytest.mark.e2e


def test_page_polls_until_the_worker_has_scored(live_server, launch_browser, login, tmp_path):
    if not _redis_up():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    from rq import SimpleWorker

    from trainer.roleplay import queue

    app = live_server.app
    app.config.update(ASR_ENGINE="fake", ASR_FAKE_TRANSCRIPT=GOOD_ANSWER, REDIS_URL=REDIS_URL, TTS_ENABLED=False,
                      RECOGNITION_QUEUE=f"e2e-recognition-{uuid.uuid4().hex[:8]}")
    clip = padded_clip(tmp_path / "answer.wav")
    browser = launch_browser("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-audio-capture={clip}", "--autoplay-policy=no-user-gesture-required")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server)
    page.goto(f"{live_server.url}/roleplay/counter-greeting")
    page.click("text=开始练习")
    page.wait_for_url("**/roleplay/sessions/*")
    page.click("#rp-start")
    page.wait_for_selector("#rp.recording", timeout=30_000)
    page.wait_for_timeout(3_000)
    page.click("#rp-stop")
    page.wait_for_selector("#rp[data-polling='1']", state="attached", timeout=30_000)
    assert page.locator("#rp").get_attribute("data-attempt-status") == "pending"
    assert page.locator("#rp-status").inner_text() == "识别中…"
    with app.app_context():
        q = queue.queue()
        assert q.count == 1
        SimpleWorker([q], connection=q.connection).work(burst=True, with_scheduler=False)
    try:
        page.wait_for_selector("#rp[data-attempt-status='scored']", state="attached", timeout=15_000)
        assert "分" in page.locator("#rp-score-value").inner_text()
        assert page.locator("#rp-items li.hit").count() == 3
        assert page.locator("#rp[data-polling]").count() == 0
        assert errors == []
    finally:
        with app.app_context():
            q.delete(delete_jobs=True)


def test_page_shows_the_place_in_the_one_machine_queue(live_server, launch_browser, login, tmp_path):
    """No Redis: the process's own recognition queue (trainer.roleplay.inline), held busy by another answer,
    so the page's answer waits behind it; the page says how many answers are ahead, then shows the score."""
    import threading

    from trainer.roleplay import inline

    app = live_server.app
    app.config.update(ASR_ENGINE="fake", ASR_FAKE_TRANSCRIPT=GOOD_ANSWER, TTS_ENABLED=False,
                      RECOGNITION_INLINE="queue", RECOGNITION_BATCH_SIZE=1, RECOGNITION_WAIT_SECONDS=30, ASR_PARALLEL=1)
    q = inline.get_queue(app)
    gate, real = threading.Event(), q.work
    q.work = lambda keys: real(keys) if keys != ["other"] else gate.wait(30)
    q.submit("other")  # someone else's answer, being recognised
    clip = padded_clip(tmp_path / "answer.wav")
    browser = launch_browser("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-audio-capture={clip}", "--autoplay-policy=no-user-gesture-required")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        login(page, live_server)
        page.goto(f"{live_server.url}/roleplay/counter-greeting")
        page.click("text=开始练习")
        page.wait_for_url("**/roleplay/sessions/*")
        page.click("#rp-start")
        page.wait_for_selector("#rp.recording", timeout=30_000)
        page.wait_for_timeout(3_000)
        page.click("#rp-stop")
        page.wait_for_selector("#rp[data-polling='1']", state="attached", timeout=30_000)
        assert page.locator("#rp-status").inner_text().startswith("排队中:前面还有 1 段录音")
    finally:
        gate.set()
    page.wait_for_selector("#rp[data-attempt-status='scored']", state="attached", timeout=30_000)
    assert "分" in page.locator("#rp-score-value").inner_text() and errors == []
