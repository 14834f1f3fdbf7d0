"""A trainer records a classroom session in the browser; the trainee sees the hours on the home page."""

import pytest

pytestmark = pytest.mark.e2e


def test_classroom_session_credits_the_trainee(live_server, launch_browser, login, menu):
    browser = launch_browser()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_server, "coach")
    menu(page, "培训记录")
    page.wait_for_url("**/records")
    page.locator("#compliance-chart svg").first.wait_for()  # drawn by static/js/charts.js
    page.click("text=记录集中培训")
    page.wait_for_url("**/records/classroom/new")
    page.fill("input[name=topic]", "《供电服务“十个不准”》专题学习")
    page.select_option("select[name=category]", "ethics")
    page.fill("input[name=minutes]", "240")
    page.click("button[data-check-all]")  # JavaScript ticks every attendee
    assert page.locator("input[name=attendees]:checked").count() == page.locator("input[name=attendees]").count() >= 1
    page.click("input[type=submit][value=保存并计入学时]")
    page.wait_for_url("**/records/classroom/*")
    assert "人计入学时" in page.locator(".flash-success").inner_text()
    assert page.locator("text=李学员").count() == 1

    page.context.clear_cookies()
    login(page, live_server, "learner")
    panel = page.locator("#hours-panel")
    assert panel.locator("svg.ring .ring-big").text_content() == "4"
    assert "还差 12 学时" in panel.inner_text()
    panel.locator("text=查看学时明细").click()
    page.wait_for_url("**/hours")
    assert page.locator("#hours-entries table >> text=《供电服务“十个不准”》专题学习").count() == 1
    assert page.locator("#active-time table >> text=《供电服务“十个不准”》专题学习").count() == 1  # its 4 hours of time
