"""The self-assessment pages: the 班组长 fills and submits (what was typed survives an error), the 供电所
returns and accepts, GETs never write, exports read back, the home panel and the menu entry."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import Auth
from tests.services.test_hours_report import pdf_text
from trainer import settings
from trainer.assessment.models import TeamAssessment
from trainer.audit import AuditEvent
from trainer.extensions import db
from trainer.timeutil import local_year, utcnow

FILLED = {"points-checks": "20", "evidence-checks": "四个季度均有检查记录", "points-complaints": "6",
          "evidence-complaints": "=HYPERLINK(\"http://x\") 投诉一件超期"}  # a formula-looking evidence stays text


@pytest.fixture
def site(app, client, people, units, make_user, content):
    # Both dates at the year's end, so that whatever today is, a report sent now is on time.
    app.config.update(ASSESSMENT_DEADLINE="12-31", ASSESSMENT_REPORT_DUE="12-31")
    settings.init_app(app)
    leader = make_user("trainer", units["east_team"], username="leader_east", display_name="周班长")
    year = local_year(utcnow())
    base = f"/assessment/{year}/teams/{units['east_team'].id}"
    return {"leader": leader, "year": year, "base": base, "team": units["east_team"], "auth": Auth(client), **people}


def _report():
    return db.session.scalar(select(TeamAssessment))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_leader_sees_the_form_in_the_menu_and_on_the_home_page(client, site):
    site["auth"].login("leader_east")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/assessment"' in home and "年度考核自查" in home and "填写自查表" in home
    page = client.get(site["base"]).get_data(as_text=True)
    assert 'name="points-checks"' in page and 'name="evidence-complaints"' in page and "报送供电所" in page
    assert "学时达标" in page and "0/2 人" in page  # the platform item, measured now (the leader and trainee_east)
    assert "未填写" in page


def test_gets_never_write(client, site):
    events = _count(AuditEvent)
    for who in ("leader_east", "trainer_east", "admin"):
        site["auth"].login(who)
        for url in ("/", "/assessment", site["base"], site["base"] + "/report.pdf", f"/assessment/{site['year']}/results.xlsx"):
            assert client.get(url).status_code == 200, (who, url)
        site["auth"].logout()
    assert _count(TeamAssessment) == 0 and _count(AuditEvent) == events


def test_a_mistake_shows_the_form_again_with_what_was_typed(client, site):
    site["auth"].login("leader_east")
    bad = {**FILLED, "points-checks": "25"}
    response = client.post(site["base"] + "/save", data=bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "“季度检查”的得分应在 0 到 20 分之间" in text
    assert 'value="25"' in text and "四个季度均有检查记录" in text and _report() is None
    response = client.post(site["base"] + "/submit", data={**FILLED, "evidence-complaints": ""})
    text = response.get_data(as_text=True)
    assert "还不能报送:“受理投诉”缺少佐证说明。" in text and 'value="20"' in text
    assert _report() is None  # rolled back: one transaction per request


def test_fill_submit_return_resubmit_accept(client, site):
    site["auth"].login("leader_east")
    assert client.post(site["base"] + "/save", data={"points-checks": "15", "evidence-checks": "缺一个季度"}).status_code == 302
    assert _report().status == "draft"
    response = client.post(site["base"] + "/submit", data=FILLED, follow_redirects=True)
    assert "自查表已报送供电所。" in response.get_data(as_text=True)
    report = _report()
    assert report.status == "submitted" and report.total == 36  # 20 + 6 + qualification 10 (no one needs one)
    assert "已报送,待审核" in client.get(site["base"]).get_data(as_text=True)
    refused = client.post(site["base"] + "/save", data=FILLED)
    assert refused.status_code == 200 and "正在等待审核,不能修改" in refused.get_data(as_text=True)
    site["auth"].logout()

    site["auth"].login("trainer_east")
    page = client.get(site["base"]).get_data(as_text=True)
    assert "审核通过" in page and "退回班组修改" in page and 'name="points-checks"' not in page
    response = client.post(site["base"] + "/return", data={"reason": ""}, follow_redirects=True)
    assert "退回时必须填写原因" in response.get_data(as_text=True) and _report().status == "submitted"
    client.post(site["base"] + "/return", data={"reason": "投诉超期一件请写明件号"})
    assert _report().status == "returned"
    site["auth"].logout()

    site["auth"].login("leader_east")
    page = client.get(site["base"]).get_data(as_text=True)
    assert "供电所退回原因" in page and "投诉超期一件请写明件号" in page and "已退回,待修改" in page
    client.post(site["base"] + "/submit", data={**FILLED, "evidence-complaints": "投诉件号 2026-118 超期一天"})
    site["auth"].logout()

    site["auth"].login("trainer_east")
    assert client.post(site["base"] + "/accept", follow_redirects=True).status_code == 200
    report = _report()
    assert report.status == "accepted" and report.reviewed_by.username == "trainer_east"
    history = client.get(site["base"]).get_data(as_text=True)
    for label in ("开始填写", "报送供电所", "供电所退回", "供电所审核通过"):
        assert label in history
    listing = client.get(f"/assessment?year={site['year']}").get_data(as_text=True)
    assert "东区营业班" in listing and "已通过" in listing and "按时报送" in listing and "导出 Excel" in listing

    workbook = load_workbook(io.BytesIO(client.get(f"/assessment/{site['year']}/results.xlsx").data))
    summary = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows()]
    assert summary[0][:4] == ["班组", "所属单位", "状态", "总分"]
    assert summary[1][:4] == ["东区营业班", "测试供电公司 / 东区供电所", "已通过", 36]
    detail = [[c.value for c in row] for row in workbook.worksheets[1].iter_rows()]
    complaint = next(row for row in detail if row[1] == "受理投诉")
    assert complaint[3] == 6 and complaint[5] == "投诉件号 2026-118 超期一天"
    assert workbook.worksheets[1].cell(row=2, column=1).data_type == "s"

    text = pdf_text(client.get(f"/assessment/{site['year']}/results.pdf").data)
    assert "东区营业班" in text and "已通过" in text and "投诉件号2026-118超期一天" in text and "合计" in text
    team_text = pdf_text(client.get(site["base"] + "/report.pdf").data)
    assert "年度考核自查表" in team_text and "36" in team_text and "不是合格线" in team_text


def test_evidence_that_looks_like_a_formula_is_exported_as_text(client, site):
    site["auth"].login("leader_east")
    client.post(site["base"] + "/submit", data=FILLED)
    site["auth"].logout()
    site["auth"].login("trainer_east")
    sheet = load_workbook(io.BytesIO(client.get(f"/assessment/{site['year']}/results.xlsx").data)).worksheets[1]
    cell = next(row[5] for row in sheet.iter_rows() if row[1].value == "受理投诉")
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_out_of_scope_and_nonsense(client, site, units):
    site["auth"].login("trainer_west")
    assert client.get(site["base"]).status_code == 403
    assert client.post(site["base"] + "/accept").status_code == 403
    assert client.get(f"/assessment/{site['year']}/teams/{units['east'].id}").status_code == 404  # a 供电所, not a 班组
    assert client.get(f"/assessment/1999/teams/{units['west_team'].id}").status_code == 404
    assert client.get("/assessment?year=abc").status_code == 400
    assert client.get("/assessment?year=2019").status_code == 200  # no standard yet: said on the page
    site["auth"].logout()
    site["auth"].login("trainee_east")
    assert client.get("/assessment").status_code == 403 and client.get(site["base"]).status_code == 403


def test_the_station_home_panel_counts_its_teams(client, site):
    site["auth"].login("leader_east")
    client.post(site["base"] + "/submit", data=FILLED)
    site["auth"].logout()
    site["auth"].login("trainer_east")
    panel = client.get("/").get_data(as_text=True)
    assert "1 个班组中,已报送待审核 <strong>1</strong> 个" in panel
