"""How long oversized spreadsheets take to be refused (issue 13, item 6): 100k-row sign-in sheets, bank
workbooks and GIFT files against the import limits. Prints seconds per case; run: .venv/bin/python
benchmarks/upload_limits.py"""

import contextlib
import io
import time

from openpyxl import Workbook

from trainer import tabular
from trainer.errors import ValidationFailed
from trainer.quiz.excel import read_workbook
from trainer.quiz.gift import parse_gift

ROWS = 100_000


def xlsx(rows, title="Sheet"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(name, call):
    started = time.perf_counter()
    with contextlib.suppress(ValidationFailed):  # a refusal is the expected outcome; its time is the figure
        call()
    print(f"{name:<48} {time.perf_counter() - started:6.2f} s")


if __name__ == "__main__":
    sheet = xlsx([["用户名"], *([f"user{i % 10}"] for i in range(ROWS))])
    timed("100k-row sign-in sheet (xlsx), limit 2000", lambda: tabular.read_rows("a.xlsx", sheet, max_rows=2000))
    csv = ("用户名\n" + "\n".join(f"user{i}" for i in range(ROWS))).encode()
    timed("100k-row staff list (csv), limit 5001", lambda: tabular.read_rows("a.csv", csv, max_rows=5001))
    bank = xlsx([["题型", "题干", "答案", "出处"], *(["单选题", f"题{i % 10}", "Z", ""] for i in range(ROWS))], "题库")
    timed("100k-row bank workbook", lambda: read_workbook(bank))
    gift = "\n\n".join(f"题{i} {{=对 ~错}}" for i in range(ROWS))
    timed("100k-question GIFT file", lambda: parse_gift(gift))
