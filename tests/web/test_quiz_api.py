"""/api/v1 exam endpoints: start, autosave, resume after reconnect, deadline, double submit, result."""

from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, Auth, csrf_token_from
from trainer.extensions import db
from trainer.quiz.models import QuizAttempt
from trainer.timeutil import utcnow


def token_for(client, username):
    response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def trainee(client, people, content):
    return token_for(client, "trainee_east")


def _answers_for(state: dict) -> dict:
    """The right response per item in shown positions, worked out from the database (a test knows the key)."""
    from trainer.quiz.marking import to_shown
    from trainer.quiz.models import QuizItem

    answers = {}
    for item in db.session.query(QuizItem).filter_by(attempt_id=state["id"]):
        q = item.question
        answers[q.id] = q.answer[:1] if q.type == "fill_blank" else to_shown(q.type, q.answer, item.option_order)
    return answers


def test_full_exam_through_the_api(client, trainee):
    listed = client.get("/api/v1/exams", headers=trainee).get_json()
    assert [e["key"] for e in listed] == ["demo-exam"] and listed[0]["attempts_used"] == 0
    started = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee)
    assert started.status_code == 201
    state = started.get_json()
    assert state["status"] == "open" and state["mode"] == "exam" and 595 <= state["remaining_seconds"] <= 600
    assert [i["type"] for i in state["items"]] == ["single", "multiple", "true_false", "fill_blank", "ordering"]
    assert all("feedback" not in i for i in state["items"])  # no answers before submission
    assert state["url"] == f"/attempts/{state['id']}"
    answers = _answers_for(state)
    for item in state["items"]:
        saved = client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee,
                            json={"question_id": item["question_id"], "response": answers[item["question_id"]]})
        assert saved.status_code == 200 and saved.get_json()["saved"] is True
    assert client.get(f"/api/v1/attempts/{state['id']}/result", headers=trainee).status_code == 409
    result = client.post(f"/api/v1/attempts/{state['id']}/submit", headers=trainee).get_json()
    assert result["percent"] == 100 and result["passed"] is True and result["review_url"].endswith("/review")
    assert "items" not in result  # the score only; the review is a read of its own
    detail = client.get(result["result_url"], headers=trainee).get_json()
    assert all(i["feedback"]["explanation"] and i["feedback"]["source"] for i in detail["items"])
    again = client.post(f"/api/v1/attempts/{state['id']}/submit", headers=trainee).get_json()
    assert again["percent"] == result["percent"] and again["submitted_at"] == result["submitted_at"]
    read = client.get(f"/api/v1/attempts/{state['id']}/result", headers=trainee).get_json()
    assert read["percent"] == 100 and len(read["items"]) == 5
    refused = client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee,
                          json={"question_id": state["items"][0]["question_id"], "response": []})
    assert refused.status_code == 409 and "已交卷" in refused.get_json()["error"]


def test_resume_after_reconnect_restores_saved_answers(app, client, trainee):
    state = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
    single, fill = state["items"][0], state["items"][3]
    client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee, json={"question_id": single["question_id"], "response": [2]})
    client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee, json={"question_id": fill["question_id"], "response": ["五"]})
    # The browser closes; later the trainee logs in again on another device.
    other = app.test_client()
    Auth(other).login("trainee_east")
    resumed = other.post("/api/v1/exams/demo-exam/attempts", headers=token_for(other, "trainee_east"))
    assert resumed.status_code == 200 and resumed.get_json()["id"] == state["id"]
    restored = {i["question_id"]: i["response"] for i in resumed.get_json()["items"]}
    assert restored[single["question_id"]] == [2] and restored[fill["question_id"]] == ["五"]
    page = other.get(f"/attempts/{state['id']}").get_data(as_text=True)
    assert 'value="五"' in page and page.count("checked") == 1
    assert "已保存" in page


def test_the_page_calls_the_api_with_its_cookie_and_csrf_header(_schema, tmp_path, people, content):
    """With CSRF on, as in production: the page's fetch() carries X-CSRFToken; without it the POST fails."""
    from tests.conftest import CONTENT
    from trainer import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _schema, "SECRET_KEY": "t", "CONTENT_DIR": str(CONTENT),
                      "AUDIO_DIR": str(tmp_path), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "trainee_east", "password": PASSWORD, "csrf_token": csrf_token_from(login_page)})
    token = csrf_token_from(client.get("/exams").get_data(as_text=True))
    assert client.post("/api/v1/exams/demo-exam/attempts").status_code == 400
    started = client.post("/api/v1/exams/demo-exam/attempts", headers={"X-CSRFToken": token})
    assert started.status_code == 201


def test_deadline_refuses_late_answers_with_a_chinese_message(client, trainee):
    state = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
    attempt = db.session.get(QuizAttempt, state["id"])
    attempt.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee,
                       json={"question_id": state["items"][0]["question_id"], "response": [0]})
    assert late.status_code == 409 and "考试时间已到" in late.get_json()["error"]
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, state["id"])
    assert attempt.status == "submitted" and attempt.auto_submitted  # closed by the late request itself
    assert client.get(f"/api/v1/attempts/{state['id']}", headers=trainee).get_json()["status"] == "submitted"


def test_reading_an_expired_attempt_submits_it(client, trainee):
    state = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
    db.session.get(QuizAttempt, state["id"]).deadline_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    body = client.get(f"/api/v1/attempts/{state['id']}", headers=trainee).get_json()
    assert body["status"] == "submitted" and body["result"]["auto_submitted"] is True


