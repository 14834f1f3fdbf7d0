"""Spreadsheets in and out: the one reader for uploads (staff lists, sign-in sheets, question banks) and
the one safe writer for every Excel and CSV export.

Reading is bounded: a few kilobytes of .xlsx or .csv can hold hundreds of thousands of rows (or a
workbook that inflates to gigabytes), so readers stop at the caller's row limit and cap the columns.
Sheets are streamed, but openpyxl parses the other XML parts (shared strings, styles) whole when it
opens a workbook, so before it does, a workbook is refused if one of those unpacks past
``MAX_PART_BYTES`` or all parts together past ``MAX_UNPACKED_BYTES``.
Pages show at most ``MAX_ERRORS_SHOWN`` problems of a rejected file and say how many more there are.

Writing is safe: spreadsheet apps run a cell starting with = + - @ as a formula, and our cells hold
names and question text that users typed. Excel cells are stored as text (never a formula, and the
text is kept exactly, so an exported bank imports back unchanged); CSV has no cell types, so such a
value gets a leading apostrophe, as OWASP recommends.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from trainer.errors import ValidationFailed

# openpyxl opens each sheet of a read-only workbook by looking for its <dimension> element, and a sheet
# without one (openpyxl's own write-only output, any crafted file) is parsed to its end before the first
# row can be read: seconds for a 100k-row sheet of a few dozen kilobytes. We stream rows and never ask
# a read-only sheet for its size, so that scan is skipped (max_row/max_column stay None).
if hasattr(ReadOnlyWorksheet, "_get_size"):
    ReadOnlyWorksheet._get_size = lambda self: None

MAX_ERRORS_SHOWN = 50
MAX_COLUMNS = 64  # every importer needs far fewer; a row reaching column XFD would cost 16k cells
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# About 1 s of parsing; a 2,000-question bank saved by Excel has about 1.5 MB of shared strings.
MAX_PART_BYTES = 4 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(ValidationFailed):
    """The upload has more non-empty rows than the caller allows; reading stopped there."""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 工号 12 as 12.0
    return str(value).strip()


def open_sheet(data: bytes, prefer: str | None = None):
    """The sheet named ``prefer`` (else the first) of a read-only workbook; raises ValidationFailed for a
    file that is not a workbook or would inflate past ``MAX_UNPACKED_BYTES``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ValidationFailed("无法读取该文件,请确认它是有效的 Excel(.xlsx)文件。", f"not a zip: {exc}") from exc
    unpacked = sum(part.file_size for part in parts)
    largest = max((p for p in parts if p.filename.endswith(".xml") and not p.filename.startswith("xl/worksheets/")),
                  key=lambda p: p.file_size, default=None)
    if unpacked > MAX_UNPACKED_BYTES or (largest is not None and largest.file_size > MAX_PART_BYTES):
        raise ValidationFailed("文件解压后过大,请确认它是普通的 Excel 表格,或拆分后分批上传。",
                               f"workbook unpacks to {unpacked} bytes; largest parsed part {largest and largest.filename}")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return book[prefer] if prefer in book.sheetnames else book.worksheets[0]
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise ValidationFailed("无法读取该文件,请确认它是有效的 Excel(.xlsx)文件。", f"{type(exc).__name__}: {exc}") from exc


def _rows(filename: str, data: bytes, what: str, sheet: str | None):
    """(row number, raw cells) of every row, empty or not, for .xlsx or .csv."""
    lower = (filename or "").lower()
    if lower.endswith(".xlsx"):
        return enumerate(open_sheet(data, sheet).iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationFailed("CSV 文件不是 UTF-8 编码,请在 Excel 中另存为“CSV UTF-8”。", str(exc)) from exc
        return enumerate((row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text))), start=1)
    raise ValidationFailed(f"{what}请上传 .xlsx 或 .csv 文件。", f"unsupported file {filename!r}")


