"""Where an assignment stands, for a trainer: by person, by unit (each unit counts its whole subtree),
overdue; and the same as an Excel workbook."""

import io
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import select

from trainer.assignments import progress, rules, services
from trainer.assignments.models import Assignment
from trainer.auth import policy
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.services import ancestor_ids
from trainer.tabular import cells
from trainer.timeutil import to_local


@dataclass
class Tally:
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Report:
    assignment: Assignment
    items: list[services.PersonItem]
    units: list[tuple[Unit, Tally]] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    @property
    def overdue(self) -> list[services.PersonItem]:
        return sorted((i for i in self.items if i.status == "overdue"), key=lambda i: (i.days_left, i.user.username))


def build(actor: User, assignment: Assignment, now: datetime, learners: dict | None = None) -> Report:
    """Only the people ``actor`` may see are counted."""
    people = services.members_of(assignment, viewer=actor)
    items = services.person_items(assignment, people, now, learners)
    items.sort(key=lambda i: (i.complete, rules.sort_key(i.due, ""), i.user.unit.path if i.user.unit else "", i.user.username))
    report = Report(assignment, items)
    visible = policy.visible_unit_ids(actor)
    by_unit: dict[int, Tally] = {}
    for item in items:
        report.tally.total += 1
        report.tally.done += item.complete
        report.tally.overdue += item.status == "overdue"
        for unit_id in ancestor_ids(item.user.unit):
            if visible is not None and unit_id not in visible:
                continue  # a trainer's table starts at their own unit
            tally = by_unit.setdefault(unit_id, Tally())
            tally.total += 1
            tally.done += item.complete
            tally.overdue += item.status == "overdue"
    if by_unit:
        units = db.session.scalars(select(Unit).where(Unit.id.in_(list(by_unit))).order_by(Unit.path))
        report.units = [(u, by_unit[u.id]) for u in units]
    return report


def summaries(actor: User, assignments: list[Assignment], now: datetime) -> dict[int, Tally]:
    """The list page's numbers for many assignments, loading everyone's progress once."""
    members = {a.id: services.members_of(a, viewer=actor) for a in assignments}
    everyone = {u.id: u for users in members.values() for u in users}
    learners = progress.load_learners(list(everyone.values()))
    result = {}
    for assignment in assignments:
        tally = Tally()
        for item in services.person_items(assignment, members[assignment.id], now, learners):
            tally.total += 1
            tally.done += item.complete
            tally.overdue += item.status == "overdue"
        result[assignment.id] = tally
    return result


def describe_targets(assignment: Assignment) -> list[str]:
    """Who it is for, in words: 城东供电所(含下级), 岗位“营业厅”· 城东供电所, 张三."""
    words = []
    for target in assignment.targets:
        if target.user is not None:
            words.append(target.user.display_name)
            continue
        where = f"{target.unit.name}(含下级)" if target.unit else "全部单位"
        words.append(f"岗位“{target.position}”· {where}" if target.position else where)
    return words


def due_text(assignment: Assignment) -> str:
    if assignment.due_date:
        return assignment.due_date.isoformat()
    return f"分配后 {assignment.due_days} 天内"


# --- Excel ---------------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
OVERDUE_FILL = PatternFill("solid", fgColor="FDECEA")


def _sheet(book, title: str, header: list[str], rows: list[list], fills: list[bool] | None = None):
    sheet = book.create_sheet(title)
    sheet.append(cells(sheet, header, font=HEADER_FONT))
    for index, values in enumerate(rows):
        sheet.append(cells(sheet, values, fill=OVERDUE_FILL if fills and fills[index] else None))
    for column in range(1, len(header) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 16
    sheet.freeze_panes = "A2"
    return sheet


def workbook(report: Report) -> bytes:
    book = Workbook()
    book.remove(book.active)
    assignment = report.assignment
    person_rows = [
        [i.user.display_name, i.user.employee_no or "", i.user.unit.full_name if i.user.unit else "", i.user.position,
         i.progress.percent, i.status_label, i.due.isoformat() if i.due else "",
         to_local(i.completed_at).strftime("%Y-%m-%d %H:%M") if i.completed_at else ""]
        for i in report.items
    ]
    _sheet(book, "按人员", ["姓名", "工号", "单位", "岗位", "进度(%)", "状态", "截止日期", "完成时间"], person_rows,
           [i.status == "overdue" for i in report.items])
    _sheet(book, "按单位", ["单位", "人数", "已完成", "未完成", "已逾期", "完成率(%)"],
           [["　" * u.depth + u.name, t.total, t.done, t.open, t.overdue, t.percent] for u, t in report.units])
    info = book.create_sheet("任务")
    for label, value in [
        ("培训内容", f"{assignment.kind_label}:{assignment.title}"), ("截止", due_text(assignment)),
        ("对象", "、".join(describe_targets(assignment))), ("说明", assignment.note),
        ("人数", report.tally.total), ("已完成", report.tally.done), ("已逾期", report.tally.overdue),
    ]:
        info.append(cells(info, [label, value]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
