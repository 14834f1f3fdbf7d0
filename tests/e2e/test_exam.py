"""A trainee takes a timed exam in Chromium: starts it, answers (each answer saved as given), reloads the
page and finds the answers restored, submits, and reads the review page."""

import re

import pytest

pytestmark = pytest.mark.e2e


def _right_answers(server, attempt_id: int) -> dict[int, tuple[str, list]]:
    from tests.quiz_support import right_response
    from trainer.extensions import db
    from trainer.quiz.models import QuizItem

    with server.app.app_context():
        items = db.session.query(QuizItem).filter_by(attempt_id=attempt_id).all()
        answers = {i.question_id: (i.question.type, right_response(i)) for i in items}
        db.session.remove()
    return answers


def go_to(page, qid: int) -> None:
    """On a phone one question shows at a time: open the 答题卡 drawer and jump to the question."""
    if page.locator("#attempt.is-paged").count() and not page.locator(f'fieldset[data-question="{qid}"]').is_visible():
        page.click("#card-toggle")
        page.locator("#answer-card.is-open").wait_for()
        page.click(f'#answer-card a.cell[data-question="{qid}"]')
        page.locator(f'fieldset[data-question="{qid}"]').wait_for(state="visible")


def _answer(page, qid: int, qtype: str, response: list) -> None:
    go_to(page, qid)
    box = page.locator(f'fieldset[data-question="{qid}"]')
    if qtype in ("single", "multiple"):
        for position in response:
            box.locator(f'input[value="{position}"]').check()
    elif qtype == "true_false":
        box.locator(f'input[value="{"true" if response[0] else "false"}"]').check()
    elif qtype == "fill_blank":
        box.locator('input[type="text"]').fill(response[0])
    else:
        for step, position in enumerate(response):
            box.locator(f'select[data-step="{step}"]').select_option(str(position))
    box.locator(".save-state", has_text="已保存").wait_for(timeout=10000)


def phone_at_exam_list(server, launch_browser, login):
    """A signed-in trainee's phone-sized page that has clicked 开始考试 on the exam list."""
    page = launch_browser().new_page(viewport={"width": 390, "height": 844})
    login(page, server)
    page.goto(f"{server.url}/exams")
    page.click("text=开始考试")
    return page


def test_trainee_takes_and_submits_an_exam(live_server, launch_browser, login):
    page = phone_at_exam_list(live_server, launch_browser, login)
    page.click("#confirm-start")  # the rules first (time, questions, attempts left), then the start
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    assert re.match(r"\d\d:\d\d", page.locator("#timer").inner_text())
    answers = _right_answers(live_server, attempt_id)
    (first_qid, (first_type, first_response)), *rest = answers.items()
    _answer(page, first_qid, first_type, first_response)

    page.reload()  # a dropped connection or a closed tab: the answer is on the server
    page.locator(".save-state", has_text="已保存").first.wait_for()
    assert page.locator("#answered").inner_text() == "1"
    for qid, (qtype, response) in rest:
        _answer(page, qid, qtype, response)
    assert page.locator("#answered").inner_text() == "5"

    page.click("#submit-button")
    assert "都已作答" in page.locator("#submit-summary").inner_text()
    page.click("#submit-confirm")
    page.wait_for_url(re.compile(r".*/attempts/\d+/review$"))
    assert page.locator("#result .score strong").inner_text() == "100"
    assert "合格" in page.locator("#result").inner_text()
    assert page.locator(".review-item").count() == 5
    assert page.locator(".explanation").count() == 5
    page.goto(f"{live_server.url}/attempts/{attempt_id}")  # a submitted attempt cannot be reopened
    assert page.url.endswith("/review")


def test_at_a_deadline_rush_the_trainee_sees_the_result_at_once_and_it_is_recorded(live_server, launch_browser, login):
    """trainer/quiz/deferred.py in the browser: the submission is closed and answered before its grades are
    written; the review page shows the result computed from the frozen keys, and the grading thread stores it."""
    import time

    from trainer.extensions import db
    from trainer.quiz.models import QuizAttempt

    live_server.app.config.update(QUIZ_GRADING="deferred", QUIZ_GRADING_SETTLE_SECONDS=0.2)
    page = phone_at_exam_list(live_server, launch_browser, login)
    page.click("#confirm-start")
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    (qid, (qtype, response)), *_rest = _right_answers(live_server, attempt_id).items()
    _answer(page, qid, qtype, response)
    page.click("#submit-button")
    page.click("#submit-confirm")
    page.wait_for_url(re.compile(r".*/attempts/\d+/review$"))
    assert page.locator("#result .score strong").inner_text() == "20"
    assert "不合格" in page.locator("#result").inner_text()
    deadline = time.monotonic() + 20
    with live_server.app.app_context():
        while (stored := db.session.get(QuizAttempt, attempt_id)).status != "submitted":
            assert time.monotonic() < deadline, "the grading thread never recorded the submission"
            db.session.remove()
            time.sleep(0.05)
        assert stored.percent == 20 and stored.passed is False


def test_answers_given_offline_are_saved_when_the_network_returns(live_server, launch_browser, login):
    browser = launch_browser()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server)
    page.goto(f"{live_server.url}/modules/counter-basics/quiz")
    page.click("text=开始测验")
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    answers = _right_answers(live_server, attempt_id)
    qid, (qtype, response) = next(iter(answers.items()))
    context.set_offline(True)
    box = page.locator(f'fieldset[data-question="{qid}"]')
    if qtype in ("single", "multiple"):
        for position in response:
            box.locator(f'input[value="{position}"]').check()
    elif qtype == "true_false":
        box.locator(f'input[value="{"true" if response[0] else "false"}"]').check()
    elif qtype == "fill_blank":
        box.locator('input[type="text"]').fill(response[0])
        box.locator('input[type="text"]').blur()
    else:
        for step, position in enumerate(response):
            box.locator(f'select[data-step="{step}"]').select_option(str(position))
    box.locator(".save-state", has_text="未保存").wait_for(timeout=10000)
    context.set_offline(False)
    box.locator(".save-state", has_text="已保存").wait_for(timeout=15000)
    # Practice: checking an answer shows the explanation and the cited clause at once.
    box.locator(".check-answer").click()
    box.locator(".feedback .verdict-right").wait_for(timeout=10000)
    assert "依据:" in box.locator(".feedback").inner_text()
    assert box.locator("input, select").first.is_disabled()
