"""A trainer in Chromium starts an empty bank, adds a question, edits it and sees the change in the preview that
shows it as a trainee would; the form shows only the option fields of the chosen type."""

import re

import pytest

pytestmark = pytest.mark.e2e


def test_trainer_edits_a_question_and_sees_it_in_the_preview(live_server, launch_browser, login):
    browser = launch_browser()
    page = browser.new_page()
    login(page, live_server, "coach")
    page.goto(f"{live_server.url}/banks")
    page.click("text=新建题库")
    page.fill("input[name=title]", "东区补充题")
    page.click("input[type=submit][value=新建题库]")
    page.wait_for_url(re.compile(r".*/banks/t-[0-9a-f]+$"))
    assert "题库中还没有题目" in page.inner_text("#questions")

    page.click("a.button:has-text('添加题目')")
    page.wait_for_url(re.compile(r".*/questions/new$"))
    assert page.locator("input[name=option_d]").is_visible()  # 单选题 first: up to six options
    page.select_option("select[name=type]", "true_false")
    assert not page.locator("input[name=option_a]").is_visible()  # 判断题 has none
    assert page.locator("#answer-hints li[data-type=true_false]").is_visible()
    page.fill("textarea[name=stem]", "客户来办理业务时,可以先处理完手中的内部工作再接待。")
    page.fill("input[name=answer]", "错")
    page.fill("input[name=source]", "000 §5.1.5")
    page.click("input[type=submit][value=保存]")
    page.wait_for_url(re.compile(r".*/questions/\d+$"))
    assert "先处理完手中的内部工作" in page.inner_text("#preview .stem")

    page.click(".actions >> text=编辑")
    page.wait_for_url(re.compile(r".*/edit$"))
    page.fill("textarea[name=stem]", "客户来办理业务时,应先外后内,立即接待。")
    page.fill("input[name=answer]", "对")
    page.click("input[type=submit][value=保存]")
    page.wait_for_url(re.compile(r".*/questions/\d+$"))
    assert page.inner_text("#preview .stem") == "客户来办理业务时,应先外后内,立即接待。"
    assert page.locator("#preview input[type=radio]").count() == 2  # 对 / 错, as on the attempt page
    assert "正确答案:对" in page.inner_text("#answer-key")
