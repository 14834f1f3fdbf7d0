"""In Chromium, through the real practice page and fake microphone (the recognizer is the fake engine, so
what it "hears" is set per answer): a passed turn stays passed after a worse retry, and a trainer's override
of an answer in the clerk's own words appears in 评分分歧 and becomes an accept example with a new wording."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import CONTENT

pytestmark = pytest.mark.e2e

VOICE = Path(__file__).parent.parent / "fixtures" / "voice" / "d01-clean.wav"
OWN_WORDS = "您好,请坐,您办点啥?"


def say(page, heard: dict, text: str, session_url: str, turn: int) -> str:
    """Answer ``turn`` with the recognizer hearing ``text``; returns the verdict badge's text."""
    heard["text"] = text
    page.goto(f"{session_url}?turn={turn}")
    page.click("#rp-start")
    page.wait_for_selector("#rp.recording", timeout=30_000)
    page.wait_for_timeout(1_500)
    page.click("#rp-stop")
    page.wait_for_selector("#rp[data-attempt-status=scored]", state="attached", timeout=60_000)
    return page.locator("#rp-verdict").inner_text()


def test_best_attempt_counts_and_an_override_becomes_an_example(live_server, launch_browser, login, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    heard = {"text": ""}
    live_server.app.config.update(ASR_ENGINE="fake", ASR_FAKE_TRANSCRIPT=lambda audio, prompt=None: heard["text"],
                                  CONTENT_DIR=str(content))
    browser = launch_browser("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-audio-capture={VOICE}", "--autoplay-policy=no-user-gesture-required")
    learner = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    learner.on("pageerror", lambda error: errors.append(str(error)))
    login(learner, live_server)
    learner.goto(f"{live_server.url}/roleplay/counter-greeting")
    learner.click("text=开始练习")
    learner.wait_for_url("**/roleplay/sessions/*")
    session_url = learner.url.split("?")[0]

    assert say(learner, heard, OWN_WORDS, session_url, 1) == "未通过"  # the wording is new to the rubric
    assert say(learner, heard, "您好,请坐,请问您需要什么帮助吗?", session_url, 1) == "通过"
    assert say(learner, heard, "别客气,再见,您慢走!", session_url, 2) == "通过"
    learner.goto(f"{session_url}/summary")
    assert "通过" in learner.locator(".rp-summary .badge").inner_text()
    assert say(learner, heard, "快走吧。", session_url, 2) == "未通过"  # practising again, worse
    learner.goto(f"{session_url}/summary")
    assert learner.locator(".rp-summary .badge").inner_text() == "通过"
    assert "最近一次" in learner.locator(".rp-turns").inner_text()

    coach = browser.new_context().new_page()
    login(coach, live_server, "coach")
    coach.goto(f"{live_server.url}/roleplay/review")
    coach.locator("tr", has_text="未通过").filter(has_text="第 1 轮").first.locator("a").first.click()
    coach.fill("input[name=score]", "90")
    coach.check("input[name=passed][value=yes]")
    coach.fill("textarea[name=reason]", "意思表达到了,用词口语化")
    coach.click("text=保存改分")
    coach.goto(f"{live_server.url}/roleplay/cases")
    row = coach.locator("table.rp-cases tr", has_text="您办点啥")
    assert "缺少:询问客户需要办理什么" in row.inner_text()
    row.locator("text=处理").click()
    coach.check("input[name=example][value=accept]")
    coach.fill("input[name=wording]", "办点啥")
    coach.click("text=预览改动")
    assert "+    intents: [{id: ask-need, wordings: [办点啥]}]" in coach.locator("pre.diff").inner_text()
    coach.click("text=写入并检查")
    coach.wait_for_url("**/roleplay/cases")
    assert "内容检查通过" in coach.locator(".flash").inner_text()
    written = (content / "scenarios/counter-greeting.yaml").read_text(encoding="utf-8")
    assert OWN_WORDS in written and "办点啥" in written

    assert say(learner, heard, OWN_WORDS, session_url, 1) == "通过"  # scored with the new content at once
    assert errors == []


def test_a_trainer_speaks_an_answer_into_try_scoring(live_server, launch_browser, login):
    live_server.app.config.update(ASR_ENGINE="fake", ASR_FAKE_TRANSCRIPT="您好,请坐,您想办理什么业务?")
    browser = launch_browser("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-audio-capture={VOICE}")
    page = browser.new_page()
    login(page, live_server, "coach")
    page.goto(f"{live_server.url}/roleplay/try")
    page.select_option("select[name=turn]", "counter-greeting:1")
    page.click("#try-record-start")
    page.wait_for_timeout(1_500)
    page.click("#try-record-stop")
    page.wait_for_function("document.querySelector('input[name=audio]').files.length === 1")
    page.click(".rp-try button[type=submit]")
    result = page.locator("#try-result").inner_text()
    assert "通过" in result and "按录音识别" in result and "要点:询问客户需要办理什么" in result
