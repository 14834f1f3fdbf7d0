"""While a trainee's exam runs, nothing shows them the key of one of its questions: not a practice quiz's
核对答案, not a practice submission, not the review of an earlier attempt, not the daily review
(docs/quiz.md, 考试期间题目保密). Through the API (bearer token) and the pages."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import Auth
from tests.quiz_support import right_response
from tests.web.test_quiz_api import token_for
from trainer.content.exams import DrawRule
from trainer.extensions import db
from trainer.quiz import exams, services
from trainer.quiz.models import QuizAttempt, QuizItem, ReviewCard
from trainer.timeutil import utcnow


@pytest.fixture
def trainee(client, people, content):
    return token_for(client, "trainee_east")


def items_of(attempt_id: int) -> list[QuizItem]:
    return list(db.session.scalars(select(QuizItem).where(QuizItem.attempt_id == attempt_id).order_by(QuizItem.position)))


def answer(client, headers, attempt_id, item, check=False):
    return client.post(f"/api/v1/attempts/{attempt_id}/answers", headers=headers,
                       json={"question_id": item.question_id, "response": right_response(item), "check": check})


def test_no_checking_or_submitting_a_practice_quiz_that_shares_questions_with_the_running_exam(client, trainee):
    practice = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee).get_json()
    exam = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()  # holds every bank question
    item = items_of(practice["id"])[0]
    refused = answer(client, trainee, practice["id"], item, check=True)
    assert refused.status_code == 403 and "交卷后才能核对答案" in refused.get_json()["error"]
    assert "feedback" not in refused.get_json()
    db.session.expire_all()
    assert not items_of(practice["id"])[0].checked
    state = client.get(f"/api/v1/attempts/{practice['id']}", headers=trainee).get_json()
    assert all(i.get("withheld") and "feedback" not in i for i in state["items"])
    running = client.get(f"/api/v1/attempts/{exam['id']}", headers=trainee).get_json()
    assert not any("withheld" in i or "feedback" in i for i in running["items"])  # the exam itself: nothing to withhold
    assert answer(client, trainee, practice["id"], item).status_code == 200  # saving without checking is fine
    submitted = client.post(f"/api/v1/attempts/{practice['id']}/submit", headers=trainee)
    assert submitted.status_code == 403 and "请先交考试试卷" in submitted.get_json()["error"]
    assert client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee).status_code == 200  # resumes it

    assert client.post(f"/api/v1/attempts/{exam['id']}/submit", headers=trainee).status_code == 200
    checked = answer(client, trainee, practice["id"], item, check=True)
    assert checked.status_code == 200 and checked.get_json()["feedback"]["correct"] is True
    assert client.post(f"/api/v1/attempts/{practice['id']}/submit", headers=trainee).status_code == 200


def test_a_practice_quiz_drawn_during_an_exam_leaves_its_questions_out(client, trainee, people):
    one = exams.create_exam(people["trainer_east"], exams.ExamInput(
        title="单题考试", description="", duration_minutes=30, pass_percent=80, max_attempts=0, shuffle_options=True,
        rules=[DrawRule(banks=["demo-bank"], type="single", count=1, points=1)]))
    db.session.commit()
    exam = client.post(f"/api/v1/exams/{one.key}/attempts", headers=trainee).get_json()
    in_exam = {i.question_id for i in items_of(exam["id"])}
    practice = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee)
    assert practice.status_code == 201
    drawn = {i.question_id for i in items_of(practice.get_json()["id"])}
    assert len(drawn) == 3 and not drawn & in_exam
    assert all(answer(client, trainee, practice.get_json()["id"], i, check=True).status_code == 200
               for i in items_of(practice.get_json()["id"]))


def test_starting_a_practice_quiz_whose_questions_are_all_in_the_exam_is_refused(client, trainee, auth):
    client.post("/api/v1/exams/demo-exam/attempts", headers=trainee)
    refused = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee)
    assert refused.status_code == 403 and "请先交卷" in refused.get_json()["error"]
    auth.login("trainee_east")
    page = client.post("/modules/counter-basics/quiz/start")
    assert page.status_code == 403 and "请先交卷" in page.get_data(as_text=True)


def test_reviews_of_earlier_attempts_hide_the_running_exams_keys(client, trainee, auth):
    practice = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee).get_json()
    client.post(f"/api/v1/attempts/{practice['id']}/submit", headers=trainee)
    exam = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
    result = client.get(f"/api/v1/attempts/{practice['id']}/result", headers=trainee).get_json()
    assert all(i["withheld"] and "feedback" not in i and "earned" not in i for i in result["items"])
    auth.login("trainee_east")
    page = client.get(f"/attempts/{practice['id']}/review").get_data(as_text=True)
    assert "考试交卷后才显示正确答案" in page and "正确答案:" not in page and "解析:" not in page

    client.post(f"/api/v1/attempts/{exam['id']}/submit", headers=trainee)
    result = client.get(f"/api/v1/attempts/{practice['id']}/result", headers=trainee).get_json()
    assert all("feedback" in i and "withheld" not in i for i in result["items"])
    assert "正确答案:" in client.get(f"/attempts/{practice['id']}/review").get_data(as_text=True)


def test_daily_review_holds_back_the_running_exams_questions(client, trainee, auth):
    practice = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee).get_json()
    client.post(f"/api/v1/attempts/{practice['id']}/submit", headers=trainee)  # all missed: cards made

    def make_due():
        for card in db.session.scalars(select(ReviewCard)):
            card.due_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    make_due()
    exam = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
    auth.login("trainee_east")
    page = client.get("/review").get_data(as_text=True)
    assert 'name="order"' not in page  # no card offered
    card = db.session.scalars(select(ReviewCard)).first()
    reps = card.reps
    held = client.post(f"/review/{card.id}", data={"choice": "0", "tf": "true", "text": "x", "order": "0"})
    db.session.expire_all()
    assert held.status_code == 302 and db.session.get(ReviewCard, card.id).reps == reps
    assert "交卷后再复习" in client.get("/review").get_data(as_text=True)
    client.post(f"/api/v1/attempts/{exam['id']}/submit", headers=trainee)
    make_due()  # the exam's result rescheduled the cards
    assert 'name="order"' in client.get("/review").get_data(as_text=True)


def test_an_exam_past_its_deadline_no_longer_holds_its_questions(client, trainee, people):
    exam = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
    assert services.exam_secrets(people["trainee_east"], utcnow())
    db.session.get(QuizAttempt, exam["id"]).deadline_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert services.exam_secrets(people["trainee_east"], utcnow()) == set()


@pytest.mark.parametrize("check", ["yes", 1, "true", None, []])
def test_check_must_be_a_json_boolean(client, trainee, check):
    practice = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee).get_json()
    item = items_of(practice["id"])[0]
    refused = client.post(f"/api/v1/attempts/{practice['id']}/answers", headers=trainee,
                          json={"question_id": item.question_id, "response": right_response(item), "check": check})
    assert refused.status_code == 400 and "check 应为 true 或 false" in refused.get_json()["error"]
    db.session.expire_all()
    assert items_of(practice["id"])[0].response is None


def test_the_practice_page_offers_no_check_button_for_exam_questions(client, trainee, auth):
    practice = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee).get_json()
    client.post("/api/v1/exams/demo-exam/attempts", headers=trainee)
    auth.login("trainee_east")
    page = client.get(f"/attempts/{practice['id']}").get_data(as_text=True)
    assert "核对答案</button>" not in page and page.count("考试交卷后才能核对答案") == 3


def test_staff_reviews_are_not_affected_by_a_trainees_exam(client, trainee, people):
    practice = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee).get_json()
    client.post(f"/api/v1/attempts/{practice['id']}/submit", headers=trainee)
    client.post("/api/v1/exams/demo-exam/attempts", headers=trainee)
    Auth(client).login("trainer_east")
    assert "正确答案:" in client.get(f"/attempts/{practice['id']}/review").get_data(as_text=True)


def test_the_page_submit_of_such_a_practice_quiz_returns_to_it_with_the_reason(client, trainee):
    """Without JavaScript the quiz page posts its form: the refusal is a message on the quiz, not an error page."""
    practice = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee).get_json()
    client.post("/api/v1/exams/demo-exam/attempts", headers=trainee)
    Auth(client).login("trainee_east")
    refused = client.post(f"/attempts/{practice['id']}/submit", follow_redirects=True)
    assert refused.status_code == 200 and refused.request.path == f"/attempts/{practice['id']}"
    assert "请先交考试试卷" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuizAttempt, practice["id"]).status == "open"
