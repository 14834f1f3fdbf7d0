"""Issue 16, points 2–3 on the pages: the exam's confirmation page and no-store headers, the path-order lock on
the start POST, the role-play catalogue's standing, the module page's credit and 下一单元, the home page's one
接下来, and due dates in words."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from trainer import signals
from trainer.assignments import services as assignments
from trainer.certification.models import Qualification
from trainer.courses.services import get_module, mark_section_read
from trainer.extensions import db
from trainer.quiz.models import QuizAttempt
from trainer.records import services as records
from trainer.roleplay.models import RoleplaySession, Scenario
from trainer.timeutil import utcnow


@pytest.fixture
def trainee(auth, people, content):
    auth.login("trainee_east")
    return people["trainee_east"]


def assign_path(people, units, **target):
    assignment = assignments.create_assignment(
        people["admin"], item_kind="path", item_key="new-hire-onboarding", due_date=target.pop("due", date.today() + timedelta(days=20)),
        now=target.pop("now", utcnow()), **(target or {"units": [units["east"]]}))
    db.session.commit()
    return assignment


def test_an_exam_starts_only_after_its_rules_are_confirmed(client, trainee):
    listing = client.get("/exams")
    assert listing.headers["Cache-Control"] == "private, no-store"
    assert 'href="/exams/demo-exam/start"' in listing.get_data(as_text=True)
    confirm = client.get("/exams/demo-exam/start")
    page = confirm.get_data(as_text=True)
    assert confirm.headers["Cache-Control"] == "private, no-store"
    assert "5</strong> 题" in page and "10</strong> 分钟" in page and "还剩 2 次" in page and "确认开始考试" in page
    assert db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.user_id == trainee.id)) is None  # GET starts nothing
    started = client.post("/exams/demo-exam/start")
    attempt_page = client.get(started.location)
    assert attempt_page.headers["Cache-Control"] == "private, no-store"
    assert attempt_page.get_data(as_text=True).count('<li><a href="#q') == 5  # the 答题卡, one cell per question
    again = client.get("/exams/demo-exam/start").get_data(as_text=True)  # the back button
    assert "继续考试" in again and "确认开始考试" not in again


def test_a_locked_exam_step_is_refused_with_what_to_finish_first(client, trainee, people, units):
    assign_path(people, units)
    page = client.get("/exams/demo-exam/start").get_data(as_text=True)
    assert "请先完成" in page and "电话服务基础" in page and "确认开始考试" not in page
    assert "请先完成" in client.get("/exams").get_data(as_text=True)
    refused = client.post("/exams/demo-exam/start")  # a hand-made POST: the server decides, not the button
    assert refused.status_code == 403 and "请先完成" in refused.get_data(as_text=True)
    api = client.post("/api/v1/exams/demo-exam/attempts", headers={"X-CSRFToken": "x", "Accept": "application/json"})
    assert api.status_code in (400, 403)  # without a valid CSRF header the cookie call stops earlier
    assert db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.user_id == trainee.id)) is None
    assert client.post("/roleplay/counter-greeting/start").status_code == 403
    assert db.session.scalar(select(RoleplaySession.id).where(RoleplaySession.user_id == trainee.id)) is None


def test_roleplay_catalogue_shows_standing_and_what_is_required(client, trainee):
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    db.session.add(Qualification(key="clerk", title="柜台上岗资格", positions_json=[], module_keys_json=[],
                                 scenario_keys_json=["counter-greeting"], validity_months=12))
    for score, passed in ((62, False), (88, True)):
        db.session.add(RoleplaySession(user_id=trainee.id, scenario_id=scenario.id, status="finished", score=score,
                                       passed=passed, started_at=utcnow()))
    db.session.commit()
    page = client.get("/roleplay").get_data(as_text=True)
    row = page[page.index('data-scenario="counter-greeting"'):]
    row = row[:row.index("</li>")]
    assert "已通过" in row and "最高 88 分" in row and "必修 · 柜台上岗资格" in row
    others = page.replace(row, "")
    assert "未练习" in others and "必修" not in others


def test_a_passed_module_says_its_credit_and_offers_the_next_unit(client, trainee):
    module = get_module("counter-basics")
    page = client.get("/modules/counter-basics").get_data(as_text=True)
    assert "下一单元:电话服务基础" in page and 'href="/modules/phone-basics"' in page
    for section in module.active_sections:
        mark_section_read(trainee, section.id)
    signals.module_completed.send(trainee, module=module, completed_at=utcnow())
    records.credit_module(trainee, module, utcnow())
    db.session.commit()
    page = client.get("/modules/counter-basics").get_data(as_text=True)
    credited = page[page.index('id="credited-hours"'):]
    assert "已计入 1.5 学时" in credited[:credited.index("</span>")] and "hidden" not in credited[:credited.index(">")]
    assert "下一单元" not in client.get("/modules/phone-basics").get_data(as_text=True)  # the last module


def test_home_shows_one_next_step_with_its_reason(client, trainee, people, units):
    page = client.get("/").get_data(as_text=True)
    assert page.count('id="next"') == 1 and "建议学习" not in page
    assert "本年度学时还差 16 学时" in page  # the hours target outranks the course order
    assert "接下来学习" not in page
    assign_path(people, units)
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="button primary next-step"') == 1
    card = page[page.index('id="next"'):]
    card = card[:card.index("</section>")]
    due = date.today() + timedelta(days=20)
    assert "电话服务基础" in card and f"培训任务“测试入职路径”的下一步,{due.month} 月 {due.day} 日截止" in card


@pytest.mark.parametrize(("due_in", "words"), [(0, "今天到期"), (-3, "已逾期 3 天"), (5, "还有 5 天")])
def test_due_dates_read_in_words(client, trainee, people, units, due_in, words):
    now = utcnow()
    from trainer.assignments.rules import local_today

    assign_path(people, units, due=local_today(now) + timedelta(days=due_in), now=now - timedelta(days=10))
    page = client.get("/my/assignments").get_data(as_text=True)
    assert words in page and "还有 0 天" not in page
    if due_in <= 0:  # the home page's 接下来 says it too
        assert words in client.get("/").get_data(as_text=True).split('id="next"')[1].split("</section>")[0]


def test_a_new_hire_created_on_the_deadline_day_is_not_counted_down(client, auth, people, units, content, app):
    from trainer.records.services import hours_policy

    with app.test_request_context():
        rules = hours_policy()
    hire = people["trainee_west"]
    now = utcnow()
    deadline = rules.deadline_date(rules.year_of(now))
    hire.created_at = datetime.combine(deadline, datetime.min.time()) + timedelta(hours=4)  # noon in Shanghai
    db.session.commit()
    auth.login("trainee_west")
    page = client.get("/").get_data(as_text=True)
    assert "还有 <strong>0</strong> 天" not in page
    if rules.today(now) >= deadline:
        assert "本年度不倒计时" in page
