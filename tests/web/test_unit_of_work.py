"""The request's unit of work (trainer/unit_of_work.py): what commits, what rolls back, and the three ways
a view says otherwise; and the GET pages that used to write, now computing on read."""

from datetime import timedelta

import pytest
from flask import Blueprint, abort, jsonify
from sqlalchemy import func, select

from tests.conftest import Auth
from trainer import unit_of_work
from trainer.audit import AuditEvent, record
from trainer.errors import ValidationFailed
from trainer.extensions import db
from trainer.timeutil import utcnow


@pytest.fixture
def probe(app, client):
    """Routes that write one audit row, then end in the way each test names."""
    bp = Blueprint("probe", __name__)

    def write(name):
        record(None, f"probe.{name}")
        db.session.flush()

    @bp.route("/probe/<outcome>", methods=["POST"])
    def run(outcome):
        write(outcome)
        if outcome == "error-status":
            return jsonify(error="no"), 409
        if outcome == "raised":
            raise ValidationFailed("不行。")
        if outcome == "aborted":
            abort(404)
        if outcome == "crashed":
            raise RuntimeError("bug")
        if outcome == "discarded":
            unit_of_work.discard()
            write("after-discard")
            return "re-shown", 200
        if outcome == "kept":
            unit_of_work.keep_on_error()
            return jsonify(error="refused, but recorded"), 422
        if outcome == "then":
            def step():
                assert _actions() == ["probe.then"]  # committed before the step runs
                write("step")
                return jsonify(error="step failed"), 400
            return unit_of_work.then(step)
        return "ok", 200

    app.register_blueprint(bp)
    unit_of_work.init_app(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the crash goes to the 500 page, as in production
    return client


def _actions() -> list[str]:
    """Audit rows as the database has them: a fresh read outside the request."""
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("outcome, status, kept", [
    ("ok", 200, ["probe.ok"]),
    ("error-status", 409, []),
    ("raised", 400, []),
    ("aborted", 404, []),
    ("crashed", 500, []),
    ("discarded", 200, []),
    ("kept", 422, ["probe.kept"]),
    ("then", 400, ["probe.then"]),
])
def test_what_a_request_keeps(probe, outcome, status, kept):
    assert probe.post(f"/probe/{outcome}").status_code == status
    assert _actions() == kept


def test_an_expired_exam_is_shown_closed_and_closed_by_the_next_post(client, people, content):
    from tests.quiz_support import quiz_fixtures
    from trainer.quiz.models import QuizAttempt

    attempt_id = quiz_fixtures(people)["quiz_open_attempt"]
    db.session.get(QuizAttempt, attempt_id).deadline_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    Auth(client).login("trainee_east")
    assert client.get(f"/attempts/{attempt_id}").headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    result = client.get(f"/api/v1/attempts/{attempt_id}/result").get_json()
    assert result["status"] == "submitted" and result["auto_submitted"] is True and result["percent"] == 0
    page = client.get("/exams").get_data(as_text=True)
    assert "上次考试时间已到" in page and "继续考试" not in page
    db.session.rollback()
    assert db.session.get(QuizAttempt, attempt_id).status == "open"  # reading wrote nothing
    assert client.post("/exams/demo-exam/start").status_code == 302  # the next POST closes it, then starts anew
    db.session.rollback()
    closed = db.session.get(QuizAttempt, attempt_id)
    assert closed.status == "submitted" and closed.auto_submitted and closed.submitted_at == closed.deadline_at


def test_sign_in_records_first_sight_and_onboards(client, people, units, content, make_user):
    from trainer.assignments import services
    from trainer.assignments.models import Assignment, AssignmentMember

    assignment = services.create_assignment(people["admin"], item_kind="module", item_key="counter-basics",
                                            due_days=14, units=[units["east"]], now=utcnow())
    new_hire = make_user("trainee", units["east_team"], username="new_hire", position="新员工")
    db.session.commit()
    members = select(func.count(AssignmentMember.id)).where(AssignmentMember.user_id == new_hire.id)
    Auth(client).login("trainer_east")
    assert client.get(f"/assignments/{assignment.id}").status_code == 200
    assert db.session.scalar(members) == 0  # the trainer's page only read
    client.post("/logout")
    Auth(client).login("new_hire")
    assert client.get("/my/assignments").status_code == 200
    db.session.rollback()
    onboarding = db.session.scalar(select(Assignment).where(Assignment.source == "onboarding"))
    assert onboarding is not None and db.session.scalar(members) == 2  # this assignment and the onboarding path