def iter_rows(filename: str, data: bytes, *, max_rows: int, what: str = "文件", sheet: str | None = None,
              too_many: str = "") -> Iterator[tuple[int, list[str]]]:
    """(row number, stripped cells) for every non-empty row, read lazily.

    .xlsx (``sheet`` by name if present, else the first) or .csv (UTF-8 with or without BOM, or UTF-16
    with BOM); at most ``MAX_COLUMNS`` cells a row. Reading stops with TooManyRows at the first non-empty
    row past ``max_rows`` (message ``too_many``, by default one naming ``what``), or once the row number
    passes ``4 × max_rows + 1000`` (a sheet can declare a million empty rows in a few bytes). Raises
    ValidationFailed for another type or an unreadable file.
    """
    last_row = 4 * max_rows + 1000
    found = 0
    try:
        for number, raw in _rows(filename, data, what, sheet):
            if number > last_row:
                raise TooManyRows(f"{what}的行数过多(含大量空行),请删除空行或拆分后分批上传。", f"row {number} > {last_row}")
            if not any(v is not None and v != "" for v in raw):
                continue
            row = [_cell_text(v) for v in raw]
            while row and not row[-1]:
                row.pop()  # openpyxl pads every row to MAX_COLUMNS
            if not row:
                continue
            found += 1
            if found > max_rows:
                raise TooManyRows(too_many or f"{what}超过 {max_rows} 行,请拆分后分批上传。",
                                  f"more than {max_rows} non-empty rows")
            yield number, row
    except ValidationFailed:
        raise
    except Exception as exc:  # a broken sheet or CSV shows up only while reading it
        raise ValidationFailed(f"无法读取该{what},请确认文件完好。", f"{type(exc).__name__}: {exc}") from exc


def read_rows(filename: str, data: bytes, *, max_rows: int, what: str = "文件", too_many: str = "") -> list[list[str]]:
    """The non-empty rows as stripped strings; see :func:`iter_rows` for the limits and messages."""
    return [row for _number, row in iter_rows(filename, data, max_rows=max_rows, what=what, too_many=too_many)]


# --- writing ------------------------------------------------------------------------------------------

def csv_value(value):
    """A value for ``csv.writer``: a text that a spreadsheet app would run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel on Windows opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([csv_value(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def cells(sheet, values: Iterable, *, font=None, fill=None, alignment=None) -> list:
    """Cells for ``sheet.append`` (write-only or normal sheets): every string is stored as text, never as
    a formula, with the characters Excel cannot hold (control characters) removed."""
    result = []
    for value in values:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        for name, style in (("font", font), ("fill", fill), ("alignment", alignment)):
            if style is not None:
                setattr(cell, name, style)
        result.append(cell)
    return result


def first_problems(problems: list) -> tuple[list, int]:
    """The problems a page lists (the first ``MAX_ERRORS_SHOWN``) and how many more there are, so a
    rejected upload gives a short page however broken the file is."""
    return problems[:MAX_ERRORS_SHOWN], max(0, len(problems) - MAX_ERRORS_SHOWN)


def column_widths(sheet, widths: Iterable[int]) -> None:
    """Column widths in characters from column A (a write-only sheet takes them before its first row)."""
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def template_workbook(sheet_title: str, header: list[str], examples: list[list], guide: list[tuple[str, str]], *,
                      title: str | None = None, widths: Iterable[int] = ()) -> bytes:
    """A downloadable import template: the sheet the importer reads (an optional title row above the header,
    the header in bold, example rows) and a 说明 sheet of (列 / 项目, 说明) rows. ``widths``: the data
    sheet's column widths in characters, from column A."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    if title:
        sheet.append(cells(sheet, [title], font=Font(bold=True, size=14)))
    sheet.append(cells(sheet, header, font=Font(bold=True)))
    for row in examples:
        sheet.append(cells(sheet, row))
    column_widths(sheet, widths)
    guide_sheet = book.create_sheet("说明")
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate([("列 / 项目", "说明"), *guide]):
        guide_sheet.append(cells(guide_sheet, row, font=Font(bold=True) if number == 0 else None, alignment=wrap))
    guide_sheet.column_dimensions["A"].width = 14
    guide_sheet.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

