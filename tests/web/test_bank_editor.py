"""The question-bank editor in the browser (Flask client): browse with search and filters, add and edit with the
importer's rules and Chinese messages, retire and restore, preview as a trainee sees it, new empty banks; who may
do what (shipped banks read-only, other units 403), every change audited, a started attempt never changed."""

import json
from urllib.parse import unquote

from sqlalchemy import select

from tests.conftest import Auth
from tests.quiz_support import right_response
from tests.services.test_quiz_bank_ownership import _exam_on, import_copy
from tests.web.test_quiz_api import token_for
from trainer.audit import AuditEvent
from trainer.extensions import db
from trainer.quiz import banks
from trainer.quiz.models import Question, QuizItem

FORM = {"type": "single", "stem": "客户排队较多时,营业员首先应怎样做?", "option_a": "继续按顺序办理", "option_b": "请客户自助",
        "option_c": "开启备用窗口并致歉", "answer": "C", "explanation": "先开窗口分流,再致歉。", "source": "000 §5.1.9",
        "difficulty": "2", "tags": "营业厅,分流"}


def _bank(people, owner="trainer_east"):
    bank, _data = import_copy(people[owner])
    return bank


def _question(bank, code):
    return db.session.scalar(select(Question).where(Question.key == f"{bank.key}:{code}"))


