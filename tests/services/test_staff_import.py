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
