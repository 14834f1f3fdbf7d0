"""The certificate: one landscape A4 page with the verification code, a QR code to the verification page and
the issuer's seal. Where everything goes is :mod:`trainer.certification.layout` (measured with this PDF's font,
so long names shrink or wrap inside the inner border)."""

import io
from datetime import datetime

import segno

from trainer import pdf
from trainer.certification import layout, seal
from trainer.certification.services import format_code


def qr_png(url: str) -> bytes:
    """The verification URL as a QR code (error correction M: still reads with a corner creased or stamped)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


def certificate_pdf(*, name: str, qualification: str, granted_at: datetime, expires_at: datetime, code: str,
                    verify_url: str, issuer: str, font: tuple[str, int], local, seal_png: bytes | None = None) -> bytes:
    """``local`` turns a naive-UTC moment into local time (the policy's zone); dates print as local dates.
    ``seal_png``: the configured seal image; None draws the default seal for ``issuer``."""
    doc = pdf.new_document(font, orientation="landscape", title=f"{qualification} {name}")
    doc.set_auto_page_break(False)

    def measure(text: str, size: float) -> float:
        doc.set_font(pdf.FAMILY, size=size)
        return doc.get_string_width(text)

    granted = f"{local(granted_at):%Y年%m月%d日}"
    page = layout.plan(
        name=name, qualification=qualification, dates=f"发证日期:{granted}    有效期至:{local(expires_at):%Y年%m月%d日}",
        code=format_code(code), url=verify_url, issuer=issuer, date=granted, measure=measure)

    doc.set_draw_color(11, 92, 171)
    doc.set_line_width(1.2)
    inset = layout.OUTER_INSET
    doc.rect(inset, inset, layout.PAGE_W - 2 * inset, layout.PAGE_H - 2 * inset)
    doc.set_line_width(0.3)
    inner = layout.INNER
    doc.rect(inner.x, inner.y, inner.w, inner.h)
    for placed in page.texts:
        doc.set_font(pdf.FAMILY, size=placed.fitted.size)
        doc.set_text_color(90, 90, 90) if placed.name in ("qr_caption", "url") else doc.set_text_color(0, 0, 0)
        for index, line in enumerate(placed.fitted.lines):
            doc.set_xy(placed.box.x, placed.box.y + index * placed.fitted.line_height)
            doc.cell(placed.box.w, placed.fitted.line_height, line, align=placed.align)
    doc.image(io.BytesIO(qr_png(verify_url)), x=page.qr.x, y=page.qr.y, w=page.qr.w, h=page.qr.h)
    stamp = seal_png if seal_png is not None else seal.drawn_png(issuer, *font)
    doc.image(io.BytesIO(stamp), x=page.seal.x, y=page.seal.y, w=page.seal.w, h=page.seal.h)
    doc.set_xy(inner.x + layout.PAD, inner.bottom - layout.PAD)  # the □ note, if any, goes under the band
    return pdf.finish(doc, granted_at)
