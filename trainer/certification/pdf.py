"""The certificate: one landscape A4 page with the verification code and where to check it."""

from datetime import datetime

from trainer import pdf
from trainer.certification.services import format_code


def certificate_pdf(*, name: str, qualification: str, granted_at: datetime, expires_at: datetime, code: str,
                    verify_url: str, issuer: str, font: tuple[str, int], local) -> bytes:
    """``local`` turns a naive-UTC moment into local time (the policy's zone); dates print as local dates."""
    doc = pdf.new_document(font, orientation="landscape", title=f"{qualification} {name}")
    doc.set_draw_color(11, 92, 171)
    doc.set_line_width(1.2)
    doc.rect(10, 10, 277, 190)
    doc.set_line_width(0.3)
    doc.rect(14, 14, 269, 182)
    doc.set_y(34)
    doc.set_font(pdf.FAMILY, size=30)
    doc.cell(0, 16, "上岗资格证书", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(10)
    doc.set_font(pdf.FAMILY, size=16)
    doc.cell(0, 10, f"兹证明 {name}", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 10, "已完成规定的学习、考试和情景演练,取得", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(pdf.FAMILY, size=22)
    doc.cell(0, 16, qualification, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.set_font(pdf.FAMILY, size=13)
    doc.cell(0, 8, f"发证日期:{local(granted_at):%Y年%m月%d日}    有效期至:{local(expires_at):%Y年%m月%d日}",
             align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(14)
    doc.set_font(pdf.FAMILY, size=12)
    doc.cell(0, 7, f"验证码:{format_code(code)}", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 7, f"验证网址:{verify_url}", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_y(172)
    doc.set_font(pdf.FAMILY, size=12)
    doc.cell(0, 8, issuer, align="R", new_x="LMARGIN", new_y="NEXT")
    return pdf.finish(doc, granted_at)
