"""Reading the spreadsheets people upload (staff lists, sign-in sheets): .xlsx or .csv → rows of text.

One reader so that every upload gives the same clear Chinese messages for the same problems.
"""

import csv
import io

from openpyxl import load_workbook

from trainer.errors import ValidationFailed


def read_rows(filename: str, data: bytes, *, what: str = "文件") -> list[list[str]]:
    """Every row as stripped strings (empty rows dropped). ``what`` names the upload in messages (签到表…).
    Raises ValidationFailed for an unsupported type, a CSV that is not UTF-8, or an unreadable workbook."""
    lower = (filename or "").lower()
    try:
        if lower.endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        elif lower.endswith(".csv"):
            text = data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("utf-8-sig")
            rows = [[v.strip() for v in row] for row in csv.reader(io.StringIO(text))]
        else:
            raise ValidationFailed(f"{what}请上传 .xlsx 或 .csv 文件。", f"unsupported file {filename!r}")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("CSV 文件不是 UTF-8 编码,请在 Excel 中另存为“CSV UTF-8”。", str(exc)) from exc
    except ValidationFailed:
        raise
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise ValidationFailed(f"无法读取该{what},请确认它是有效的 Excel 文件。", f"{type(exc).__name__}: {exc}") from exc
    return [row for row in rows if any(row)]
