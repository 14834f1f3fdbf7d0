"""Qualification pages: my qualifications, the trainer matrix and person page (renew, revoke),
certificate download, and the public verification page (no login, minimal data, throttled)."""

from datetime import timedelta

from tests.conftest import Auth
from tests.services.test_certification import complete_everything, grants_of, import_with_qualification
from tests.services.test_hours_report import pdf_text
from trainer.certification import services
from trainer.certification.models import QualificationGrant
from trainer.extensions import db
from trainer.timeutil import utcnow


def login(client, username):
    Auth(client).logout()
    Auth(client).login(username)


def certified(person, when=None):
    complete_everything(person, when or utcnow() - timedelta(days=1))
    db.session.commit()
    return grants_of(person)[-1]


def test_trainee_sees_requirements_and_downloads_certificate(client, people, content, tmp_path):
    import_with_qualification(tmp_path)
    login(client, "trainee_east")
    page = client.get("/qualifications").get_data(as_text=True)
    assert "测试柜台上岗资格" in page and "未开始" in page and "柜台服务基础" in page and "需 85 分" in page
    grant = certified(people["trainee_east"])
    page = client.get("/qualifications").get_data(as_text=True)
    assert "已取得" in page and f"/certificates/{grant.id}.pdf" in page
    response = client.get(f"/certificates/{grant.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert services.format_code(grant.code) in pdf_text(response.data)
    login(client, "trainee_west")
    assert client.get(f"/certificates/{grant.id}.pdf").status_code == 404


def test_home_notice_for_an_expiring_qualification(client, people, content, tmp_path):
    import_with_qualification(tmp_path)
    certified(people["trainee_east"], utcnow() - timedelta(days=350))  # 12 months run out in about 15 days
    login(client, "trainee_east")
    page = client.get("/").get_data(as_text=True)
    assert 'id="qualification-panel"' in page and "请及时重新考试续期" in page
    login(client, "trainer_east")
    assert "<strong>1</strong> 份资格将在 30 天内到期" in client.get("/").get_data(as_text=True)
    login(client, "trainer_west")
    assert "30 天内没有即将到期的资格" in client.get("/").get_data(as_text=True)


def test_matrix_filters_and_scoping(client, people, content, units, tmp_path):
    import_with_qualification(tmp_path)
    certified(people["trainee_east"])
    login(client, "trainer_east")
    page = client.get("/certification").get_data(as_text=True)
    assert "trainee_east" in page and "trainee_west" not in page and "已取得" in page
    page = client.get("/certification?status=not_started").get_data(as_text=True)
    assert "trainee_east" not in page and "trainer_east" in page
    assert client.get(f"/certification?unit={units['west'].id}").status_code == 403
    assert client.get("/certification?status=bogus").status_code == 400
    assert client.get(f"/certification/people/{people['trainee_west'].id}").status_code == 403


def test_trainer_renews_and_revokes_from_the_person_page(client, people, content, tmp_path):
    import_with_qualification(tmp_path)
    person = people["trainee_east"]
    grant = certified(person, utcnow() - timedelta(days=350))
    login(client, "trainer_east")
    page = client.get(f"/certification/people/{person.id}").get_data(as_text=True)
    assert "即将到期" in page and "续期(发新证书)" in page
    response = client.post(f"/certification/people/{person.id}/demo-clerk/renew", data={"note": "复核通过"}, follow_redirects=True)
    assert "已授予新的资格证书" in response.get_data(as_text=True)
    assert len(grants_of(person)) == 2
    response = client.post(f"/certification/grants/{grant.id}/revoke", data={"reason": ""}, follow_redirects=True)
    assert "撤销资格必须填写原因" in response.get_data(as_text=True)
    newest = grants_of(person)[-1]
    response = client.post(f"/certification/grants/{newest.id}/revoke", data={"reason": "投诉核实"}, follow_redirects=True)
    assert "资格已撤销" in response.get_data(as_text=True) and "已撤销" in response.get_data(as_text=True)
    assert db.session.get(QualificationGrant, newest.id).revoke_reason == "投诉核实"
    assert client.get(f"/certificates/{newest.id}.pdf").status_code == 400  # revoked certificates are not issued
    login(client, "trainer_west")
    assert client.post(f"/certification/grants/{grant.id}/revoke", data={"reason": "x"}).status_code == 403


def test_public_verification_without_login_shows_little(client, people, content, tmp_path):
    import_with_qualification(tmp_path)
    person = people["trainee_east"]
    person.employee_no = "E1001"
    grant = certified(person)
    code = services.format_code(grant.code)
    response = client.get("/verify?code=" + code.lower())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{grant.code}")
    response = client.get(f"/verify/{grant.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "证书有效" in page
    assert person.display_name in page and "测试柜台上岗资格" in page and code in page
    for private in ["trainee_east", "E1001", "东区", "测试供电公司"]:
        assert private not in page
    missing = client.get("/verify/ABCD-EFGH-JKLM")
    assert missing.status_code == 404 and "未找到该证书" in missing.get_data(as_text=True)
    grant.revoked_at, grant.revoke_reason = utcnow(), "内部原因不公开"
    db.session.commit()
    page = client.get(f"/verify/{grant.code}").get_data(as_text=True)
    assert "证书已撤销" in page and "内部原因不公开" not in page


def test_verification_is_throttled(app, client, people, content):
    app.config["VERIFY_RATE_PER_MINUTE"] = 3
    assert [client.get("/verify/ABCDEFGHJKLM").status_code for _ in range(4)] == [404, 404, 404, 429]


def test_openapi_lists_the_hours_and_qualification_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/hours", "/api/v1/reports/hours", "/api/v1/classroom-sessions", "/api/v1/qualifications/status"} <= set(paths)
    assert paths["/api/v1/reports/hours"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["rows"]
