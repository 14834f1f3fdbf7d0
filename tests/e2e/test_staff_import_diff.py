"""An admin imports a staff list in the browser (issue 16): the diff shows a rename and a move before anything
is written; 确认导入 applies it; 取消 leaves everything as it was."""

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

ROSTER = "工号,姓名,岗位,单位\nE1,张珊,营业厅,测试营业班\nE2,李四,抄表,第二营业班\n"


def _seed(app):
    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.org.models import Unit
    from trainer.org.services import ensure_unit

    with app.app_context():
        team = db.session.scalar(select(Unit).where(Unit.name == "测试营业班"))
        ensure_unit("第二营业班", "team", team.parent)
        for number, name in (("E1", "张三"), ("E2", "李四")):
            user = User(username=number, employee_no=number, display_name=name, position="营业厅", role="trainee", unit=team)
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()


def _people(app):
    from trainer.auth.models import User
    from trainer.extensions import db

    with app.app_context():
        return {u.username: (u.display_name, u.unit.name)
                for u in db.session.scalars(select(User).where(User.employee_no.is_not(None)))}


def _preview(page, server):
    page.goto(f"{server.url}/admin/import-staff")
    page.set_input_files("input[name=file]", files=[{"name": "人员.csv", "mimeType": "text/csv",
                                                     "buffer": ROSTER.encode("utf-8")}])
    page.click("input[type=submit][value=预览差异]")
    page.wait_for_selector("#import-diff")


def test_the_diff_shows_a_rename_and_a_move_and_applies_on_confirm(live_server, launch_browser, login):
    _seed(live_server.app)
    before = _people(live_server.app)
    page = launch_browser().new_page(viewport={"width": 1280, "height": 900})
    login(page, live_server, "boss")
    _preview(page, live_server)
    diff = page.locator("#import-diff")
    assert "差异预览(尚未写入)" in diff.inner_text()
    renamed = diff.locator("tr[data-employee-no=E1]")
    assert "姓名:张三 → 张珊" in renamed.inner_text() and "调动" not in renamed.inner_text()
    moved = diff.locator("tr.row-moved[data-employee-no=E2]")
    assert "单位:测试公司/测试供电所/测试营业班 → 测试公司/测试供电所/第二营业班" in moved.inner_text()
    assert _people(live_server.app) == before  # nothing written yet
    page.click("input[type=submit][value=确认导入]")
    page.wait_for_selector(".flash-success")
    assert "更新 2 人(其中调动单位 1 人)" in page.locator(".flash-success").inner_text()
    assert _people(live_server.app) == {"E1": ("张珊", "测试营业班"), "E2": ("李四", "第二营业班")}


def test_cancel_writes_nothing(live_server, launch_browser, login):
    _seed(live_server.app)
    before = _people(live_server.app)
    page = launch_browser().new_page(viewport={"width": 390, "height": 844})
    login(page, live_server, "boss")
    _preview(page, live_server)
    page.click("#import-diff >> text=取消")
    page.wait_for_selector("input[name=file]")
    assert page.locator("#import-diff").count() == 0
    assert _people(live_server.app) == before
