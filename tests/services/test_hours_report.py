"""The annual report (unit scoping, deactivated people), the per-unit roll-up, and the exports read back."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from trainer import settings
from trainer.courses.services import get_module
from trainer.errors import Forbidden
from trainer.extensions import db
from trainer.hours import HoursPolicy
from trainer.pdf import find_font
from trainer.records import classroom, exports, report, services

NOW = datetime(2026, 6, 1, 2, 0)


@pytest.fixture
def ledger(people, content, units, make_user):
    """east: trainee_east compliant (ethics+law 960), east2 behind; west: trainee_west behind; gone: deactivated."""
    east2 = make_user("trainee", units["east"], username="east2", display_name="=HYPERLINK(\"x\")")
    gone = make_user("trainee", units["east_team"], username="gone")
    admin = people["admin"]
    services.adjust(admin, people["trainee_east"], year=2026, category="ethics", minutes=600, reason="线下学习补录", now=NOW)
    services.adjust(admin, people["trainee_east"], year=2026, category="law", minutes=360, reason="线下学习补录", now=NOW)
    services.adjust(admin, people["trainee_east"], year=2025, category="law", minutes=60, reason="上一年", now=NOW)
    services.credit_module(east2, get_module("phone-basics"), NOW)  # law 60
    classroom.record_session(admin, unit=units["company"], held_on=date(2026, 3, 1), topic="文明服务", category="service",
                             minutes=240, attendees=[east2, people["trainee_west"]], now=NOW)
    services.credit_module(gone, get_module("counter-basics"), NOW)
    gone.active = False
    make_user("trainee", units["west_team"], username="gone_empty", active=False)  # no entries: not in the report
    db.session.commit()
    return {"east2": east2, "gone": gone}


def by_name(rows):
    return {r.username: r for r in rows}


def test_admin_sees_everyone_with_minutes_per_category(people, ledger):
    rows = by_name(report.hours_report(people["admin"], 2026))
    assert set(rows) == {"trainer_east", "trainer_west", "trainee_east", "trainee_west", "east2", "gone"}
    east = rows["trainee_east"].as_json()
    assert (east["ethics_minutes"], east["law_minutes"], east["other_minutes"], east["required_minutes"], east["compliant"]) == (600, 360, 0, 960, True)
    assert east["unit"] == "测试供电公司 / 东区供电所 / 东区营业班"
    east2 = rows["east2"].as_json()
    assert (east2["law_minutes"], east2["other_minutes"], east2["missing_minutes"], east2["compliant"]) == (60, 240, 900, False)
    assert rows["gone"].active is False and rows["gone"].summary.minutes("ethics") == 90  # history kept


def test_a_trainer_sees_only_their_units(people, ledger, units):
    assert set(by_name(report.hours_report(people["trainer_east"], 2026))) == {"trainer_east", "trainee_east", "east2", "gone"}
    assert set(by_name(report.hours_report(people["trainer_east"], 2026, units["east_team"]))) == {"trainee_east", "gone"}
    with pytest.raises(Forbidden):
        report.hours_report(people["trainer_east"], 2026, units["west"])
    with pytest.raises(Forbidden):
        report.hours_report(people["trainee_east"], 2026)


def test_years_are_separate(people, ledger):
    rows = by_name(report.hours_report(people["admin"], 2025))
    assert rows["trainee_east"].summary.minutes("law") == 60 and not rows["trainee_east"].summary.compliant
    assert "gone" not in rows  # deactivated and nothing in 2025


def test_settings_change_what_counts(people, ledger, app):
    rules = HoursPolicy(target_minutes=300, categories=("service",))
    rows = by_name(report.hours_report(people["admin"], 2026, rules=rules))
    assert rows["east2"].summary.compliant is False and rows["east2"].summary.counted_minutes == 240
    app.config["HOURS_CATEGORIES"] = ["ethics", "law", "service"]
    app.config["HOURS_TARGET_MINUTES"] = 300
    settings.init_app(app)  # settings are built once: a changed configuration is read again
    assert by_name(report.hours_report(people["admin"], 2026))["east2"].summary.compliant is True


def test_unit_rollup_and_behind(people, ledger, units):
    rows = report.hours_report(people["admin"], 2026)
    stats = {s.unit.name: s for s in report.unit_compliance(rows, [units["company"], units["east"], units["east_team"], units["west"]])}
    assert (stats["东区供电所"].people, stats["东区供电所"].compliant) == (3, 1)  # trainer_east, trainee_east, east2 (gone is inactive)
    assert (stats["东区营业班"].people, stats["东区营业班"].compliant, stats["东区营业班"].percent) == (1, 1, 100)
    assert (stats["测试供电公司"].people, stats["测试供电公司"].compliant) == (5, 1)
    assert stats["西区供电所"].missing_minutes == 2 * 960
    lagging = report.behind(rows)
    assert [r.username for r in lagging][-1] == "east2" and all(r.active for r in lagging)


def test_csv_export_reads_back_and_defuses_formulas(people, ledger):
    data = exports.report_csv(report.hours_report(people["admin"], 2026))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["用户名", "姓名", "工号", "单位"]
    east = next(r for r in rows if r[0] == "trainee_east")
    assert rows[0][5] == "职业道德(学时)"  # durations in 学时, as everywhere a person reads one
    assert east[5:] == ["10", "6", "0", "16", "16", "0", "是", "0", "0"]  # adjustments carry no active time
    east2 = next(r for r in rows if r[0] == "east2")
    assert east2[1].startswith("'=")
    assert east2[-2:] == ["4", "0"]  # the 4-hour classroom session, in a category that does not count


def test_xlsx_export_reads_back(people, ledger, units):
    rows = report.hours_report(people["admin"], 2026)
    data = exports.report_xlsx(rows, report.unit_compliance(rows, [units["company"], units["east"]]), 2026)
    book = load_workbook(io.BytesIO(data))
    sheet = book["2026年学时"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "用户名" and len(values) == 1 + len(rows)
    east = next(v for v in values if v[0] == "trainee_east")
    assert east[5:] == (10, 6, 0, 16, 16, 0, "是", 0, 0)
    assert book["2026年学时"].column_dimensions["D"].width == 24  # columns wide enough to read
    summary = list(book["单位达标率"].iter_rows(values_only=True))
    # trainer_east, trainer_west, trainee_west miss 960 each; east2 has 60 of law; trainee_east is compliant;
    # credited 960 + 60 counted minutes, none of them backed by active time in a counted category
    assert summary[1] == ("测试供电公司", 5, 1, 20, 63, 17, 0)  # 学时: 3 × 16 + 15 missing, 16 + 1 credited


def pdf_text(pdf_bytes: bytes) -> str:
    """The text of every page without whitespace. fpdf2 embeds the CJK font's encoding as a CMap stream
    that pypdf reads one byte at a time, so NULs come out between glyphs: drop them too."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in reader.pages)


def test_transcript_pdf_reads_back(people, ledger, app):
    person = people["trainee_east"]
    body = exports.transcript_pdf(
        person, 2026, services.year_summary(person, 2026), services.entries(person, 2026), services.yearly_totals(person),
        services.hours_policy(), font=find_font(app.config.get("PDF_FONT")), unit_name="东区营业班", generated_at=NOW)
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    for expected in ["培训学时记录", "用户", "东区营业班", "2026年", "已完成16学时", "已达标", "线下学习补录", "人工调整", "2025年1"]:
        assert expected in text, expected
