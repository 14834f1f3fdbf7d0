"""The trainer charts render (an SVG per chart, no script errors, labels at least 11 px, nothing wider than
the screen) on a phone (390 px) and a desktop (1366 px), and the assignment form's people filter works."""

import random

import pytest

from tests.quiz_support import right_response
from tests.services.test_roleplay_missed import GREETING, HELP, SEAT, scored
from trainer.timeutil import utcnow

pytestmark = pytest.mark.e2e

CHART_PAGES = {
    "/records": ["compliance-chart", "trend-chart"],
    "/exams/demo-exam/results": ["score-chart"],
    "/exams/demo-exam/analysis": ["difficulty-chart"],
    "/roleplay/review/missed": ["missed-chart"],
}


def seed(app) -> None:
    """Hours, a few exam attempts and scored role-play answers for the trainee of the live server."""
    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.quiz import services as quiz
    from trainer.quiz.exams import get_exam
    from trainer.records import services as records

    with app.app_context():
        admin = db.session.query(User).filter_by(username="boss").one()
        learner = db.session.query(User).filter_by(username="learner").one()
        now = utcnow()
        records.adjust(admin, learner, year=records.hours_policy().year_of(now), category="ethics", minutes=300,
                       reason="线下学习补录", now=now)
        for n in range(2):  # the demo exam allows two attempts
            attempt, _ = quiz.start_exam(learner, get_exam("demo-exam", learner), now, random.Random(n))
            for item in attempt.items[: n + 2]:
                quiz.save_answer(learner, attempt, item.question_id, right_response(item), now)
            quiz.submit(attempt, now)
            db.session.commit()
        scored(learner, "counter-greeting", [(GREETING, True), (SEAT, False), (HELP, False)])
        scored(learner, "counter-greeting", [(GREETING, False), (SEAT, False), (HELP, True)])
        db.session.commit()


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_charts_render_on_phone_and_desktop(live_server, launch_browser, login, width, height):
    seed(live_server.app)
    browser = launch_browser()
    page = browser.new_page(viewport={"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(f"{message.text} {message.location.get('url')}")
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico") else None)
    login(page, live_server, "boss")
    for url, charts in CHART_PAGES.items():
        page.goto(live_server.url + url)
        for chart in charts:
            box = page.locator(f"#{chart}")
            box.locator("svg").first.wait_for()
            assert box.locator("svg text").count() > 0, f"{url} #{chart} has no labels"
            smallest = box.evaluate("b => Math.min(...Array.from(b.querySelectorAll('svg text'), "
                                    "t => parseFloat(getComputedStyle(t).fontSize)))")
            assert smallest >= 11, f"{url} #{chart}: {smallest}px labels"
            right = box.evaluate("b => b.getBoundingClientRect().right")
            assert right <= width, f"{url} #{chart} is {right}px wide on a {width}px screen"
        assert page.locator("table").count() >= 1  # the figures stay readable as a table
    assert errors == []


def test_people_picker_filters_by_text_and_position(live_server, launch_browser, login):
    browser = launch_browser()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    login(page, live_server, "boss")
    page.goto(live_server.url + "/assignments/new")
    rows = page.locator("[data-picker] label[data-search]")
    visible = "label[data-search]:visible"
    total = rows.count()
    assert total >= 2  # 李学员 and 王老师
    page.fill("input[data-picker-search]", "李学")
    assert page.locator(f"[data-picker] {visible}").count() == 1
    page.locator(f"[data-picker] {visible} input").check()
    assert page.locator("[data-picker-count]").inner_text() == "已选 1 人"
    page.fill("input[data-picker-search]", "")
    assert page.locator(f"[data-picker] {visible}").count() == total
    page.select_option("select[data-picker-position]", "新员工")  # nobody holds it yet
    assert page.locator(f"[data-picker] {visible}").count() == 0
    assert page.locator("[data-picker-group]:visible").count() == 0
