"""Hours pages from the browser's side: trainee page and home panel, trainer dashboard, drill-down,
adjustments, classroom sessions (ticked and from a sign-in sheet), exports."""

import csv
import io
from datetime import timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.chart_support import chart_data
from tests.conftest import Auth
from tests.services.test_hours_report import pdf_text
from trainer.courses.services import get_module
from trainer.extensions import db
from trainer.records import services
from trainer.records.models import ClassroomSession, HoursEntry
from trainer.timeutil import to_local, utcnow


def login(client, username):
    Auth(client).logout()
    Auth(client).login(username)


def test_trainee_sees_progress_ring_entries_and_what_next(client, people, content):
    person = people["trainee_east"]
    services.credit_module(person, get_module("counter-basics"), utcnow())
    db.session.commit()
    login(client, "trainee_east")
    page = client.get("/hours").get_data(as_text=True)
    assert "<svg class=\"ring" in page and "1.5" in page and "/ 16 学时" in page
    assert "还差 <strong>14.5 学时</strong>" in page
    assert "柜台服务基础" in page  # the entry
    assert 'href="/modules/phone-basics"' in page  # what to take next (law, not done this year)
    assert 'href="/modules/counter-basics"' not in page.split("建议接下来学习")[1].split("</section>")[0]
    home = client.get("/").get_data(as_text=True)
    rules = services.hours_policy()
    days = rules.days_left(utcnow(), rules.year_of(utcnow()))
    assert 'id="hours-panel"' in home and "14.5 学时" in home
    if days > 0:
        assert f"还有 <strong>{days}</strong> 天" in home
    elif days == 0:  # the deadline day: 今天截止, or no countdown for someone who joined today; never 还有 0 天
        assert "还有 <strong>0</strong> 天" not in home and ("今天(" in home or "截止当天入职" in home)
    else:  # past the deadline: this person's account was made today, after it, so no countdown at all
        assert "截止之后入职" in home and "还有 <strong>" not in home


