"""The audit log screen, export and API: admins see everything, trainers their units' entries, trainees
nothing; filters by who, action and local date range; pages; export through the safe spreadsheet writer."""

import io
from datetime import datetime

from openpyxl import load_workbook

from tests.conftest import PASSWORD, Auth
from trainer import audit
from trainer.extensions import db


def seed(people):
    """One entry by each trainer about their own trainee, and one by the admin about each trainee."""
    entries = [
        (people["trainer_east"], "hours.adjust", people["trainee_east"], datetime(2026, 3, 1, 2, 0)),
        (people["trainer_west"], "hours.adjust", people["trainee_west"], datetime(2026, 3, 2, 2, 0)),
        (people["admin"], "token.revoke_all", people["trainee_east"], datetime(2026, 3, 3, 15, 30)),  # 03-03 23:30 local
        (people["admin"], "token.revoke_all", people["trainee_west"], datetime(2026, 3, 3, 16, 30)),  # 03-04 00:30 local
        (None, "person.export", people["trainee_west"], datetime(2026, 3, 5, 2, 0)),
    ]
    for actor, action, person, at in entries:
        event = audit.record(actor, action, f"user:{person.id}", note="=HYPERLINK(\"http://x\")")
        event.created_at = at
    db.session.commit()


def listed(client, query=""):
    body = client.get("/api/v1/audit-events" + query).get_json()
    return [(e["action"], e["target"], e["actor"]["username"] if e["actor"] else None) for e in body["events"]]


def test_admin_sees_all_trainer_their_units_trainee_nothing(client, people):
    seed(people)
    east, west = f"user:{people['trainee_east'].id}", f"user:{people['trainee_west'].id}"
    Auth(client).login("admin")
    assert len(listed(client)) == 5
    page = client.get("/audit").get_data(as_text=True)
    assert "审计日志" in page and "token.revoke_all" in page and "系统" in page
    Auth(client).logout()
    Auth(client).login("trainer_east")
    assert listed(client) == [("token.revoke_all", east, "admin"), ("hours.adjust", east, "trainer_east")]
    assert west not in client.get("/audit").get_data(as_text=True)
    Auth(client).logout()
    Auth(client).login("trainee_east")
    assert client.get("/audit").status_code == 403
    assert client.get("/api/v1/audit-events").status_code == 403


def test_filters_by_who_action_and_local_dates(client, people):
    seed(people)
    Auth(client).login("admin")
    assert {a for a, _t, _w in listed(client, "?who=trainer_west")} == {"hours.adjust"}
    assert [w for _a, _t, w in listed(client, "?action=token.")] == ["admin", "admin"]
    assert len(listed(client, "?action=token")) == 0  # exact unless it ends with a dot
    # 2026-03-03 in Shanghai: the 23:30 entry, not the one half an hour after local midnight.
    assert [t for _a, t, _w in listed(client, "?since=2026-03-03&until=2026-03-03")] == [f"user:{people['trainee_east'].id}"]
    response = client.get("/api/v1/audit-events?since=03/03/2026")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.get_json()["error"]
    assert client.get("/audit?since=nonsense").status_code == 200  # the page says so and shows everything


def test_pages(client, people):
    for i in range(120):
        audit.record(people["admin"], "unit.rename", f"unit:{i}")
    db.session.commit()
    token = client.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/v1/audit-events", headers=headers).get_json()
    assert first["total"] == 120 and first["pages"] == 3 and len(first["events"]) == 50
    last = client.get("/api/v1/audit-events?page=3", headers=headers).get_json()
    assert len(last["events"]) == 20
    assert client.get("/api/v1/audit-events?page=99999999999999999999", headers=headers).status_code == 200


def test_export_is_filtered_and_formula_safe(client, people):
    seed(people)
    Auth(client).login("trainer_east")
    response = client.get("/audit/export.xlsx?action=hours.")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "操作人", "操作人用户名", "操作", "操作代码") and len(rows) == 2
    assert rows[1][3:5] == ("调整学时", "hours.adjust")  # the action in words, and its code for filters
    cell = sheet.cell(row=2, column=7)
    assert cell.data_type == "s" and cell.value.startswith("note: =HYPERLINK")  # text, never a live formula
    csv_response = client.get("/audit/export.csv")
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = csv_response.data.decode("utf-8-sig")
    assert "hours.adjust" in text and f"user:{people['trainee_west'].id}" not in text


def test_details_read_as_words_not_python(client, people):
    """None, True and False in an entry's details show as —, 是, 否 (the demo's 'due_days: None')."""
    audit.record(people["admin"], "assignment.create", "path:x", due_days=None, notify=True, late=False, units=[1, 2])
    db.session.commit()
    Auth(client).login("admin")
    page = client.get("/audit").get_data(as_text=True)
    assert "due_days: —" in page and "notify: 是" in page and "late: 否" in page and "units: [1, 2]" in page
    assert "None" not in page and "True" not in page and "False" not in page
