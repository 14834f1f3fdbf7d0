"""/api/v1 for an HR system or an LMS (issue 15): units, people (read, upsert, import with the staff import's
rules and diff), the catalogue, banks, and a unit's results; scope as on the pages."""

import random

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from trainer.admin import staff_import
from trainer.auth.models import User
from trainer.extensions import db


@pytest.fixture
def bearer(client, people):
    def headers(username):
        response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return headers


def test_units_tree_in_the_callers_scope(client, bearer, units):
    admin = client.get("/api/v1/units", headers=bearer("admin")).get_json()["units"]
    assert [u["full_name"] for u in admin] == ["测试供电公司", "测试供电公司/东区供电所", "测试供电公司/东区供电所/东区营业班",
                                               "测试供电公司/西区供电所", "测试供电公司/西区供电所/西区营业班"]
    by_id = {u["id"]: u for u in admin}
    assert all(u["parent_id"] is None or u["parent_id"] in by_id for u in admin)
    trainer = bearer("trainer_east")
    assert {u["name"] for u in client.get("/api/v1/units", headers=trainer).get_json()["units"]} == {"东区供电所", "东区营业班"}
    east = client.get(f"/api/v1/units/{units['east'].id}", headers=trainer).get_json()
    assert [c["name"] for c in east["children"]] == ["东区营业班"] and east["kind_label"] == "供电所"
    west = client.get(f"/api/v1/units/{units['west'].id}", headers=trainer)
    assert west.status_code == 403 and west.get_json()["error"] == "没有权限查看该单位。"
    assert client.get("/api/v1/units/999999", headers=trainer).get_json()["error"] == "单位不存在。"
    assert client.get("/api/v1/units", headers=bearer("trainee_east")).status_code == 403


def test_people_list_filters_and_scope(client, bearer, units, make_user):
    make_user("trainee", units["east_team"], username="E100", employee_no="E100", display_name="张三")
    make_user("trainee", units["west_team"], username="W100", employee_no="W100", display_name="西区张")
    db.session.commit()
    trainer = bearer("trainer_east")
    listed = client.get("/api/v1/people?q=张", headers=trainer).get_json()
    assert [p["employee_no"] for p in listed["people"]] == ["E100"] and listed["total"] == 1 and listed["pages"] == 1
    admin = bearer("admin")
    names = client.get(f"/api/v1/people?unit_id={units['west'].id}&role=trainee", headers=admin).get_json()["people"]
    assert sorted(p["username"] for p in names) == ["W100", "trainee_west"]
    paged = client.get("/api/v1/people?per_page=2&page=2", headers=admin).get_json()
    assert paged["page"] == 2 and len(paged["people"]) == 2 and paged["total"] == 7 and paged["pages"] == 4
    assert client.get(f"/api/v1/people?unit_id={units['west'].id}", headers=trainer).status_code == 403
    assert client.get("/api/v1/people?page=0", headers=admin).get_json()["error"].startswith("page 应为")
    person = client.get("/api/v1/people/E100", headers=trainer).get_json()
    assert person["unit"] == "测试供电公司/东区供电所/东区营业班" and person["active"] is True
    assert client.get("/api/v1/people/W100", headers=trainer).status_code == 403
    assert client.get("/api/v1/people/NOPE", headers=admin).status_code == 404


def test_hr_upsert_creates_moves_and_reports_like_the_staff_import(client, bearer, units):
    admin = bearer("admin")
    body = {"name": "王五", "position": "营业厅", "unit": "东区营业班", "initial_password": "Start-pass-2024"}
    preview = client.put("/api/v1/people/H001", json={**body, "dry_run": True}, headers=admin)
    assert preview.status_code == 200 and preview.get_json()["applied"] is False
    assert preview.get_json()["rows"][0]["action"] == "created"
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_no == "H001")) == 0  # dry run: nothing
    created = client.put("/api/v1/people/H001", json=body, headers=admin)
    assert created.status_code == 201 and created.get_json()["applied"] is True
    user = db.session.scalar(select(User).where(User.employee_no == "H001"))
    assert user.username == "H001" and user.must_change_password and user.check_password("Start-pass-2024")
    moved = client.put("/api/v1/people/H001", json={"name": "王五", "position": "营业厅", "unit_id": units["west_team"].id},
                       headers=admin).get_json()
    row = moved["rows"][0]
    assert row["action"] == "updated" and row["moved"] and row["changes"] == [{
        "field": "unit", "label": "单位", "old": "测试供电公司/东区供电所/东区营业班", "new": "测试供电公司/西区供电所/西区营业班"}]
    left = client.put("/api/v1/people/H001", json={"name": "王五", "unit_id": units["west_team"].id, "position": "营业厅",
                                                   "active": False}, headers=admin).get_json()
    assert left["rows"][0]["action"] == "disabled"
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False


