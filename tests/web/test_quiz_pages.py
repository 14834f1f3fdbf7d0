"""Quiz pages: exams without JavaScript, review, practice, daily review, and the trainers' pages
(results by unit, item analysis, exam blueprints, bank import/export), scoped by unit."""

import io
import json
import random
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.chart_support import chart_data
from tests.quiz_support import import_through_page, right_response
from trainer.audit import AuditEvent
from trainer.extensions import db
from trainer.quiz import services
from trainer.quiz.exams import get_exam
from trainer.quiz.models import Exam, QuizAttempt, ReviewCard
from trainer.timeutil import utcnow


@pytest.fixture
def as_trainee(auth, people, content):
    auth.login("trainee_east")
    return people["trainee_east"]


@pytest.fixture
def as_trainer(auth, people, content):
    auth.login("trainer_east")
    return people["trainer_east"]


def test_take_an_exam_without_javascript(client, as_trainee):
    listing = client.get("/exams").get_data(as_text=True)
    assert "测试考试" in listing and "开始考试" in listing
    started = client.post("/exams/demo-exam/start")
    assert started.status_code == 302
    page = client.get(started.location).get_data(as_text=True)
    assert page.count('class="question card"') == 5 and "剩余时间" in page and "js/exam.js" in page
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == as_trainee.id))
    assert "继续考试" in client.get("/exams").get_data(as_text=True)
    assert "继续考试" in client.get("/").get_data(as_text=True)  # the home panel links back to it
    submitted = client.post(f"/attempts/{attempt.id}/submit")
    review = client.get(submitted.location).get_data(as_text=True)
    assert "不合格" in review and "解析:" in review and "依据:<a class=\"cite\"" in review and "第 5.2.1 条" in review and "未作答" in review
    assert client.get(f"/attempts/{attempt.id}").status_code == 302  # a submitted attempt opens its review


def test_practice_quiz_page_and_module_link(client, as_trainee):
    assert "去做章节测验" in client.get("/modules/counter-basics").get_data(as_text=True)
    page = client.get("/modules/counter-basics/quiz").get_data(as_text=True)
    assert "开始测验" in page and "80%" in page
    attempt_page = client.get(client.post("/modules/counter-basics/quiz/start").location).get_data(as_text=True)
    assert attempt_page.count("核对答案") == 3 and "完成测验" in attempt_page
    assert client.get("/modules/phone-basics/quiz").status_code == 404


def test_daily_review_from_the_home_page(client, as_trainee):
    assert "今日复习 0 题" in client.get("/").get_data(as_text=True)
    now = utcnow()
    from trainer.courses.services import get_module

    attempt, _ = services.start_practice(as_trainee, get_module("counter-basics"), now - timedelta(days=2), random.Random(1))
    services.submit(attempt, now - timedelta(days=2))
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "今日复习 3 题" in home and "开始复习" in home
    page = client.get("/review").get_data(as_text=True)
    assert "本组第 1 题" in page
    card_id = int(re.search(r'action="/review/(\d+)"', page).group(1))
    card = db.session.get(ReviewCard, card_id)
    order = [int(x) for x in re.search(r'name="order" value="([\d,]*)"', page).group(1).split(",") if x]
    answer = card.question.answer
    form = {"order": ",".join(map(str, order)), "done": "0"}
    qtype = card.question.type
    if qtype in ("single", "multiple"):
        form["choice"] = [str(order.index(i)) for i in answer]
    elif qtype == "true_false":
        form["tf"] = "true" if answer[0] else "false"
    elif qtype == "fill_blank":
        form["text"] = answer[0]
    else:
        form["step"] = [str(order.index(i)) for i in answer]
    feedback = client.post(f"/review/{card_id}", data=form).get_data(as_text=True)
    assert "回答正确" in feedback and "下次复习" in feedback
    assert "今日复习 2 题" in client.get("/").get_data(as_text=True)
    empty = client.post(f"/review/{card_id}", data={"order": "", "done": "1"})
    assert empty.status_code == 302  # nothing chosen: back to the question with a message


def _submit_attempts(people, answers_right: list[bool]):
    """One submitted demo-exam attempt per flag: all right or all wrong, for a few east trainees."""
    from trainer.auth.models import User

    now = utcnow()
    for n, right in enumerate(answers_right):
        user = User(username=f"east{n}", display_name=f"东{n}", role="trainee", unit=people["trainee_east"].unit)
        db.session.add(user)
        db.session.flush()
        attempt, _ = services.start_exam(user, get_exam("demo-exam", user), now, random.Random(n))
        for item in attempt.items[: (5 if right else n % 2)]:
            services.save_answer(user, attempt, item.question_id, right_response(item), now)
        services.submit(attempt, now)
    db.session.commit()


def test_results_by_unit_show_only_the_trainers_units(client, people, as_trainer, units):
    _submit_attempts(people, [True, True, False])
    west, _ = services.start_exam(people["trainee_west"], get_exam("demo-exam", people["trainee_west"]), utcnow())
    services.submit(west, utcnow())
    db.session.commit()
    page = client.get("/exams/demo-exam/results").get_data(as_text=True)
    assert "东区营业班" in page and "西区营业班" not in page
    detail = client.get(f"/exams/demo-exam/results?unit={units['east_team'].id}").get_data(as_text=True)
    assert "东0" in detail and "合格" in detail and "未参加" in detail  # trainee_east has not taken it
    assert client.get(f"/exams/demo-exam/results?unit={units['west_team'].id}").status_code == 403


