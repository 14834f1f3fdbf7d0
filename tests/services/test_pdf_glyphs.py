"""PDFs never drop a character of a name silently: fallback fonts fill in, and what no font has is shown
as □ and listed by code point."""

import io
from datetime import datetime

from pypdf import PdfReader

from tests.services.test_hours_report import pdf_text
from trainer import pdf

NAME = "张😀𠀀明"
NOW = datetime(2026, 11, 1, 8, 0)


def render(text: str) -> bytes:
    doc = pdf.new_document(pdf.find_font(None), title=text)
    doc.cell(0, 10, f"姓名:{text}", new_x="LMARGIN", new_y="NEXT")
    with doc.table(headings_style=pdf.HEADINGS) as table:
        table.row(["姓名", text])
    return pdf.finish(doc, NOW)


def test_every_character_of_a_name_is_printed_or_listed():
    text = pdf_text(render(NAME))
    for char in NAME:
        assert char in text or f"U+{ord(char):04X}" in text, char
    assert "张" in text and "明" in text


def test_a_character_no_font_has_is_marked_and_listed(monkeypatch):
    monkeypatch.setattr(pdf, "FALLBACK_FONTS", [])  # only the CJK font: no emoji, no Extension B
    text = pdf_text(render(NAME))
    assert "张□□明" in text and "U+1F600" in text and "U+20000" in text and "本机字体缺少以下字符" in text


def test_an_ordinary_name_gets_no_note():
    data = render("李四")
    assert "本机字体缺少" not in pdf_text(data) and len(PdfReader(io.BytesIO(data)).pages) == 1