def test_hr_upsert_refusals(client, bearer, units):
    admin = bearer("admin")
    unknown = client.put("/api/v1/people/H002", json={"name": "赵六", "unit": "火星供电所", "initial_password": "Start-pass-2024"},
                         headers=admin)
    assert unknown.status_code == 422 and unknown.get_json()["rows"][0]["reason"] == "找不到单位“火星供电所”"
    no_password = client.put("/api/v1/people/H002", json={"name": "赵六", "unit": "东区营业班"}, headers=admin)
    assert no_password.status_code == 400 and "初始密码" in no_password.get_json()["error"]
    bad = client.put("/api/v1/people/H002", json={"name": "赵六"}, headers=admin)
    assert bad.status_code == 400 and "unit" in bad.get_json()["error"]
    assert client.put("/api/v1/people/H002", json={"name": "赵六", "unit": "东区营业班"},
                      headers=bearer("trainer_east")).status_code == 403
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_no == "H002")) == 0


def test_batch_import_is_all_or_nothing_and_gives_the_pages_diff(client, bearer, units, make_user):
    make_user("trainee", units["east_team"], username="E1", employee_no="E1", display_name="张三")
    make_user("trainee", units["east_team"], username="E2", employee_no="E2", display_name="李四")
    db.session.commit()
    admin = bearer("admin")
    people = [{"employee_no": "E1", "name": "张珊", "unit": "东区营业班"},
              {"employee_no": "E3", "name": "新人", "unit": "东区营业班", "position": "新员工"}]
    preview = client.post("/api/v1/people/import", json={"people": people, "dry_run": True, "disable_missing": True},
                          headers=admin).get_json()
    records = [{"employee_no": p["employee_no"], "display_name": p["name"], "position": p.get("position", ""),
                "unit": p["unit"], "status": ""} for p in people]
    same = staff_import.plan(records, disable_missing=True, actor=db.session.scalar(select(User).where(User.username == "admin")),
                             first_row=1)
    assert preview["rows"] == [r.as_json() for r in same.rows]  # one function, one report for both paths
    assert [(r["employee_no"], r["action"]) for r in preview["rows"]] == [("E1", "updated"), ("E3", "created"), ("E2", "disabled")]
    broken = client.post("/api/v1/people/import", json={"people": [*people, {"employee_no": "E1", "name": "重复", "unit": "东区营业班"}],
                                                        "initial_password": "Start-pass-2024"}, headers=admin)
    assert broken.status_code == 422 and broken.get_json()["rows"][2]["reason"] == "工号在文件中重复"
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_no == "E3")) == 0
    done = client.post("/api/v1/people/import", json={"people": people, "initial_password": "Start-pass-2024"}, headers=admin)
    assert done.status_code == 200 and done.get_json()["counts"]["created"] == 1 and done.get_json()["counts"]["disabled"] == 0
    db.session.expire_all()
    assert db.session.scalar(select(User.display_name).where(User.employee_no == "E1")) == "张珊"
    assert db.session.scalar(select(User.active).where(User.employee_no == "E2")) is True  # absent, but no full sync asked


def test_catalogue(client, bearer, content):
    token = bearer("trainee_east")
    courses = client.get("/api/v1/courses", headers=token).get_json()["courses"]
    module = next(m for c in courses for m in c["modules"] if m["key"] == "counter-basics")
    assert module["hours"] == module["minutes"] / 60 and module["category"] and module["category_label"]
    scenarios = {s["key"]: s for s in client.get("/api/v1/scenarios", headers=token).get_json()["scenarios"]}
    assert scenarios["counter-greeting"]["turns"] == 2 and scenarios["counter-greeting"]["channel"] == "counter"


GIFT = "::q1:: 营业厅的服务时间由谁公布? {=供电企业 ~客户}\n\n::q2:: 写一篇心得 {}\n"