def test_item_analysis_flags_questions(client, people, as_trainer):
    _submit_attempts(people, [True, True, True, False, False, False])
    page = client.get("/exams/demo-exam/analysis").get_data(as_text=True)
    assert page.count("难度系数") >= 6 and "区分度" in page
    assert "起身相迎" in page  # option frequencies of the multiple-choice question
    assert "太难或答案有误" in page or "区分度低" in page or "太容易" in page


def test_results_and_analysis_embed_their_charts(client, people, as_trainer):
    _submit_attempts(people, [True, True, False, False, False])  # best scores 100, 100 and three low ones
    page = client.get("/exams/demo-exam/results").get_data(as_text=True)
    scores = chart_data(page, "score-chart")
    assert scores["categories"][-1] == "90–100" and scores["series"][0]["values"][-1] == 2
    assert sum(scores["series"][0]["values"]) == 5 and "js/charts.js" in page and "分数分布" in page
    page = client.get("/exams/demo-exam/analysis").get_data(as_text=True)
    difficulty = chart_data(page, "difficulty-chart")
    assert len(difficulty["categories"]) == 5 and difficulty["max"] == 1
    values = difficulty["series"][0]["values"]
    assert values == sorted(values) and all(0 <= v <= 1 for v in values)  # hardest first, facility 0–1
    assert 'href="#item-1"' in page and 'id="item-1"' in page  # the table under the chart links to each question


def test_trainer_creates_and_edits_an_exam_for_their_units(client, people, as_trainer, auth):
    form = {"title": "东区抽考", "description": "", "duration_minutes": "20", "pass_percent": "60", "max_attempts": "1",
            "shuffle_options": "y", "rules-0-type": "single", "rules-0-banks": "demo-bank", "rules-0-count": "1",
            "rules-0-points": "5", "rules-0-difficulty": "", "rules-0-tags": "",
            "rules-1-type": "true_false", "rules-1-banks": "demo-bank", "rules-1-count": "1", "rules-1-points": "5"}
    too_many = dict(form, **{"rules-0-count": "3"})
    refused = client.post("/exams/new", data=too_many)
    assert refused.status_code == 400 and "只有 1 道" in refused.get_data(as_text=True)
    assert client.post("/exams/new", data=form).status_code == 302
    exam = db.session.scalar(select(Exam).where(Exam.title == "东区抽考"))
    assert exam.origin == "trainer" and exam.key.startswith("t-") and exam.unit_id == people["trainer_east"].unit_id
    assert exam.max_points == 10
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exam.create", AuditEvent.target == exam.key))
    edit = client.get(f"/exams/{exam.key}/edit").get_data(as_text=True)
    assert "东区抽考" in edit
    assert client.post(f"/exams/{exam.key}/edit", data=dict(form, title="东区抽考(改)")).status_code == 302
    db.session.refresh(exam)
    assert exam.title == "东区抽考(改)"
    auth.logout()
    auth.login("trainee_east")
    assert "东区抽考" in client.get("/exams").get_data(as_text=True)
    auth.logout()
    auth.login("trainee_west")
    assert "东区抽考" not in client.get("/exams").get_data(as_text=True)
    assert client.post(f"/exams/{exam.key}/start").status_code == 404
    auth.logout()
    auth.login("trainer_west")
    assert client.get(f"/exams/{exam.key}/edit").status_code == 404


def test_bank_export_and_import_pages(client, as_trainer):
    listing = client.get("/banks").get_data(as_text=True)
    assert "测试题库" in listing and "内置" in listing
    xlsx = client.get("/banks/demo-bank/export.xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.content_type
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]][:3] == ["编号", "题型", "题干"] and sheet.max_row == 6
    gift = client.get("/banks/demo-bank/export.gift")
    assert gift.status_code == 200 and "::demo-001::" in gift.get_data(as_text=True)
    imported = import_through_page(client, xlsx.data, "题库.xlsx", title="东区题库")
    assert imported.status_code == 302
    assert "新增 5 题" in client.get("/banks").get_data(as_text=True)
    broken = gift.get_data(as_text=True).replace("{TRUE", "TRUE").replace("{FALSE", "FALSE")  # "}" without "{"
    failed = import_through_page(client, broken.encode(), "bank.gift", title="坏", all_or_nothing=True)
    body = failed.get_data(as_text=True)
    assert failed.status_code == 400 and "没有导入任何题目" in body and "大括号 { } 不配对" in body


def test_trainees_cannot_reach_trainer_pages(client, as_trainee):
    for url in ["/banks", "/banks/import", "/exams/new", "/exams/demo-exam/results", "/exams/demo-exam/analysis",
                "/banks/demo-bank/export.xlsx"]:
        assert client.get(url).status_code == 403, url


def test_exam_list_json_for_other_clients(client, as_trainee):
    body = json.loads(client.get("/api/v1/exams").data)
    assert body[0]["key"] == "demo-exam" and body[0]["questions"] == 5
