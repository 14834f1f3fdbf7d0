"""Exports: the annual hours report as CSV and Excel, and a person's training transcript as PDF."""

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from trainer import pdf
from trainer.auth.models import User
from trainer.content.model import CREDIT_CATEGORIES
from trainer.hours import SOURCES, HoursPolicy, YearSummary
from trainer.records.models import HoursEntry
from trainer.records.report import ReportRow, UnitStat
from trainer.tabular import cells, column_widths, csv_bytes

# Every duration a person reads is in 学时 (60 minutes each), to two decimals.
REPORT_HEADER = ["用户名", "姓名", "工号", "单位", "状态", "职业道德(学时)", "法律法规(学时)", "其他(学时)",
                 "计入学时", "要求(学时)", "差额(学时)", "是否达标", "有效学习时长(学时)", "其中计入类别(学时)"]
REPORT_WIDTHS = [14, 10, 10, 24, 8, 14, 14, 11, 10, 11, 11, 9, 18, 18]
UNIT_HEADER = ["单位", "在岗人数", "达标人数", "达标率(%)", "合计差额(学时)", "已计入学时", "有效学习时长(学时)"]
UNIT_WIDTHS = [36, 10, 10, 11, 16, 12, 18]


def hours_value(minutes: int) -> int | float:
    """Minutes as 学时 for a spreadsheet cell: 8 for 480, 1.25 for 75."""
    value = round(minutes / 60, 2)
    return int(value) if value == int(value) else value


def _report_cells(row: ReportRow) -> list:
    s, h = row.summary, hours_value
    return [row.username, row.display_name, row.employee_no or "", row.unit_name or "",
            "在岗" if row.active else "已停用", h(s.minutes("ethics")), h(s.minutes("law")),
            h(s.total_minutes - s.minutes("ethics") - s.minutes("law")), h(s.counted_minutes), h(s.target_minutes),
            h(s.missing_minutes), "是" if s.compliant else "否", h(row.time.minutes), h(row.time.counted_minutes)]


def report_csv(rows: list[ReportRow]) -> bytes:
    return csv_bytes(REPORT_HEADER, (_report_cells(row) for row in rows))


def report_xlsx(rows: list[ReportRow], stats: list[UnitStat], year: int) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    sheet = book.create_sheet(f"{year}年学时")
    sheet.freeze_panes = "A2"
    column_widths(sheet, REPORT_WIDTHS)
    sheet.append(cells(sheet, REPORT_HEADER, font=bold))
    for row in rows:
        sheet.append(cells(sheet, _report_cells(row)))
    units = book.create_sheet("单位达标率")
    column_widths(units, UNIT_WIDTHS)
    units.append(cells(units, UNIT_HEADER, font=bold))
    for stat in stats:
        units.append(cells(units, [stat.unit.full_name, stat.people, stat.compliant, stat.percent,
                                   hours_value(stat.missing_minutes), hours_value(stat.counted_minutes),
                                   hours_value(stat.active_counted_minutes)]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def _evidence(entry: HoursEntry) -> str:
    """The active time behind a module credit, as the transcript prints it."""
    if entry.active_minutes is None:
        return "规则实施前" if entry.source == "module" else "—"
    days = str(entry.active_from) if entry.active_to == entry.active_from else f"{entry.active_from}–{entry.active_to}"
    return f"{entry.active_minutes} 分钟 {days}"


def transcript_pdf(person: User, year: int, summary: YearSummary, entries: list[HoursEntry],
                   years: dict[int, YearSummary], rules: HoursPolicy, *, font: tuple[str, int],
                   unit_name: str, generated_at: datetime) -> bytes:
    """One page (or more) per person: identity, the year's entries, totals by category, earlier years."""
    doc = pdf.new_document(font, title=f"培训学时证明 {person.display_name} {year}")
    doc.set_font(pdf.FAMILY, size=18)
    doc.cell(0, 12, "培训学时记录", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(pdf.FAMILY, size=11)
    for label, value in [("姓名", person.display_name), ("工号", person.employee_no or "—"), ("单位", unit_name or "—"),
                         ("年度", f"{year} 年"), ("状态", "在岗" if person.active else "已停用")]:
        doc.cell(0, 7, f"{label}:{value}", new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    counted = "、".join(CREDIT_CATEGORIES.get(c, c) for c in rules.categories)
    doc.multi_cell(0, 7, f"年度要求:{counted}合计 {_hours(rules.target_minutes)} 学时。"
                         f"已完成 {_hours(summary.counted_minutes)} 学时,"
                         + ("已达标。" if summary.compliant else f"还差 {_hours(summary.missing_minutes)} 学时。"),
                   new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.set_font(pdf.FAMILY, size=10)
    with doc.table(col_widths=(22, 20, 70, 20, 14, 24), text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"),
                   headings_style=pdf.HEADINGS) as table:
        table.row(["日期", "来源", "内容", "类别", "学时", "有效学习时长"])
        for entry in entries:
            title = entry.title + (f"({entry.reason})" if entry.reason else "")
            table.row([entry.occurred_on.isoformat(), SOURCES[entry.source].label if entry.source in SOURCES else entry.source,
                       title, CREDIT_CATEGORIES.get(entry.category, entry.category), _hours(entry.minutes), _evidence(entry)])
        if not entries:
            table.row(["—", "—", "本年度暂无学时记录", "—", "0", "—"])
    doc.ln(3)
    doc.set_font(pdf.FAMILY, size=11)
    totals = ",".join(f"{CREDIT_CATEGORIES.get(c, c)} {_hours(m)}" for c, m in sorted(summary.by_category.items()))
    doc.multi_cell(0, 7, f"按类别合计(学时):{totals or '无'}", new_x="LMARGIN", new_y="NEXT")
    earlier = [(y, s) for y, s in years.items() if y != year]
    if earlier:
        doc.ln(2)
        doc.multi_cell(0, 7, "历年计入学时:" + ";".join(
            f"{y} 年 {_hours(s.counted_minutes)}{'(达标)' if s.compliant else ''}" for y, s in earlier),
            new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font(pdf.FAMILY, size=9)
    local = rules.local(generated_at)
    doc.cell(0, 6, f"生成时间:{local:%Y-%m-%d %H:%M}(北京时间)· 本记录由培训平台根据学时台账自动生成",
             new_x="LMARGIN", new_y="NEXT")
    return pdf.finish(doc, generated_at)