def test_banks_list_export_and_import_with_preview(client, bearer, content):
    trainer = bearer("trainer_east")
    listed = client.get("/api/v1/banks", headers=trainer).get_json()["banks"]
    shipped = listed[0]
    assert shipped["origin"] == "content" and shipped["writable"] is False
    exported = client.get(f"/api/v1/banks/{shipped['key']}/export?format=gift", headers=trainer)
    assert exported.status_code == 200 and "{" in exported.get_data(as_text=True)
    assert client.get(f"/api/v1/banks/{shipped['key']}/export?format=xlsx", headers=trainer).data[:2] == b"PK"
    xml = client.get(f"/api/v1/banks/{shipped['key']}/export?format=xml", headers=trainer)
    assert xml.status_code == 200 and "<quiz>" in xml.get_data(as_text=True)
    assert client.get(f"/api/v1/banks/{shipped['key']}/export?format=pdf", headers=trainer).status_code == 404
    body = {"filename": "东区.gift", "content": GIFT, "default_source": "000 §5.1", "title": "东区题库"}
    preview = client.post("/api/v1/banks/import", json={**body, "dry_run": True}, headers=trainer).get_json()
    assert preview["applied"] is False and [i["status"] for i in preview["items"]] == ["ok", "unsupported"]
    assert all(i["status_label"] for i in preview["items"])
    refused = client.post("/api/v1/banks/import", json=body, headers=trainer)  # mode all: one unsupported → nothing
    assert refused.status_code == 400
    created = client.post("/api/v1/banks/import", json={**body, "mode": "good"}, headers=trainer)
    assert created.status_code == 201 and created.get_json()["summary"]["created"] == 1
    key = created.get_json()["bank"]["key"]
    assert any(b["key"] == key and b["writable"] for b in client.get("/api/v1/banks", headers=trainer).get_json()["banks"])
    assert client.post("/api/v1/banks/import", json={**body, "bank": key, "mode": "good"},
                       headers=bearer("trainer_west")).status_code == 403
    assert client.get("/api/v1/banks", headers=bearer("trainee_east")).status_code == 403


def test_unit_results_roleplay_and_exams(app, client, bearer, people, content, units):
    from tests.roleplay_support import GOOD_ANSWER, GOOD_BYE, answer
    from trainer.quiz import services as quiz_services
    from trainer.quiz.exams import get_exam
    from trainer.roleplay import services as rp
    from trainer.timeutil import utcnow

    trainee = people["trainee_east"]
    session = rp.start_session(trainee, rp.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    answer(app, trainee, session, 1, GOOD_ANSWER)
    answer(app, trainee, session, 2, GOOD_BYE)
    attempt, _ = quiz_services.start_exam(trainee, get_exam("demo-exam", trainee), utcnow(), random.Random(1))
    quiz_services.submit(attempt, utcnow())
    db.session.commit()
    trainer = bearer("trainer_east")
    played = client.get(f"/api/v1/units/{units['east'].id}/roleplay-results", headers=trainer).get_json()
    assert [(r["username"], r["scenario"], r["passed"], r["sessions"]) for r in played["results"]] == [
        ("trainee_east", "counter-greeting", True, 1)]
    assert played["results"][0]["best_score"] == session.score
    exams = client.get(f"/api/v1/units/{units['east'].id}/exam-results", headers=trainer).get_json()
    assert [(r["username"], r["exam"], r["number"], r["passed"]) for r in exams["results"]] == [
        ("trainee_east", "demo-exam", 1, attempt.passed)]
    later = client.get(f"/api/v1/units/{units['east'].id}/exam-results?from=2999-01-01", headers=trainer).get_json()
    assert later["results"] == [] and later["total"] == 0
    backwards = client.get(f"/api/v1/units/{units['east'].id}/exam-results?from=2026-02-01&to=2026-01-01", headers=trainer)
    assert backwards.status_code == 400 and backwards.get_json()["error"] == "from 不能晚于 to。"
    assert client.get(f"/api/v1/units/{units['west'].id}/exam-results", headers=trainer).status_code == 403


def test_bank_import_of_an_excel_file_as_base64(client, bearer, content):
    import base64

    trainer = bearer("trainer_east")
    shipped = client.get("/api/v1/banks", headers=trainer).get_json()["banks"][0]
    workbook = client.get(f"/api/v1/banks/{shipped['key']}/export?format=xlsx", headers=trainer).data
    body = {"filename": "bank.xlsx", "content": base64.b64encode(workbook).decode(), "content_encoding": "base64",
            "dry_run": True}
    preview = client.post("/api/v1/banks/import", json=body, headers=trainer).get_json()
    assert preview["format"] == "xlsx" and preview["counts"]["ok"] == shipped["questions"] == len(preview["items"])
    bad = client.post("/api/v1/banks/import", json={**body, "content": "不是base64"}, headers=trainer)
    assert bad.status_code == 400 and bad.get_json()["error"] == "content 不是有效的 base64。"
    assert client.get("/api/v1/people/import", headers=bearer("admin")).status_code == 404  # a 工号 nobody has
