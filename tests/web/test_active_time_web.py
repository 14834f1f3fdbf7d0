"""Active learning time through the web: the module page's clock (served without writing), its heartbeat
endpoint, the rule on the hours page, active time next to credited hours for trainers, exports and the API."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import Auth
from tests.services.test_hours_report import pdf_text
from tests.web.test_records_api import bearer
from trainer import settings
from trainer.courses.services import get_module
from trainer.extensions import db
from trainer.records import reading_views
from trainer.records.models import ActivityClock, ActivityDay, HoursEntry
from trainer.timeutil import utcnow


@pytest.fixture
def short(app):
    app.config["ACTIVE_TIME_SHARE"] = 0.01  # phone-basics (1 h) needs 36 s
    settings.init_app(app)
    return app


def login(client, username):
    Auth(client).logout()
    Auth(client).login(username)


def clock_of(html: str) -> dict:
    section = re.search(r'<section class="card reading-clock" id="reading-clock"(.*?)>', html, re.S).group(1)
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', section))


def later(monkeypatch, seconds):
    """The server's clock ``seconds`` from now, as if the learner had stayed on the page that long."""
    moment = utcnow() + timedelta(seconds=seconds)
    monkeypatch.setattr(reading_views, "utcnow", lambda: moment)


def sections(module_key):
    return [s.id for s in get_module(module_key).active_sections]


def test_module_page_shows_the_clock_and_writes_nothing(client, people, content, short):
    login(client, "trainee_east")
    page = client.get("/modules/phone-basics").get_data(as_text=True)
    clock = clock_of(page)
    assert clock["status"] == "studying" and clock["seconds"] == "0" and clock["idle-seconds"] == "90"
    assert clock["beat-url"] == "/modules/phone-basics/activity" and clock["token"]
    assert "计入需 1 分钟" in page and "reading-clock.js" in page
    assert db.session.scalar(select(func.count(ActivityDay.id))) == 0
    assert db.session.scalar(select(func.count(ActivityClock.id))) == 0


def test_marking_all_read_in_seconds_credits_nothing_reading_with_beats_credits(client, people, content, short, monkeypatch):
    login(client, "trainee_east")
    token = clock_of(client.get("/modules/phone-basics").get_data(as_text=True))["token"]
    for section_id in sections("phone-basics"):
        client.post(f"/modules/phone-basics/sections/{section_id}/read", headers={"Accept": "application/json"})
    later(monkeypatch, 5)
    beat = client.post("/modules/phone-basics/activity", data={"token": token, "seconds": "600"}).get_json()
    first = beat["counted"]  # 600 claimed, 5 s passed (the token counts from the next whole second: 4 or 5)
    assert 4 <= first <= 5 and beat == {"counted": first, "seconds": first, "required": 36, "status": "waiting"}
    assert db.session.scalar(select(func.count(HoursEntry.id))) == 0
    hours = client.get("/hours").get_data(as_text=True)
    assert 'id="waiting-modules"' in hours and "电话服务基础" in hours.split('id="waiting-modules"')[1]
    later(monkeypatch, 35)
    assert client.post("/modules/phone-basics/activity", data={"token": token, "seconds": "30"}).get_json()["status"] == "waiting"
    later(monkeypatch, 65)
    beat = client.post("/modules/phone-basics/activity", data={"token": token, "seconds": "30"}).get_json()
    assert beat == {"counted": 30, "seconds": first + 60, "required": 36, "status": "credited"}
    entry = db.session.scalar(select(HoursEntry))
    assert (entry.source_key, entry.minutes, entry.active_minutes) == ("phone-basics", 60, 1)
    assert clock_of(client.get("/modules/phone-basics").get_data(as_text=True))["status"] == "credited"


def test_beats_with_a_bad_or_foreign_token_are_refused(client, people, content, short, monkeypatch):
    login(client, "trainee_east")
    token = clock_of(client.get("/modules/phone-basics").get_data(as_text=True))["token"]
    later(monkeypatch, 30)
    response = client.post("/modules/counter-basics/activity", data={"token": token, "seconds": "30"})
    assert response.status_code == 400 and "刷新" in response.get_json()["error"]
    assert client.post("/modules/phone-basics/activity", data={"token": token + "x", "seconds": "30"}).status_code == 400
    login(client, "trainee_west")
    assert client.post("/modules/phone-basics/activity", data={"token": token, "seconds": "30"}).status_code == 400
    assert client.post("/modules/no-such-module/activity", data={"token": token, "seconds": "30"}).status_code == 404
    assert db.session.scalar(select(func.count(ActivityDay.id))) == 0


def test_the_hours_page_states_the_rule(client, people, content):
    login(client, "trainee_east")
    page = client.get("/hours").get_data(as_text=True)
    rule = page.split('id="credit-rule"')[1].split("</section>")[0]
    assert "有效学习时长" in rule and "标称学时的 <strong>50%</strong>" in rule and "规则实施前" in rule
    assert 'id="active-time"' in page


def test_trainers_see_active_time_next_to_credited_hours(client, people, content, units, short, monkeypatch):
    login(client, "trainee_east")
    token = clock_of(client.get("/modules/phone-basics").get_data(as_text=True))["token"]
    for section_id in sections("phone-basics"):
        client.post(f"/modules/phone-basics/sections/{section_id}/read")
    later(monkeypatch, 126)
    client.post("/modules/phone-basics/activity", data={"token": token, "seconds": "125"})
    login(client, "trainer_east")
    person = client.get(f"/records/people/{people['trainee_east'].id}").get_data(as_text=True)
    entries = person.split("本年度学时明细")[1].split("</table>")[0]
    assert "电话服务基础" in entries and "2 分钟" in entries  # the credit's evidence
    time = person.split('id="active-time"')[1].split("</section>")[0]
    assert "课程阅读" in time and "电话服务基础" in time and "2 分 5 秒" in time
    transcript = pdf_text(client.get(f"/records/people/{people['trainee_east'].id}/transcript.pdf").data)
    assert "有效学习时长" in transcript and "2分钟" in transcript
    dashboard = client.get("/records").get_data(as_text=True)
    assert "有效学习时长" in dashboard
    rows = list(csv.reader(io.StringIO(client.get("/records/report.csv").data.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["有效学习时长(学时)", "其中计入类别(学时)"]  # people read durations in 学时
    assert next(r for r in rows if r[0] == "trainee_east")[-2:] == ["0.03", "0.03"]  # 2 minutes
    report = client.get("/api/v1/reports/hours", headers=bearer(client, "trainer_east")).get_json()["rows"]
    assert next(r for r in report if r["username"] == "trainee_east")["active_counted_minutes"] == 2
    own = client.get("/api/v1/hours", headers=bearer(client, "trainee_east")).get_json()["entries"]
    assert own[0]["active_minutes"] == 2 and own[0]["active_from"] == own[0]["date"]
