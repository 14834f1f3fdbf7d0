"""A branching scenario played twice in Chromium with different answers (fake microphone, fake recognizer
told what it "hears"): an apology calms the customer and the call ends on the restore time; a push-off
brings the supervisor. The summaries show two paths with their moods; the trainer's chart counts both."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

VOICE = Path(__file__).parent.parent / "fixtures" / "voice" / "d01-clean.wav"


def play(page, heard: dict, base: str, answers: list[str]) -> str:
    page.goto(f"{base}/roleplay/phone-outage-complaint")
    page.click("text=开始练习")
    page.wait_for_url("**/roleplay/sessions/*")
    session_url = page.url.split("?")[0]
    for text in answers:
        page.goto(session_url)  # the turn the conversation has reached
        heard["text"] = text
        page.click("#rp-start")
        page.wait_for_selector("#rp.recording", timeout=30_000)
        page.wait_for_timeout(1_200)
        page.click("#rp-stop")
        page.wait_for_selector("#rp[data-attempt-status=scored]", state="attached", timeout=60_000)
    page.goto(f"{session_url}/summary")
    return page.locator(".rp-path").inner_text()


def test_two_answers_lead_to_two_endings(live_server, launch_browser, login):
    heard = {"text": ""}
    live_server.app.config.update(ASR_ENGINE="fake", ASR_FAKE_TRANSCRIPT=lambda audio, prompt=None: heard["text"])
    browser = launch_browser("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-audio-capture={VOICE}", "--autoplay-policy=no-user-gesture-required")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server)

    page.goto(f"{live_server.url}/roleplay/phone-outage-complaint")
    page.click("text=开始练习")
    page.wait_for_url("**/roleplay/sessions/*")
    assert page.locator("#rp-mood").inner_text() == "不满"
    calm = play(page, heard, live_server.url, ["对不起,给您添麻烦了。", "大约下午三点送电。"])
    assert "道歉让客户平静下来" in calm and "平静" in calm
    assert "挽回了客户情绪" in page.locator("main").inner_text()
    assert page.locator(".rp-summary .badge").first.inner_text() == "通过"

    boss = play(page, heard, live_server.url, ["不知道,不归我管。", "好的,我马上请领导跟您联系。"])
    assert "推诿激怒了客户" in boss and "愤怒" in boss
    assert "未通过" in page.locator(".rp-summary").inner_text()

    coach = browser.new_context().new_page()
    login(coach, live_server, "coach")
    coach.goto(f"{live_server.url}/roleplay/review/paths?scenario=phone-outage-complaint")
    assert "练习 3 次,完成 2 次" in coach.locator("main").inner_text()  # the first start was left unanswered
    coach.wait_for_selector("#branch-chart svg")
    assert errors == []