def _audits(action):
    return [json.loads(e.details) | {"target": e.target, "actor": e.actor_id}
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_list_search_and_filters(client, people, content):
    bank = _bank(people)
    Auth(client).login("trainer_east")
    assert client.post(f"/banks/{bank.key}/questions/new", data=FORM).status_code == 302
    page = client.get(f"/banks/{bank.key}").get_data(as_text=True)
    assert 'id="active-count">6<' in page and "单选题 2" in page and "符合条件 6 题" in page
    assert "内置题库由内容文件" not in page and "添加题目" in page

    def rows(**args):
        html = client.get(f"/banks/{bank.key}", query_string=args).get_data(as_text=True)
        return html.count(" data-question=")

    assert rows(q="铃响") == 2 and rows(q="DEMO-004") == 1  # stem text or 编号, any case
    assert rows(type="ordering") == 1 and rows(type="nonsense") == 6
    assert rows(tag="分流") == 1 and rows(source="000 §5.2") == 3 and rows(source="000 §5.2.1", type="fill_blank") == 1
    assert rows(q="没有这样的题") == 0 and "没有符合条件的题目" in client.get(f"/banks/{bank.key}?q=没有这样的题").get_data(as_text=True)


def test_pages_of_twenty(client, people, content):
    bank = _bank(people)
    Auth(client).login("trainer_east")
    for n in range(20):
        assert client.post(f"/banks/{bank.key}/questions/new", data=FORM | {"stem": f"第 {n} 道补充题?"}).status_code == 302
    first = client.get(f"/banks/{bank.key}").get_data(as_text=True)
    assert first.count(" data-question=") == 20 and "第 1/2 页" in first and "下一页" in first
    second = client.get(f"/banks/{bank.key}?page=2").get_data(as_text=True)
    assert second.count(" data-question=") == 5 and "上一页" in second
    assert client.get(f"/banks/{bank.key}?page=99").status_code == 200  # past the end: the last page


def test_add_edit_validation_and_audit(client, people, content):
    bank = _bank(people)
    Auth(client).login("trainer_east")
    added = client.post(f"/banks/{bank.key}/questions/new", data=FORM | {"code": "extra-1"})
    question = _question(bank, "extra-1")
    assert added.status_code == 302 and added.location.endswith(f"/banks/{bank.key}/questions/{question.id}")
    assert question.answer == [2] and question.tags == ["营业厅", "分流"] and question.difficulty == 2

    refused = client.post(f"/banks/{bank.key}/questions/new", data=FORM | {"code": "extra-1", "answer": "D", "source": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="question-problems"' in html
    assert "编号“extra-1”已被本题库的另一道题使用" in html and "缺少出处" not in html  # the answer is checked first
    assert "答案“D”应为选项字母 A–C" in html and FORM["stem"] in html  # what was typed is kept
    multiple = client.post(f"/banks/{bank.key}/questions/new", data=FORM | {"type": "multiple", "answer": "C"})
    assert multiple.status_code == 400 and "多选题至少有两个不同的答案" in multiple.get_data(as_text=True)
    no_source = client.post(f"/banks/{bank.key}/questions/new", data=FORM | {"source": " "})
    assert no_source.status_code == 400 and "缺少出处" in no_source.get_data(as_text=True)
    blank = client.post(f"/banks/{bank.key}/questions/new", data={**FORM, "type": "fill_blank", "option_a": "",
                                                                   "option_b": "", "option_c": "", "answer": "五"})
    assert blank.status_code == 400 and "填空题的题干要有且只有一个空" in blank.get_data(as_text=True)
    assert db.session.scalar(select(Question).where(Question.bank_id == bank.id, Question.stem == "x")) is None
    assert len(_audits("question.add")) == 1

    edit_url = f"/banks/{bank.key}/questions/{question.id}/edit"
    form_page = client.get(edit_url).get_data(as_text=True)
    assert 'value="C"' in form_page and "编号 extra-1" in form_page and "开启备用窗口并致歉" in form_page
    bad = client.post(edit_url, data=FORM | {"option_b": FORM["option_a"]})
    assert bad.status_code == 400 and "选项" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert _question(bank, "extra-1").options[1] == "请客户自助"  # the refused edit changed nothing
    saved = client.post(edit_url, data=FORM | {"stem": "客户排队很多时,首先应怎样做?", "answer": "c", "code": "renamed"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert _question(bank, "extra-1").stem == "客户排队很多时,首先应怎样做?" and _question(bank, "renamed") is None
    assert _audits("question.edit")[0]["fields"] == ["stem"]
    unchanged = client.post(edit_url, data=FORM | {"stem": "客户排队很多时,首先应怎样做?"}, follow_redirects=True)
    assert "没有修改" in unchanged.get_data(as_text=True) and len(_audits("question.edit")) == 1


def test_retire_restore_and_preview(client, people, content):
    bank = _bank(people)
    question = _question(bank, "demo-004")
    Auth(client).login("trainer_east")
    preview = client.get(f"/banks/{bank.key}/questions/{question.id}").get_data(as_text=True)
    assert 'data-type="fill_blank"' in preview and "电话铃响____声内接听" in preview and 'type="text"' in preview
    assert "正确答案:5 / 五" in preview and "依据:" in preview and "5.2.1" in preview  # the clause, maybe as a link
    ordering = client.get(f"/banks/{bank.key}/questions/{_question(bank, 'demo-005').id}").get_data(as_text=True)
    assert ordering.count("<select") == 3 and "正确答案:接起电话 → 问候 → 报出单位名称" in ordering

    back = f"/banks/{bank.key}?q=铃响"
    retired = client.post(f"/banks/{bank.key}/questions/{question.id}/retire", data={"next": back})
    assert retired.status_code == 302 and unquote(retired.location).endswith(back)
    db.session.expire_all()
    assert _question(bank, "demo-004").retired
    assert client.get(f"/banks/{bank.key}?q=铃响").get_data(as_text=True).count(" data-question=") == 1
    assert client.get(f"/banks/{bank.key}?q=铃响&retired=1").get_data(as_text=True).count(" data-question=") == 2
    off_site = client.post(f"/banks/{bank.key}/questions/{question.id}/restore", data={"next": "//evil.example/"})
    assert off_site.location.endswith(f"/banks/{bank.key}")
    db.session.expire_all()
    assert not _question(bank, "demo-004").retired
    assert [a["target"] for a in _audits("question.retire")] == [f"{bank.key}:demo-004"]
    assert len(_audits("question.restore")) == 1
    assert client.get(f"/banks/{bank.key}/questions/{question.id + 999}").status_code == 404


def test_shipped_banks_are_read_only_and_other_units_get_403(client, people, content):
    bank = _bank(people)
    shipped = banks.get_bank("demo-bank")
    shipped_q = shipped.questions[0]
    Auth(client).login("trainer_east")
    page = client.get("/banks/demo-bank").get_data(as_text=True)
    assert "内置题库由内容文件" in page and "添加题目" not in page and "/edit" not in page
    assert client.get(f"/banks/demo-bank/questions/{shipped_q.id}").status_code == 200  # preview: yes
    for url in ["/banks/demo-bank/questions/new", f"/banks/demo-bank/questions/{shipped_q.id}/edit"]:
        refused = client.get(url)
        assert refused.status_code == 403 and "内置题库由内容文件维护" in refused.get_data(as_text=True)
    assert client.post(f"/banks/demo-bank/questions/{shipped_q.id}/retire").status_code == 403
    assert client.post("/banks/demo-bank/questions/new", data=FORM).status_code == 403
    assert client.get(f"/banks/{bank.key}/questions/{shipped_q.id}").status_code == 404  # not this bank's question
    Auth(client).logout()

    Auth(client).login("trainer_west")
    question = _question(bank, "demo-001")
    for method, url in [("GET", f"/banks/{bank.key}"), ("GET", f"/banks/{bank.key}/questions/{question.id}"),
                        ("GET", f"/banks/{bank.key}/questions/new"), ("POST", f"/banks/{bank.key}/questions/new"),
                        ("POST", f"/banks/{bank.key}/questions/{question.id}/edit"),
                        ("POST", f"/banks/{bank.key}/questions/{question.id}/retire")]:
        assert client.open(url, method=method, data=FORM).status_code == 403, url
    db.session.expire_all()
    assert not _question(bank, "demo-001").retired and len(bank.questions) == 5
    Auth(client).logout()
    Auth(client).login("trainee_east")
    assert client.get(f"/banks/{bank.key}").status_code == 403


def test_a_trainer_below_reads_but_cannot_edit(client, people, content, make_user, units):
    bank = _bank(people)
    make_user("trainer", units["east_team"], username="team_trainer")
    Auth(client).login("team_trainer")
    page = client.get(f"/banks/{bank.key}").get_data(as_text=True)
    assert "上级单位的题库" in page and "添加题目" not in page
    assert client.get(f"/banks/{bank.key}/questions/new").status_code == 403


def test_new_empty_bank(client, people, content, units):
    Auth(client).login("trainer_east")
    assert client.post("/banks/new", data={"title": " "}).status_code == 400
    created = client.post("/banks/new", data={"title": "东区补充题"})
    assert created.status_code == 302
    bank = next(b for b in banks.readable_banks(people["trainer_east"]) if b.title == "东区补充题")
    assert created.location.endswith(f"/banks/{bank.key}") and bank.origin == "trainer"
    assert bank.unit_id == units["east"].id and bank.created_by_id == people["trainer_east"].id
    assert "题库中还没有题目" in client.get(f"/banks/{bank.key}").get_data(as_text=True)
    assert client.post(f"/banks/{bank.key}/questions/new", data=FORM).status_code == 302
    assert [banks.code_of(bank, q) for q in bank.questions] == ["q001"]
    assert _audits("bank.create")[0]["title"] == "东区补充题"
    assert f'href="/banks/{bank.key}"' in client.get("/banks").get_data(as_text=True)


def test_editing_never_changes_a_started_attempt(client, people, content):
    bank = _bank(people)
    exam = _exam_on(bank, people["trainer_east"])
    trainee = token_for(client, "trainee_east")
    state = client.post(f"/api/v1/exams/{exam.key}/attempts", headers=trainee).get_json()
    items = list(db.session.scalars(select(QuizItem).where(QuizItem.attempt_id == state["id"])))
    for item in items:
        assert client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee,
                           json={"question_id": item.question_id, "response": right_response(item)}).status_code == 200
    shown = [(i["stem"], i["options"]) for i in client.get(f"/api/v1/attempts/{state['id']}", headers=trainee).get_json()["items"]]

    Auth(client).login("trainer_east")
    single = next(i.question for i in items if i.type == "single")
    edited = client.post(f"/banks/{bank.key}/questions/{single.id}/edit",
                         data={**FORM, "stem": "改过的题干?", "option_a": "甲", "option_b": "乙", "option_c": "丙", "answer": "A"})
    assert edited.status_code == 302
    true_false = next(i.question for i in items if i.type == "true_false")
    assert client.post(f"/banks/{bank.key}/questions/{true_false.id}/retire").status_code == 302
    Auth(client).logout()

    again = client.get(f"/api/v1/attempts/{state['id']}", headers=trainee).get_json()
    assert [(i["stem"], i["options"]) for i in again["items"]] == shown
    result = client.post(f"/api/v1/attempts/{state['id']}/submit", headers=trainee).get_json()
    assert result["percent"] == 100 and result["passed"] is True