def test_trainee_downloads_own_transcript(client, people, content):
    services.credit_module(people["trainee_east"], get_module("phone-basics"), utcnow())
    db.session.commit()
    login(client, "trainee_east")
    response = client.get("/hours/transcript.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "电话服务基础" in text and people["trainee_east"].display_name in text
    assert client.get("/hours?year=abc").status_code == 400


def test_dashboard_lists_units_and_who_is_behind(client, people, content, units):
    services.adjust(people["admin"], people["trainee_east"], year=services.hours_policy().year_of(utcnow()), category="ethics",
                    minutes=960, reason="测试达标", now=utcnow())
    db.session.commit()
    login(client, "trainer_east")
    page = client.get("/records").get_data(as_text=True)
    assert 'id="compliance-chart"' in page and "东区供电所" in page and "西区供电所" not in page
    behind = page.split("未达标人员")[1]
    assert "trainer_east" in behind and "trainee_east" not in behind and "trainee_west" not in behind
    assert f"/records/people/{people['trainer_east'].id}" in behind
    assert client.get(f"/records?unit={units['west'].id}").status_code == 403
    assert client.get(f"/records?unit={units['east_team'].id}").status_code == 200


def test_dashboard_embeds_compliance_and_trend_charts(client, people, content, units):
    year = services.hours_policy().year_of(utcnow())
    services.adjust(people["admin"], people["trainee_east"], year=year, category="ethics", minutes=960, reason="测试达标",
                    now=utcnow())
    db.session.commit()
    login(client, "admin")
    page = client.get("/records").get_data(as_text=True)
    assert "js/charts.js" in page and "vendor/echarts/echarts.min.js" in page and "css/charts.css" in page
    compliance = chart_data(page, "compliance-chart")
    east = compliance["categories"].index("东区营业班")
    assert compliance["series"][0]["name"] == "已达标" and compliance["series"][0]["values"][east] == 1
    trend = chart_data(page, "trend-chart")
    assert [s["name"] for s in trend["series"]] == ["东区供电所", "西区供电所"]
    month = to_local(utcnow()).month
    assert trend["series"][0]["values"][month - 1] == 8.0  # 16 h over the station's two people
    assert "学时趋势" in page and "<th>在岗人数</th>" in page  # the table behind the chart


def test_exports_download(client, people, content, units):
    login(client, "trainer_east")
    response = client.get("/records/report.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert response.mimetype == "text/csv" and {r[0] for r in rows[1:]} == {"trainer_east", "trainee_east"}
    response = client.get(f"/records/report.xlsx?unit={units['east_team'].id}")
    book = load_workbook(io.BytesIO(response.data))
    assert [r[0] for r in book.worksheets[0].iter_rows(values_only=True)] == ["用户名", "trainee_east"]
    assert client.get(f"/records/report.csv?unit={units['west'].id}").status_code == 403


def test_drill_down_and_adjustment_form(client, people, content):
    person = people["trainee_east"]
    login(client, "trainer_east")
    assert client.get(f"/records/people/{person.id}").status_code == 200
    year = services.hours_policy().year_of(utcnow())
    response = client.post(f"/records/people/{person.id}/adjustments",
                           data={"year": year, "category": "law", "minutes": "90", "reason": ""}, follow_redirects=True)
    assert "请填写调整原因" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(HoursEntry)) == 0
    response = client.post(f"/records/people/{person.id}/adjustments",
                           data={"year": year, "category": "law", "minutes": "-30", "reason": "冲销误记"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "学时调整已保存" in page and "冲销误记" in page
    assert services.year_summary(person, year).minutes("law") == -30
    response = client.post(f"/records/people/{people['trainee_west'].id}/adjustments",
                           data={"year": year, "category": "law", "minutes": "60", "reason": "x"})
    assert response.status_code == 403


def test_classroom_session_by_ticking_attendees(client, people, content, units):
    login(client, "trainer_east")
    form = client.get(f"/records/classroom/new?unit={units['east'].id}").get_data(as_text=True)
    assert people["trainee_east"].display_name in form and people["trainee_west"].display_name not in form
    today = services.hours_policy().today(utcnow())
    response = client.post("/records/classroom/new", data={
        "unit_id": units["east"].id, "held_on": today.isoformat(), "topic": "《供电营业规则》专题", "category": "law",
        "minutes": "120", "attendees": [str(people["trainee_east"].id)]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "集中培训已记录,1 人计入学时" in page and "《供电营业规则》专题" in page
    assert services.year_summary(people["trainee_east"], today.year).minutes("law") == 120
    session = db.session.scalar(select(ClassroomSession))
    assert client.get(f"/records/classroom/{session.id}").status_code == 200
    assert "《供电营业规则》专题" in client.get("/records/classroom").get_data(as_text=True)
    login(client, "trainer_west")
    assert client.get(f"/records/classroom/{session.id}").status_code == 403


def _sheet(rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_classroom_session_from_a_sign_in_sheet(client, people, content, units):
    login(client, "trainer_east")
    today = services.hours_policy().today(utcnow())
    base = {"unit_id": units["east"].id, "held_on": today.isoformat(), "topic": "职业道德", "category": "ethics", "minutes": "60"}
    bad = client.post("/records/classroom/new", content_type="multipart/form-data", data={
        **base, "sheet": (_sheet([["用户名"], ["trainee_east"], ["trainee_west"]]), "签到表.xlsx")})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "第 3 行:trainee_west" in page and "本次未记录" in page
    assert db.session.scalar(select(func.count()).select_from(HoursEntry)) == 0
    good = client.post("/records/classroom/new", content_type="multipart/form-data", follow_redirects=True, data={
        **base, "sheet": (_sheet([["用户名"], ["trainee_east"], ["trainer_east"]]), "签到表.xlsx")})
    assert "2 人计入学时" in good.get_data(as_text=True)


def test_sign_in_template_downloads_and_imports_once_filled(client, people, content, units):
    people["trainee_east"].employee_no = "E7001"
    db.session.commit()
    login(client, "trainer_east")
    assert 'href="/records/classroom/template.xlsx"' in client.get("/records/classroom/new").get_data(as_text=True)
    download = client.get("/records/classroom/template.xlsx")
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(download.data))
    assert book.sheetnames == ["签到表", "说明"]
    sheet = book["签到表"]
    assert [c.value for c in sheet[2]] == ["工号", "姓名", "单位", "签名"] and sheet["A3"].value == "(示例)E1001"
    assert "示例" in " ".join(str(c.value) for c in book["说明"]["A"])
    today = services.hours_policy().today(utcnow())
    base = {"unit_id": units["east"].id, "held_on": today.isoformat(), "topic": "模板签到", "category": "ethics", "minutes": "60"}
    unchanged = client.post("/records/classroom/new", content_type="multipart/form-data",
                            data={**base, "sheet": (io.BytesIO(download.data), "签到表模板.xlsx")}).get_data(as_text=True)
    assert "第 3 行:(示例)E1001" in unchanged and db.session.scalar(select(func.count()).select_from(ClassroomSession)) == 0
    sheet["A3"], sheet["B3"] = "E7001", people["trainee_east"].display_name
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    page = client.post("/records/classroom/new", content_type="multipart/form-data", follow_redirects=True,
                       data={**base, "sheet": (filled, "签到表.xlsx")}).get_data(as_text=True)
    assert "集中培训已记录,1 人计入学时" in page


def test_classroom_form_refuses_future_dates(client, people, content, units):
    login(client, "trainer_east")
    tomorrow = services.hours_policy().today(utcnow()) + timedelta(days=1)
    response = client.post("/records/classroom/new", data={
        "unit_id": units["east"].id, "held_on": tomorrow.isoformat(), "topic": "x", "category": "law", "minutes": "60",
        "attendees": [str(people["trainee_east"].id)]})
    assert "培训日期不能晚于今天" in response.get_data(as_text=True)


def test_staff_home_shows_compliance_summary(client, people, content):
    login(client, "trainer_east")
    page = client.get("/").get_data(as_text=True)
    assert 'id="compliance-panel"' in page and "<strong>0</strong> / 2 人已达标" in page


def test_trainer_transcript_of_another_station_is_refused(client, people, content):
    login(client, "trainer_east")
    assert client.get(f"/records/people/{people['trainee_west'].id}/transcript.pdf").status_code == 403
    response = client.get(f"/records/people/{people['trainee_east'].id}/transcript.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
