"""Assignment pages and API: a trainer assigns to a 供电所 and follows it; a trainee is led step by step."""

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import Auth
from tests.web.test_api import token_for
from trainer.assignments import services
from trainer.assignments.models import Assignment, Notice
from trainer.courses.models import Module
from trainer.extensions import db
from trainer.timeutil import local_year, to_local, utcnow


def today():
    return to_local(utcnow()).date()


def create_for_east(client, **extra):
    data = {"item": "path:new-hire-onboarding", "unit_ids": [str(extra.pop("unit_id"))],
            "due_date": (today() + timedelta(days=20)).isoformat(), **extra}
    return client.post("/assignments/new", data=data)


def test_trainer_assigns_a_station_and_follows_it(client, people, content, units):
    auth = Auth(client)
    auth.login("trainer_east")
    form = client.get("/assignments/new").get_data(as_text=True)
    assert "测试入职路径" in form and "东区供电所" in form and "西区供电所" not in form
    response = create_for_east(client, unit_id=units["east"].id)
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    assert response.headers["Location"].endswith(f"/assignments/{assignment.id}")
    page = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert "共 1 人" in page and people["trainee_east"].display_name in page and "东区营业班" in page
    assert people["trainee_west"].display_name not in page
    listing = client.get("/assignments").get_data(as_text=True)
    assert "测试入职路径" in listing and "0/1" in listing

    response = client.post(f"/assignments/{assignment.id}/remind", follow_redirects=True)
    assert "已提醒 1 人" in response.get_data(as_text=True)
    response = client.post(f"/assignments/{assignment.id}/remind", follow_redirects=True)
    assert "今天已提醒过的不会重复提醒" in response.get_data(as_text=True)

    export = client.get(f"/assignments/{assignment.id}/export.xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(export.data))
    assert book.sheetnames == ["按人员", "按单位", "任务"]
    assert book["按人员"]["A2"].value == people["trainee_east"].display_name

    auth.logout()
    auth.login("trainer_west")
    assert client.get(f"/assignments/{assignment.id}").status_code == 403
    assert client.get(f"/assignments/{assignment.id}/export.xlsx").status_code == 403
    assert client.post(f"/assignments/{assignment.id}/remind").status_code == 403
    assert "测试入职路径" not in client.get("/assignments").get_data(as_text=True)


def test_form_errors_are_shown_in_chinese(client, people, content, units):
    Auth(client).login("trainer_east")
    page = client.post("/assignments/new", data={"item": "path:new-hire-onboarding"}).get_data(as_text=True)
    assert "二者选一" in page
    page = client.post("/assignments/new", data={"item": "path:new-hire-onboarding", "due_days": "10",
                                                  "people": "nobody-here"}).get_data(as_text=True)
    assert "找不到人员“nobody-here”" in page
    page = client.post("/assignments/new", data={"item": "path:new-hire-onboarding", "due_days": "10",
                                                  "unit_ids": [str(units["west"].id)]}).get_data(as_text=True)
    assert "所选单位或步骤无效" in page
    assert db.session.scalar(select(Assignment)) is None


def test_people_and_positions_are_chosen_from_lists_in_scope(client, people, content, units, make_user):
    people["trainee_east"].position = "营业厅"
    people["trainee_west"].position = "抄表"
    make_user("trainee", units["east"], username="gone_east", display_name="已停用", active=False)
    db.session.commit()
    Auth(client).login("trainer_east")
    form = client.get("/assignments/new").get_data(as_text=True)
    picker = form.split("data-picker>")[1].split("</fieldset>\n    <details")[0]
    assert f'value="{people["trainee_east"].id}"' in picker and f'value="{people["trainer_east"].id}"' in picker
    assert f'value="{people["trainee_west"].id}"' not in picker and "已停用" not in picker  # out of scope, inactive
    assert "测试供电公司 / 东区供电所 / 东区营业班" in picker and 'data-position="营业厅"' in picker  # grouped by unit
    assert 'value="营业厅"' in form and 'value="抄表"' not in form  # 岗位 held in the trainer's units only
    assert "js/picker.js" in form

    due = (today() + timedelta(days=20)).isoformat()
    response = client.post("/assignments/new", data={"item": "path:new-hire-onboarding", "due_date": due,
                                                      "people_ids": [str(people["trainee_east"].id)], "positions": ["营业厅"]})
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    page = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert people["trainee_east"].display_name in page and "营业厅" in page

    refused = client.post("/assignments/new", data={"item": "path:new-hire-onboarding", "due_date": due,
                                                     "people_ids": [str(people["trainee_west"].id)]}).get_data(as_text=True)
    assert "所选人员无效" in refused
    refused = client.post("/assignments/new", data={"item": "path:new-hire-onboarding", "due_date": due,
                                                     "positions": ["抄表"]}).get_data(as_text=True)
    assert "所选岗位无效" in refused
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1


def test_trainee_home_leads_step_by_step(client, people, content, units):
    services.create_assignment(people["admin"], item_kind="path", item_key="new-hire-onboarding",
                               due_date=today() + timedelta(days=10), units=[units["east"]], now=utcnow())
    db.session.commit()
    assignment = db.session.scalar(select(Assignment))
    Auth(client).login("trainee_east")
    home = client.get("/").get_data(as_text=True)
    assert "待完成" in home and "下一步:电话服务基础" in home and "还有 10 天" in home
    go = client.get(f"/my/assignments/{assignment.id}/go")
    assert go.status_code == 302 and go.headers["Location"].endswith("/modules/phone-basics")
    locked = client.get(f"/my/assignments/{assignment.id}/go?step=counter", follow_redirects=True)
    assert "请先完成:电话服务基础" in locked.get_data(as_text=True)

    module = db.session.scalar(select(Module).where(Module.key == "phone-basics"))
    for section in module.active_sections:
        client.post(f"/modules/phone-basics/sections/{section.id}/read")
    home = client.get("/").get_data(as_text=True)
    assert "下一步:柜台服务基础" in home
    go = client.get(f"/my/assignments/{assignment.id}/go")
    assert go.headers["Location"].endswith("/modules/counter-basics")
    detail = client.get(f"/my/assignments/{assignment.id}").get_data(as_text=True)
    assert "需先完成:柜台服务基础" in detail and "step-done" in detail

    counter = db.session.scalar(select(Module).where(Module.key == "counter-basics"))
    for section in counter.active_sections:
        client.post(f"/modules/counter-basics/sections/{section.id}/read")
    go = client.get(f"/my/assignments/{assignment.id}/go")  # read, quiz not passed yet: the quiz is next
    assert go.headers["Location"].endswith("/modules/counter-basics/quiz")


def test_overdue_is_red_and_history_holds_what_is_done(client, people, content, units):
    east = units["east"]
    services.create_assignment(people["admin"], item_kind="module", item_key="phone-basics",
                               due_date=today(), units=[east], now=utcnow())
    assignment = db.session.scalar(select(Assignment))
    db.session.get(Assignment, assignment.id).due_date = today() - timedelta(days=2)  # made late on purpose
    db.session.commit()
    Auth(client).login("trainee_east")
    home = client.get("/").get_data(as_text=True)
    assert "status-overdue" in home and "逾期 2 天" in home
    module = db.session.scalar(select(Module).where(Module.key == "phone-basics"))
    for section in module.active_sections:
        client.post(f"/modules/phone-basics/sections/{section.id}/read")
    mine = client.get("/my/assignments").get_data(as_text=True)
    assert "没有待完成的培训任务" in mine and "电话服务基础" in mine.split('id="history"')[1]


def test_notices_show_on_home_and_can_be_dismissed(client, people, content, units):
    from trainer.assignments import reminders

    services.create_assignment(people["admin"], item_kind="module", item_key="phone-basics",
                               due_date=today() + timedelta(days=1), units=[units["east"]], now=utcnow())
    reminders.plan_reminders(utcnow())
    db.session.commit()
    notice = db.session.scalar(select(Notice))
    Auth(client).login("trainee_east")
    assert "还有 1 天" in client.get("/").get_data(as_text=True)
    assert client.post(f"/notices/{notice.id}/read").status_code == 302
    assert "还有 1 天" not in client.get("/").get_data(as_text=True).split("待完成")[0]
    Auth(client).logout()
    Auth(client).login("trainee_west")
    assert client.post(f"/notices/{notice.id}/read").status_code == 404  # someone else's


def test_email_settings(client, people):
    Auth(client).login("trainee_east")
    assert "尚未配置邮件服务器" in client.get("/my/notices/email").get_data(as_text=True)
    assert "格式不正确" in client.post("/my/notices/email", data={"address": "not-an-address"}).get_data(as_text=True)
    assert client.post("/my/notices/email", data={"address": "me@example.org"}).status_code == 302
    assert 'value="me@example.org"' in client.get("/my/notices/email").get_data(as_text=True)


def test_trainer_builds_a_path_in_the_browser(client, people, content):
    Auth(client).login("trainer_east")
    response = client.post("/paths/new", data={"title": "营业班周训", "description": ""})
    key = response.headers["Location"].rsplit("/", 1)[1]
    assert key.startswith("ui-")
    client.post(f"/paths/{key}/steps", data={"item": "module:phone-basics"})
    client.post(f"/paths/{key}/steps", data={"item": "scenario:counter-greeting", "after": ["step-1"]})
    page = client.get(f"/paths/{key}").get_data(as_text=True)
    assert "电话服务基础" in page and "需先完成:电话服务基础" in page
    assert "营业班周训" in client.get("/paths").get_data(as_text=True)
    Auth(client).logout()
    Auth(client).login("trainer_west")
    assert client.post(f"/paths/{key}/steps", data={"item": "module:counter-basics"}).status_code == 403


def test_new_hire_created_by_admin_sees_onboarding_on_first_login(client, people, content, units):
    auth = Auth(client)
    auth.login("admin")
    client.post("/admin/users/new", data={
        "username": "newbie", "display_name": "新同事", "employee_no": "", "role": "trainee", "position": "新员工",
        "unit_id": str(units["east_team"].id), "active": "y", "password": "first-pass-1",
    })
    auth.logout()
    auth.login("newbie", "first-pass-1")
    client.post("/password", data={"current": "first-pass-1", "new": "my-own-pass-2", "confirm": "my-own-pass-2"})
    home = client.get("/").get_data(as_text=True)
    assert "测试入职路径" in home and "下一步:电话服务基础" in home and "新员工自动分配" not in home


# --- API -------------------------------------------------------------------------------------------------


def bearer(client, username):
    return {"Authorization": f"Bearer {token_for(client, username)}"}


def test_api_my_assignments(client, people, content, units):
    services.create_assignment(people["admin"], item_kind="path", item_key="new-hire-onboarding",
                               due_date=today() + timedelta(days=5), units=[units["east"]], now=utcnow())
    db.session.commit()
    body = client.get("/api/v1/my/assignments", headers=bearer(client, "trainee_east")).get_json()
    (item,) = body["assignments"]
    assert item["kind"] == "path" and item["status"] == "pending" and item["days_left"] == 5
    assert item["progress"] == {"done": 0, "total": 4, "percent": 0, "complete": False}
    assert item["next"] == {"title": "电话服务基础", "kind": "module", "key": "phone-basics", "step": "phone"}
    assert client.get("/api/v1/my/assignments", headers=bearer(client, "trainee_west")).get_json() == {"assignments": []}


def test_api_unit_assignments_for_trainers(client, people, content, units):
    headers = bearer(client, "trainer_east")
    east, west = units["east"].id, units["west"].id
    due = (today() + timedelta(days=30)).isoformat()
    created = client.post(f"/api/v1/units/{east}/assignments", headers=headers,
                          json={"kind": "module", "key": "phone-basics", "due_date": due})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["people"] == 1 and created.get_json()["targets"] == ["东区供电所(含下级)"]
    listed = client.get(f"/api/v1/units/{units['east_team'].id}/assignments", headers=headers).get_json()
    assert [a["key"] for a in listed["assignments"]] == ["phone-basics"] and listed["assignments"][0]["done"] == 0
    assert client.get(f"/api/v1/units/{west}/assignments", headers=headers).status_code == 403
    assert client.post(f"/api/v1/units/{west}/assignments", headers=headers,
                       json={"kind": "module", "key": "phone-basics", "due_days": 3}).status_code == 403
    bad = client.post(f"/api/v1/units/{east}/assignments", headers=headers, json={"kind": "module", "key": "x", "due_days": 3})
    assert bad.status_code == 400 and "不存在" in bad.get_json()["error"]
    bad = client.post(f"/api/v1/units/{east}/assignments", headers=headers,
                      json={"kind": "module", "key": "phone-basics", "due_date": "31/12/2026"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_json()["error"]
    assert client.get(f"/api/v1/units/{east}/assignments", headers=bearer(client, "trainee_east")).status_code == 403
    assert local_year(utcnow()) >= 2025 and date.fromisoformat(due)


def test_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "get" in document["paths"]["/api/v1/my/assignments"]
    assert {"get", "post"} <= set(document["paths"]["/api/v1/units/{unit_id}/assignments"])
    body = document["paths"]["/api/v1/units/{unit_id}/assignments"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["required"] == ["kind", "key"]
