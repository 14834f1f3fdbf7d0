"""The annual self-assessment end to end in Chromium: a 班组长 on a phone fills and submits; the 供电所
trainer returns it with a reason; the 班组长 corrects and resubmits; the 供电所 accepts and exports."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.services.test_hours_report import pdf_text
from trainer import settings

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def leader(live_server):
    from sqlalchemy import select

    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.org.models import Unit

    app = live_server.app
    # Both dates at the year's end: whatever day the test runs, the report is on time.
    app.config.update(ASSESSMENT_DEADLINE="12-31", ASSESSMENT_REPORT_DUE="12-31")
    settings.init_app(app)
    with app.app_context():
        team = db.session.scalar(select(Unit).where(Unit.name == "测试营业班"))
        user = User(username="banzhang", display_name="周班长", role="trainer", unit=team)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    return "banzhang"


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_leader_and_station_run_the_whole_review(live_server, launch_browser, login, leader, menu):
    browser = launch_browser()
    phone = browser.new_context(**PHONE).new_page()
    login(phone, live_server, leader)
    panel = phone.locator("#assessment-panel")
    assert "年度考核自查" in panel.inner_text()
    panel.locator("text=填写自查表").click()
    phone.wait_for_url("**/assessment/*/teams/*")
    assert _fits_the_screen(phone)
    phone.fill("#points-checks", "20")
    phone.fill("#evidence-checks", "四个季度均有检查记录,见班组检查台账")
    phone.click("button:has-text('报送供电所')")
    assert "还不能报送" in phone.locator(".flash-error").inner_text()
    assert phone.input_value("#points-checks") == "20"  # what was typed is still there
    phone.fill("#points-complaints", "8")
    phone.fill("#evidence-complaints", "全年投诉 5 件,均有记录;1 件超期")
    phone.click("button:has-text('报送供电所')")
    assert "自查表已报送供电所" in phone.locator(".flash-success").inner_text()
    assert phone.locator("#status-badge").inner_text() == "已报送,待审核"
    assert phone.locator("#points-checks").count() == 0  # locked while the 供电所 reviews it

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    login(desk, live_server, "coach")
    menu(desk, "年度考核")
    desk.wait_for_url("**/assessment")
    row = desk.locator("table.assessment-teams tr", has_text="测试营业班")
    assert "已报送,待审核" in row.inner_text()
    row.locator("a", has_text="测试营业班").click()
    desk.wait_for_url("**/assessment/*/teams/*")
    desk.fill("#reason", "投诉超期的那一件请写明件号和原因")
    desk.click("button:has-text('退回班组修改')")
    assert desk.locator("#status-badge").inner_text() == "已退回,待修改"

    phone.reload()
    assert "投诉超期的那一件请写明件号和原因" in phone.locator("#return-reason").inner_text()
    phone.fill("#points-complaints", "6")
    phone.fill("#evidence-complaints", "全年投诉 5 件,均有记录;件号 2026-118 超期一天(系统故障)")
    phone.click("button:has-text('报送供电所')")
    assert phone.locator("#status-badge").inner_text() == "已报送,待审核"

    desk.reload()
    desk.click("button:has-text('审核通过')")
    assert desk.locator("#status-badge").inner_text() == "已通过"
    history = desk.locator("#history").inner_text()
    assert history.count("报送供电所") == 2 and "供电所退回" in history and "供电所审核通过" in history
    desk.click("text=年度考核自查")  # the crumb back to the list
    assert "已通过" in desk.locator("table.assessment-teams").inner_text()
    with desk.expect_download() as excel:
        desk.click("text=导出 Excel")
    book = load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes()))
    summary = [[c.value for c in r] for r in book.worksheets[0].iter_rows()]
    assert summary[1][0] == "测试营业班" and summary[1][2] == "已通过"
    detail = {r[1].value: r[3].value for r in book.worksheets[1].iter_rows(min_row=2)}
    assert detail["季度检查"] == 20 and detail["受理投诉"] == 6
    with desk.expect_download() as report:
        desk.click("text=导出 PDF")
    text = pdf_text(Path(report.value.path()).read_bytes())
    assert "测试营业班" in text and "件号2026-118超期一天" in text

    phone.reload()
    assert phone.locator("#status-badge").inner_text() == "已通过" and _fits_the_screen(phone)
