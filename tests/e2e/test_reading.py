"""A trainee logs in, opens a module, marks a section read, and sees the progress change."""

import pytest

pytestmark = pytest.mark.e2e


def test_trainee_marks_a_section_read(live_server, launch_browser, login):
    browser = launch_browser()
    page = browser.new_page(viewport={"width": 390, "height": 844})  # phone-sized
    login(page, live_server)
    page.click("a.next-step")  # the home page's one 接下来 suggestion
    page.wait_for_url("**/modules/counter-basics")
    assert page.locator("#module-progress progress").get_attribute("value") == "0"
    page.locator("section.section").first.locator("button", has_text="标记为已读").click()
    page.locator("section.section").first.locator(".done").wait_for()
    assert page.locator("#module-progress progress").evaluate("el => el.value") == 33
    assert page.locator("#module-progress .progress-text").inner_text() == "1/3(33%)"
    page.reload()
    assert page.locator("section.section.is-read").count() == 1
