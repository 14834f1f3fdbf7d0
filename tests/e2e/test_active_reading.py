"""Hours only for time really spent, in the browser: marking every section read in seconds credits nothing;
no input or a hidden page stops the clock; reading with activity (simulated input, heartbeats every second)
credits the module, and the hours page shows the evidence.

The thresholds are shortened through config: phone-basics (1 h, no quiz) needs 20 s of active time, the page
reports every second and stops counting after 3 s without input.
"""

import pytest
from sqlalchemy import func, select

pytestmark = pytest.mark.e2e

REQUIRED_SECONDS = 20
CLOCK = "document.getElementById('reading-clock').dataset"


def credited_entries(server) -> int:
    from trainer.extensions import db
    from trainer.records.models import HoursEntry

    with server.app.app_context():
        return db.session.scalar(select(func.count(HoursEntry.id)).where(HoursEntry.source == "module"))


def seconds(page) -> int:
    return int(page.evaluate(f"{CLOCK}.seconds"))


def busy(page, moments: int) -> None:
    """Someone reading: a pointer move and a little scrolling every 300 ms."""
    for n in range(moments):
        page.mouse.move(100 + (n % 7) * 20, 300 + (n % 5) * 15)
        if n % 4 == 0:
            page.mouse.wheel(0, 40 if n % 8 == 0 else -40)
        page.wait_for_timeout(300)


def set_visibility(page, state: str) -> None:
    page.evaluate("""state => {
        Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""", state)


@pytest.fixture
def short_clock(monkeypatch):
    """Through the environment, so the server's app is built with these settings from the start."""
    monkeypatch.setenv("TRAINER_ACTIVE_TIME_SHARE", str(REQUIRED_SECONDS / 3600))
    monkeypatch.setenv("TRAINER_READING_BEAT_SECONDS", "1")
    monkeypatch.setenv("TRAINER_READING_IDLE_SECONDS", "3")


@pytest.fixture
def server(short_clock, live_server):
    return live_server


def test_clicking_through_credits_nothing_reading_credits(server, launch_browser, login):
    live_server = server
    browser = launch_browser()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_server)
    page.goto(f"{live_server.url}/modules/phone-basics")
    assert page.evaluate(f"{CLOCK}.status") == "studying"

    # 1. Mark every section read as fast as the page allows.
    assert page.locator("section.section button", has_text="标记为已读").count() == 2
    for read in (1, 2):  # each click replaces its button with "✓ 已读"
        page.locator("section.section button", has_text="标记为已读").first.click()
        page.locator("section.section .done").nth(read - 1).wait_for()
    page.locator("#reading-clock[data-status=waiting]").wait_for()  # complete (no quiz), but short of time
    assert credited_entries(live_server) == 0
    assert seconds(page) < REQUIRED_SECONDS

    # 2. No input: after the idle limit the clock stops.
    page.wait_for_timeout(5000)
    idle = seconds(page)
    page.wait_for_timeout(3000)
    assert seconds(page) == idle

    # 3. A hidden page does not count, whatever input arrives.
    set_visibility(page, "hidden")
    busy(page, 10)
    page.wait_for_timeout(1500)  # heartbeats would have reported by now
    assert seconds(page) == idle
    set_visibility(page, "visible")
    assert credited_entries(live_server) == 0

    # 4. Reading with activity: the heartbeats add up until the module is credited.
    for _ in range(60):
        busy(page, 5)
        if page.evaluate(f"{CLOCK}.status") == "credited":
            break
    assert page.evaluate(f"{CLOCK}.status") == "credited"
    assert seconds(page) >= REQUIRED_SECONDS
    assert page.locator("#reading-clock [data-state=credited]").is_visible()
    assert credited_entries(live_server) == 1

    page.goto(f"{live_server.url}/hours")
    row = page.locator("#hours-entries tr", has_text="电话服务基础")
    assert "0 分钟" in row.inner_text()  # the evidence: 20-odd seconds, rounded down to whole minutes
    assert "课程单元学时的计入规则" in page.locator("#credit-rule").inner_text()
