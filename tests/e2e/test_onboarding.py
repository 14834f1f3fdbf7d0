"""A new hire is led step by step: the admin creates the account with the 岗位 新员工, the new hire logs in,
finds the onboarding path on the home page, follows "下一步" into the first module, reads it, and comes home
to see step 1 done and step 2 next. Then a trainer assigns training to the whole 供电所 and follows it."""

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "my-own-pass-9"


def create_new_hire(page, server, login):
    login(page, server, "boss")
    page.goto(f"{server.url}/admin/users/new")
    page.fill("input[name=username]", "xinren")
    page.fill("input[name=display_name]", "周新人")
    page.fill("input[name=position]", "新员工")
    team = page.locator("select[name=unit_id] option", has_text="测试营业班").get_attribute("value")
    page.select_option("select[name=unit_id]", value=team)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/admin/users")
    toggle = page.locator("button.menu-toggle")  # on a phone 退出 sits behind 菜单
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login")


def test_new_hire_is_led_through_the_onboarding_path(live_server, launch_browser, login, menu):
    browser = launch_browser()
    page = browser.new_page(viewport={"width": 390, "height": 844})  # phone-sized
    create_new_hire(page, live_server, login)

    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "xinren")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/password")  # an account made by the admin sets its own password first
    page.fill("input[name=current]", PASSWORD)
    page.fill("input[name=new]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    todo = page.locator("#todo")
    assert "测试入职路径" in todo.inner_text()
    assert todo.locator(".step").count() == 4
    assert todo.locator(".step-next").inner_text().count("电话服务基础") == 1
    assert todo.locator(".step-locked").count() == 3

    assert "测试入职路径" in page.locator("#next .next-reason").inner_text()  # the home page's one 接下来
    page.click("#next a.next-step")  # the one click: no menu, no catalogue
    page.wait_for_url("**/modules/phone-basics")
    # Each click replaces its button with "✓ 已读", so always click the first one still there.
    buttons = page.locator("section.section button", has_text="标记为已读")
    for remaining in range(buttons.count(), 0, -1):
        buttons.first.click()
        page.wait_for_function(
            "n => document.querySelectorAll('section.section form.mark-read button').length < n", arg=remaining)
    page.locator("#module-progress .progress-text", has_text="2/2").wait_for()

    menu(page, "首页")
    page.wait_for_url(f"{live_server.url}/")
    steps = page.locator("#todo .step")
    assert "step-done" in steps.nth(0).get_attribute("class")
    assert "step-next" in steps.nth(1).get_attribute("class") and "柜台服务基础" in steps.nth(1).inner_text()
    assert "柜台服务基础" in page.locator("#next a.next-step").inner_text()
    assert "1/4" in page.locator("#todo .progress-text").inner_text()


def test_trainer_assigns_a_station_and_sees_who_is_behind(live_server, launch_browser, login, menu):
    browser = launch_browser()
    page = browser.new_page()
    login(page, live_server, "coach")  # a trainer of 测试供电所
    menu(page, "培训任务")
    page.click("a:has-text('分配培训')")
    page.select_option("select[name=item]", label="电话服务基础")
    page.check("input[name=unit_ids] >> nth=0")  # 测试供电所 itself, with its 班组
    page.fill("input[name=due_date]", "2030-12-31")
    page.click("input[type=submit][value='分配']")
    page.wait_for_url(re.compile(r".*/assignments/\d+$"))
    assert "共 1 人" in page.locator("#summary").inner_text()
    assert "李学员" in page.locator("#by-person").inner_text()
    assert "测试营业班" in page.locator("#by-unit").inner_text()
    page.click("button:has-text('一键提醒')")
    page.locator(".flash", has_text="已提醒 1 人").wait_for()
    with page.expect_download() as download:
        page.click("a:has-text('导出 Excel')")
    assert download.value.suggested_filename.endswith(".xlsx")
