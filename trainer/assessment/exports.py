"""Exports of a year's results: Excel through the safe spreadsheet writer (trainer/tabular.py), PDF
through the project's PDF helper (trainer/pdf.py). Detail rows are given only for reports the
team has submitted (their figures are frozen); the others are listed with their status."""

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from trainer import pdf
from trainer.assessment.models import STATUSES
from trainer.assessment.reading import Result
from trainer.assessment.sheet import Sheet
from trainer.tabular import cells

SUMMARY_HEADER = ["班组", "所属单位", "状态", "总分", "报送时间", "报送期限", "审核人", "审核时间", "退回原因"]
DETAIL_HEADER = ["班组", "项目", "分值", "得分", "计量方式", "数据或佐证", "依据"]


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _summary_cells(result: Result, local) -> list:
    row, report = result.row, result.row.report
    parent = row.team.parent.full_name if row.team.parent else ""
    return [row.team.name, parent, STATUSES[row.status], row.total if row.total is not None else "",
            f"{local(report.submitted_at):%Y-%m-%d %H:%M}" if report and report.submitted_at else "", row.note.text,
            report.reviewed_by.display_name if report and report.reviewed_by else "",
            f"{local(report.reviewed_at):%Y-%m-%d %H:%M}" if report and report.reviewed_at else "",
            report.return_reason if report and report.status == "returned" else ""]


def _detail_cells(team_name: str, sheet: Sheet) -> list[list]:
    return [[team_name, line.item.title, line.item.points, line.points if line.points is not None else "",
             line.measure_label, line.figure if line.item.platform else line.evidence, line.item.source]
            for line in sheet.lines]


def results_xlsx(results: list[Result], year: int, local) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    summary = book.create_sheet(f"{year}年考核自查")
    summary.freeze_panes = "A2"
    summary.append(cells(summary, SUMMARY_HEADER, font=bold))
    for result in results:
        summary.append(cells(summary, _summary_cells(result, local)))
    detail = book.create_sheet("明细")
    detail.freeze_panes = "A2"
    detail.append(cells(detail, DETAIL_HEADER, font=bold))
    for result in results:
        if result.sheet is not None:
            for values in _detail_cells(result.row.team.name, result.sheet):
                detail.append(cells(detail, values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def results_pdf(results: list[Result], year: int, *, font: tuple[str, int], local, generated_at: datetime) -> bytes:
    """A summary table, then one page per submitted report with its items."""
    doc = pdf.new_document(font, title=f"{year} 年度班组考核自查结果")
    doc.set_font(pdf.FAMILY, size=16)
    doc.cell(0, 10, f"{year} 年度班组考核自查结果", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(pdf.FAMILY, size=9)
    with doc.table(col_widths=(40, 30, 14, 46, 30), headings_style=pdf.HEADINGS,
                   text_align=("LEFT", "LEFT", "RIGHT", "LEFT", "LEFT")) as table:
        table.row(["班组", "状态", "总分", "报送期限", "审核人"])
        for result in results:
            row, report = result.row, result.row.report
            table.row([row.team.full_name, STATUSES[row.status], _points(row.total), row.note.text,
                       report.reviewed_by.display_name if report and report.reviewed_by else ""])
        if not results:
            table.row(["—", "没有可查看的班组", "", "", ""])
    for result in results:
        if result.sheet is not None:
            doc.add_page()
            _team_pages(doc, result, local)
    _footer(doc, local, generated_at)
    return pdf.finish(doc, generated_at)


def team_pdf(result: Result, *, font: tuple[str, int], local, generated_at: datetime) -> bytes:
    doc = pdf.new_document(font, title=f"{result.row.team.name} {result.row.report.year if result.row.report else ''} 考核自查")
    _team_pages(doc, result, local)
    _footer(doc, local, generated_at)
    return pdf.finish(doc, generated_at)


def _team_pages(doc, result: Result, local) -> None:
    row, report, sheet, standard = result.row, result.row.report, result.sheet, result.standard
    doc.set_font(pdf.FAMILY, size=15)
    doc.multi_cell(0, 9, f"{row.team.full_name} · 年度考核自查表", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(pdf.FAMILY, size=10)
    lines = [f"考核标准:{standard.title}(依据 {standard.basis})" if standard else "考核标准:—",
             f"状态:{STATUSES[row.status]};{row.note.text}"]
    if report and report.submitted_at:
        lines.append(f"报送:{local(report.submitted_at):%Y-%m-%d %H:%M},{report.submitted_by.display_name if report.submitted_by else ''}")
    if report and report.reviewed_at:
        lines.append(f"审核:{local(report.reviewed_at):%Y-%m-%d %H:%M},{report.reviewed_by.display_name if report.reviewed_by else ''}")
    if report and report.status == "returned" and report.return_reason:
        lines.append(f"退回原因:{report.return_reason}")
    for text in lines:
        doc.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    if sheet is None:
        return
    doc.ln(2)
    doc.set_font(pdf.FAMILY, size=9)
    with doc.table(col_widths=(34, 12, 12, 100, 22), headings_style=pdf.HEADINGS,
                   text_align=("LEFT", "RIGHT", "RIGHT", "LEFT", "LEFT")) as table:
        table.row(["项目", "分值", "得分", "数据或佐证", "依据"])
        for line in sheet.lines:
            shown = f"{line.measure_label}:{line.figure}" if line.item.platform else (line.evidence or "—")
            table.row([line.item.title, f"{line.item.points:g}", _points(line.points), shown, line.item.source])
        table.row(["合计", f"{sheet.maximum:g}", f"{sheet.total:g}", "", ""])
    if standard and standard.commendation_points:
        doc.set_font(pdf.FAMILY, size=9)
        doc.multi_cell(0, 6, f"注:总分达到 {standard.commendation_points} 分以上是评选先进的条件之一(001 篇1 第二则.八),不是合格线。",
                       new_x="LMARGIN", new_y="NEXT")


def _footer(doc, local, generated_at: datetime) -> None:
    doc.ln(3)
    doc.set_font(pdf.FAMILY, size=8)
    doc.cell(0, 5, f"生成时间:{local(generated_at):%Y-%m-%d %H:%M}(北京时间)· 由培训平台根据班组自查记录生成",
             new_x="LMARGIN", new_y="NEXT")
