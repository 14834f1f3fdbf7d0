"""The exam 答题卡 on a phone: the rules are confirmed before the clock starts, one question shows per screen,
the card (a drawer) shows answered / unanswered / marked, a mark survives a reload, the card jumps to a
question, the back button shows 继续考试 rather than a stale start, and 交卷 first says what is left."""

import re

import pytest

from tests.e2e.test_exam import _answer, _right_answers, phone_at_exam_list

pytestmark = pytest.mark.e2e


def cell_classes(page) -> list[str]:
    return page.eval_on_selector_all("#answer-card a.cell", "cells => cells.map(c => c.className)")


def test_answer_card_marks_jumps_and_confirms(live_server, launch_browser, login):
    page = phone_at_exam_list(live_server, launch_browser, login)
    page.wait_for_url(re.compile(r".*/exams/demo-exam/start$"))
    rules = page.locator("#exam-confirm").inner_text()
    assert "5 题" in rules.replace("\n", "") and "10 分钟" in rules.replace("\n", "") and "还剩 2 次" in rules
    page.click("#confirm-start")
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt_url = page.url
    answers = list(_right_answers(live_server, int(page.url.rsplit("/", 1)[1])).items())

    # One question per screen, with 上一题 / 下一题.
    assert page.locator("fieldset.question:visible").count() == 1
    assert page.locator("#pager-position").inner_text() == "第 1 / 5 题"
    page.click("#next-question")
    assert page.locator("#pager-position").inner_text() == "第 2 / 5 题"

    for qid, (qtype, response) in answers[:2]:
        _answer(page, qid, qtype, response)
    marked_qid = answers[1][0]
    page.locator(f'fieldset[data-question="{marked_qid}"] .mark-toggle').click()
    page.locator(f'fieldset[data-question="{marked_qid}"] .mark-toggle[aria-pressed="true"]').wait_for()
    assert page.locator("#marked-count").inner_text() == "1"

    page.reload()  # the mark is on the server, not only in the page
    page.locator("#marked-count", has_text="1").wait_for()
    classes = cell_classes(page)
    assert "is-answered" in classes[0] and "is-marked" not in classes[0]
    assert "is-answered" in classes[1] and "is-marked" in classes[1]
    assert all("is-answered" not in c and "is-marked" not in c for c in classes[2:])

    # The card is a drawer: open it and jump to question 4.
    assert not page.locator("#answer-card.is-open").count()
    page.click("#card-toggle")
    page.locator("#answer-card.is-open").wait_for()
    page.click('#answer-card a.cell:text-is("4")')
    page.locator(f'fieldset[data-question="{answers[3][0]}"]').wait_for(state="visible")
    assert page.locator("#pager-position").inner_text() == "第 4 / 5 题"
    assert page.locator("fieldset.question:visible").count() == 1

    # Back to the confirmation page: not a cached 确认开始 but the running attempt.
    page.go_back()
    page.wait_for_url(re.compile(r".*/exams/demo-exam/start$"))
    assert page.locator("#confirm-start").count() == 0
    page.click("#continue-exam")
    page.wait_for_url(attempt_url)

    page.click("#submit-button")
    summary = page.locator("#submit-summary").inner_text()
    assert "还有 3 题未作答" in summary and "1 题标记待查" in summary
    page.click("#submit-cancel")  # 返回检查: back to the first question left to look at
    assert page.url == attempt_url or page.url.startswith(attempt_url + "#")
    page.locator(f'fieldset[data-question="{answers[1][0]}"]').wait_for(state="visible")
    page.click("#submit-button")
    page.click("#submit-confirm")
    page.wait_for_url(re.compile(r".*/attempts/\d+/review$"))
    assert page.locator("#result .score strong").inner_text() == "40"
