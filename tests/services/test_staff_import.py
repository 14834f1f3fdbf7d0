"""Bulk staff import: per-row report, all or nothing."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from trainer.admin import staff_import
from trainer.auth.models import User
from trainer.errors import ValidationFailed
from trainer.extensions import db


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["工号", "姓名", "岗位", "单位"]


def run(filename, data, apply=True):
    records = staff_import.read_table(filename, data)
    return staff_import.import_staff(records, initial_password="initial-pass", apply=apply)


def test_creates_and_updates_from_excel(units, make_user):
    make_user(username="E100", employee_no="E100", display_name="旧名字", unit=units["east"])
    result = run("staff.xlsx", xlsx([HEADER, ["E100", "新名字", "营业厅", "东区营业班"], ["E200", "李四", "抄表", "西区营业班"]]))
    db.session.commit()
    assert [(r.row, r.action) for r in result.rows] == [(2, "updated"), (3, "created")]
    created = db.session.scalar(select(User).where(User.username == "E200"))
    assert created.unit.name == "西区营业班" and created.must_change_password and created.check_password("initial-pass")
    assert db.session.scalar(select(User).where(User.username == "E100")).display_name == "新名字"


def test_any_rejected_row_imports_nothing(units):
    data = "工号,姓名,岗位,单位\nE300,王五,营业厅,东区营业班\nE301,,营业厅,东区营业班\nE302,赵六,营业厅,不存在的班\nE300,重复,营业厅,东区营业班\n"
    result = run("staff.csv", data.encode("utf-8-sig"))
    db.session.commit()
    assert [(r.row, r.action, r.reason) for r in result.rows] == [
        (2, "created", ""),
        (3, "rejected", "工号、姓名、单位不能为空"),
        (4, "rejected", "找不到单位“不存在的班”"),
        (5, "rejected", "工号在文件中重复"),
    ]
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_full_path_resolves_duplicate_unit_names(units):
    from trainer.org.services import ensure_unit

    ensure_unit("营业班", "team", units["east"])
    ensure_unit("营业班", "team", units["west"])
    result = run("s.csv", "工号,姓名,岗位,单位\nE1,甲,营业厅,营业班\n".encode())
    assert "重名" in result.rows[0].reason
    result = run("s.csv", "工号,姓名,岗位,单位\nE1,甲,营业厅,测试供电公司/西区供电所/营业班\n".encode())
    assert result.ok


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("s.txt", b"x", "请上传 .xlsx 或 .csv 文件"),
        ("s.xlsx", b"not a zip", "无法读取该文件"),
        ("s.csv", "姓名,单位\n张三,东区\n".encode(), "缺少列:工号、岗位"),
        ("s.csv", "工号,姓名,岗位,单位\n".encode("gbk") + "张三".encode("gbk"), "不是 UTF-8 编码"),
        ("s.csv", b"", "文件是空的"),
    ],
)
def test_unreadable_files(app, filename, data, message):
    with pytest.raises(ValidationFailed) as info:
        staff_import.read_table(filename, data)
    assert message in info.value.message


def test_plan_shows_the_diff_and_writes_nothing(units, make_user):
    make_user(username="E1", employee_no="E1", display_name="张三", position="营业厅", unit=units["east_team"])
    make_user(username="E2", employee_no="E2", display_name="李四", position="抄表", unit=units["east_team"])
    db.session.commit()
    records = staff_import.read_table("s.csv", "工号,姓名,岗位,单位\nE1,张珊,营业厅,东区营业班\nE2,李四,抄表,西区营业班\nE3,王五,,东区营业班\n".encode())
    result = staff_import.plan(records)
    assert [(r.employee_no, r.action, r.moved) for r in result.rows] == [("E1", "updated", False), ("E2", "updated", True),
                                                                        ("E3", "created", True)]
    assert [(c.label, c.old, c.new) for c in result.rows[0].changes] == [("姓名", "张三", "张珊")]
    assert [(c.label, c.old, c.new) for c in result.rows[1].changes] == [
        ("单位", "测试供电公司/东区供电所/东区营业班", "测试供电公司/西区供电所/西区营业班")]
    db.session.commit()
    assert db.session.scalar(select(User.display_name).where(User.username == "E1")) == "张三"
    assert db.session.scalar(select(func.count(User.id))) == 2


def test_absent_people_stay_unless_the_file_or_a_full_sync_says_so(units, make_user, people):
    make_user(username="E1", employee_no="E1", display_name="张三", unit=units["east_team"])
    make_user(username="E2", employee_no="E2", display_name="李四", unit=units["east_team"])
    make_user(username="W1", employee_no="W1", display_name="西区人", unit=units["west_team"])
    make_user(username="E3", employee_no="E3", display_name="王五", unit=units["east_team"])
    db.session.commit()
    text = "工号,姓名,岗位,单位,状态\nE1,张三,,东区营业班,在职\nE3,王五,,东区营业班,离职\n"
    records = staff_import.read_table("s.csv", text.encode())
    partial = staff_import.plan(records)
    assert [(r.employee_no, r.action) for r in partial.rows] == [("E1", "unchanged"), ("E3", "disabled")]
    full = staff_import.plan(records, disable_missing=True, actor=people["admin"])
    # E2 (same 班组, not in the file) is disabled; W1 (another 供电所) and the staff without a 工号 are not.
    assert [(r.row, r.employee_no, r.action) for r in full.rows][2:] == [(0, "E2", "disabled")]
    staff_import.apply_plan(full, initial_password=None, actor=people["admin"], source="s.csv")
    db.session.commit()
    active = dict(db.session.execute(select(User.username, User.active).where(User.employee_no.is_not(None))).all())
    assert active == {"E1": True, "E2": False, "E3": False, "W1": True}


def test_a_disabled_person_is_reenabled_only_when_the_file_says_so(units, make_user):
    make_user(username="E1", employee_no="E1", display_name="张三", unit=units["east_team"], active=False)
    db.session.commit()
    plain = staff_import.plan(staff_import.read_table("s.csv", "工号,姓名,岗位,单位\nE1,张三,,东区营业班\n".encode()))
    assert plain.rows[0].action == "unchanged" and "未重新启用" in plain.rows[0].reason
    said = staff_import.plan(staff_import.read_table("s.csv", "工号,姓名,岗位,单位,状态\nE1,张三,,东区营业班,在职\n".encode()))
    assert [(c.label, c.old, c.new) for c in said.rows[0].changes] == [("状态", "停用", "在职")]
    bad = staff_import.plan(staff_import.read_table("s.csv", "工号,姓名,岗位,单位,状态\nE1,张三,,东区营业班,休假\n".encode()))
    assert bad.rows[0].action == "rejected" and "状态“休假”无效" in bad.rows[0].reason


def test_new_people_need_an_initial_password(units):
    result = staff_import.plan(staff_import.read_table("s.csv", "工号,姓名,岗位,单位\nE9,新人,,东区营业班\n".encode()))
    with pytest.raises(ValidationFailed, match="初始密码"):
        staff_import.apply_plan(result, initial_password=None, actor=None)


@pytest.mark.parametrize(("name", "hint"), [("magicodes_班级学生基础数据导入.xlsx", "学生名单"),
                                            ("magicodes_学生基础数据导入带描述头.xlsx", "第 2 行的列为:序号、学籍号"),
                                            ("magicodes_题库导入模板.xlsx", "看起来是题库")])
def test_other_rosters_are_refused_with_a_clear_message(app, name, hint):
    from pathlib import Path

    path = Path("/work/shared/fixtures/interop/xlsx") / name
    if not path.exists():
        pytest.skip("shared interop fixtures not present")
    with pytest.raises(ValidationFailed) as info:
        staff_import.read_table(path.name, path.read_bytes())
    assert info.value.message.startswith("缺少列:工号") and "这不是人员名单" in info.value.message and hint in info.value.message


def test_template_has_the_header_and_a_guide(app):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(staff_import.template_workbook()))
    assert book.sheetnames == ["人员名单", "说明"]
    assert [c.value for c in book["人员名单"][1]] == ["工号", "姓名", "岗位", "单位", "状态"]
    assert staff_import.read_table("t.xlsx", staff_import.template_workbook()) == []