def test_bad_requests_and_other_peoples_attempts(client, trainee, people):
    state = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
    url = f"/api/v1/attempts/{state['id']}"
    qid = state["items"][0]["question_id"]
    assert client.post(url + "/answers", headers=trainee, data="x").status_code == 400
    bad = client.post(url + "/answers", headers=trainee, json={"question_id": qid, "response": [99]})
    assert bad.status_code == 400 and bad.get_json()["error"] == "答案格式不正确。" and "out of range" in bad.get_json()["detail"]
    assert client.post(url + "/answers", headers=trainee, json={"question_id": 999999, "response": []}).status_code == 404
    west = token_for(client, "trainee_west")
    assert client.get(url, headers=west).status_code == 403
    assert client.post(url + "/answers", headers=west, json={"question_id": qid, "response": [0]}).status_code == 403
    coach = token_for(client, "trainer_east")  # may read the trainee's attempt, never write to it
    assert client.get(url, headers=coach).status_code == 200
    assert client.post(url + "/submit", headers=coach).status_code == 403
    assert client.get(url, headers=token_for(client, "trainer_west")).status_code == 403
    assert client.post("/api/v1/exams/nope/attempts", headers=trainee).status_code == 404


def test_attempt_limit_through_the_api(client, trainee):
    for _ in range(2):
        state = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
        client.post(f"/api/v1/attempts/{state['id']}/submit", headers=trainee)
    refused = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee)
    assert refused.status_code == 409 and "2 次机会" in refused.get_json()["error"]


def test_practice_quiz_gives_feedback_when_checked(client, trainee):
    started = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=trainee)
    assert started.status_code == 201
    state = started.get_json()
    assert state["mode"] == "practice" and state["deadline_at"] is None and len(state["items"]) == 3
    answers = _answers_for(state)
    item = state["items"][0]
    checked = client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee,
                          json={"question_id": item["question_id"], "response": answers[item["question_id"]], "check": True}).get_json()
    assert checked["feedback"]["correct"] is True and checked["feedback"]["explanation"]
    changed = client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee,
                          json={"question_id": item["question_id"], "response": []})
    assert changed.status_code == 409


def test_openapi_documents_the_quiz_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [("/api/v1/exams/{key}/attempts", "post"), ("/api/v1/attempts/{attempt_id}/answers", "post"),
                         ("/api/v1/attempts/{attempt_id}/submit", "post"), ("/api/v1/attempts/{attempt_id}/result", "get"),
                         ("/api/v1/attempts/{attempt_id}", "get"), ("/api/v1/exams", "get")]:
        assert method in paths[path], path
    assert "409" in paths["/api/v1/attempts/{attempt_id}/answers"]["post"]["responses"]


def _graded_by_the_queue(app, attempt_id: int) -> QuizAttempt:
    import time

    from trainer.quiz import deferred

    queue = deferred.grader(app).queue
    deadline = time.monotonic() + 30
    while True:
        db.session.expire_all()
        attempt = db.session.get(QuizAttempt, attempt_id)
        if attempt.status == "submitted" and not len(queue):
            return attempt
        assert time.monotonic() < deadline, "the grading queue never graded the attempt"
        time.sleep(0.02)


def test_at_a_rush_the_submit_answers_at_once_and_the_grading_thread_records_it(app, client, trainee):
    """trainer/quiz/deferred.py with the real queue thread: the response carries the score with
    ``recorded`` false, every read shows it, and the thread writes the same numbers moments later."""
    app.config.update(QUIZ_GRADING="deferred", QUIZ_GRADING_SETTLE_SECONDS=0, QUIZ_GRADING_MAX_DELAY_SECONDS=1)
    state = client.post("/api/v1/exams/demo-exam/attempts", headers=trainee).get_json()
    answers = _answers_for(state)
    first = state["items"][0]["question_id"]
    client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee, json={"question_id": first, "response": answers[first]})
    result = client.post(f"/api/v1/attempts/{state['id']}/submit", headers=trainee).get_json()
    assert result["recorded"] is False and result["status"] == "submitted"
    assert result["percent"] == 20 and result["passed"] is False
    assert client.get(result["result_url"], headers=trainee).get_json()["percent"] == 20
    stored = _graded_by_the_queue(app, state["id"])
    assert stored.percent == 20 and stored.passed is False and stored.points == 2
    again = client.post(f"/api/v1/attempts/{state['id']}/submit", headers=trainee).get_json()
    assert again["recorded"] is True and again["percent"] == 20


def test_the_exam_page_submit_at_a_rush_shows_the_review_and_records_it(app, client, people, content):
    app.config.update(QUIZ_GRADING="deferred", QUIZ_GRADING_SETTLE_SECONDS=0, QUIZ_GRADING_MAX_DELAY_SECONDS=1)
    Auth(client).login("trainee_east")
    confirm = client.get("/exams/demo-exam/start")
    started = client.post("/exams/demo-exam/start", data={"csrf_token": csrf_token_from(confirm.get_data(as_text=True))})
    attempt_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    form = client.get(f"/attempts/{attempt_id}")
    submitted = client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf_token_from(form.get_data(as_text=True))})
    assert submitted.status_code == 302 and submitted.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    review = client.get(submitted.headers["Location"])
    assert review.status_code == 200 and "不合格" in review.get_data(as_text=True)
    assert _graded_by_the_queue(app, attempt_id).percent == 0
