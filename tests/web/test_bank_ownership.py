"""Through the web and the API: another station's trainer cannot rewrite a bank, and a re-import while an
exam is running never changes its grade."""


from sqlalchemy import select

from tests.conftest import Auth
from tests.quiz_support import import_through_page
from tests.services.test_quiz_bank_ownership import _exam_on, import_copy, key_of, rewrite_keys
from tests.web.test_quiz_api import token_for
from trainer.extensions import db
from trainer.quiz import banks
from trainer.quiz.excel import read_workbook, write_workbook
from trainer.quiz.marking import to_shown
from trainer.quiz.models import QuizItem


def upload(client, data, **form):
    return import_through_page(client, data, "bank.xlsx", **form)


def rewritten(data: bytes) -> bytes:
    """The same bank with every answer key changed and the first question dropped."""
    parsed = read_workbook(data)
    rewrite_keys(parsed)
    return write_workbook("改写", [q for _row, q in parsed.questions])


def test_another_stations_trainer_gets_403_and_the_bank_stays(client, people, content):
    bank, data = import_copy(people["trainer_east"])
    before = key_of(bank)
    Auth(client).login("trainer_west")
    refused = upload(client, rewritten(data), target=bank.key, title="")
    assert refused.status_code == 403 and "不能修改" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert key_of(banks.get_bank(bank.key)) == before
    assert client.get(f"/banks/{bank.key}/export.xlsx").status_code == 403
    assert client.get(f"/banks/{bank.key}/export.gift").status_code == 403
    listing = client.get("/banks").get_data(as_text=True)
    assert bank.key not in listing and "demo-bank" in listing
    assert bank.key not in client.get("/banks/import").get_data(as_text=True)
    assert upload(client, rewritten(data), target="demo-bank", title="").status_code == 403  # shipped: YAML only
    assert upload(client, rewritten(data), target="t-nonexistent", title="").status_code == 404


def test_the_owner_and_an_admin_may_reimport(client, people, content):
    bank, data = import_copy(people["trainer_east"])
    Auth(client).login("trainer_east")
    assert f'href="/banks/import?bank={bank.key}"' in client.get("/banks").get_data(as_text=True)
    assert upload(client, rewritten(data), target=bank.key, title="").status_code == 302
    Auth(client).logout()
    Auth(client).login("admin")
    assert upload(client, data, target=bank.key, title="").status_code == 302


def test_a_reimport_during_an_exam_never_changes_its_grade(client, people, content):
    bank, data = import_copy(people["trainer_east"])
    exam = _exam_on(bank, people["trainer_east"])
    trainee = token_for(client, "trainee_east")
    state = client.post(f"/api/v1/exams/{exam.key}/attempts", headers=trainee).get_json()
    for item in db.session.scalars(select(QuizItem).where(QuizItem.attempt_id == state["id"])):
        question = item.question
        right = question.answer[:1] if question.type == "fill_blank" else to_shown(question.type, question.answer, item.option_order)
        saved = client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee,
                            json={"question_id": item.question_id, "response": right})
        assert saved.status_code == 200
    shown = [(i["stem"], i["options"]) for i in client.get(f"/api/v1/attempts/{state['id']}", headers=trainee).get_json()["items"]]

    Auth(client).login("trainer_east")
    assert upload(client, rewritten(data), target=bank.key, title="").status_code == 302
    Auth(client).logout()

    again = client.get(f"/api/v1/attempts/{state['id']}", headers=trainee).get_json()
    assert [(i["stem"], i["options"]) for i in again["items"]] == shown
    result = client.post(f"/api/v1/attempts/{state['id']}/submit", headers=trainee).get_json()
    assert result["percent"] == 100 and result["passed"] is True
    assert client.post(f"/api/v1/exams/{exam.key}/attempts", headers=trainee).status_code == 409  # 题目不足: the owner's choice
