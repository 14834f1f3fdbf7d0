"""The certificate PDF read back (issue 16, point 7): its QR code decodes (zxing-cpp) to the verification
address, the seal is on the page (drawn in red, or the configured image), and every text line, measured
with the PDF's own font where pypdf finds it, starts and ends inside the inner border."""

import functools
import io
from datetime import datetime

import numpy
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.services.test_hours_report import pdf_text
from trainer import pdf, settings
from trainer.certification import layout, seal
from trainer.certification.pdf import certificate_pdf
from trainer.pdf import find_font

URL = "https://train.example.internal/verify/ABCDEFGHJKLM"
LONG_ISSUER = "国网某某省电力有限公司某某市供电公司客户服务中心营业厅及城区第三供电所综合班组联合培训认证办公室"


def render(app, issuer="国网示范市供电公司", seal_png=None):
    return _render(app.config.get("PDF_FONT"), issuer, seal_png)


@functools.lru_cache(maxsize=4)
def _render(font: str | None, issuer: str, seal_png: bytes | None) -> bytes:
    """Cached: a page takes seconds to lay out with every fallback font, and the tests only read it."""
    return certificate_pdf(name="张三", qualification="营业厅柜台服务上岗资格", granted_at=datetime(2026, 3, 1, 2),
                           expires_at=datetime(2027, 3, 1, 2), code="ABCDEFGHJKLM", verify_url=URL, issuer=issuer,
                           font=find_font(font), local=lambda moment: moment, seal_png=seal_png)


@pytest.fixture
def ruler(app):
    """A document to measure text with the certificate's font (output at the end, which closes its font files)."""
    doc = pdf.new_document(find_font(app.config.get("PDF_FONT")))
    yield doc
    doc.output()


def images(body: bytes) -> list[Image.Image]:
    return [image.image for image in PdfReader(io.BytesIO(body)).pages[0].images]


def red_share(image: Image.Image) -> float:
    pixels = numpy.asarray(image.convert("RGBA")).reshape(-1, 4).astype(int)
    inked = pixels[pixels[:, 3] > 128]  # not the anti-aliased edges
    red = (inked[:, 0] > 150) & (inked[:, 1] < 80) & (inked[:, 2] < 80)
    return float(red.sum()) / max(1, len(inked))


def test_the_qr_code_decodes_to_the_verification_address(app):
    decoded = [b.text for image in images(render(app)) for b in zxingcpp.read_barcodes(image)]
    assert decoded == [URL]


def test_the_drawn_seal_is_red_and_round(app):
    body = render(app)
    seals = [image for image in images(body) if image.mode == "RGBA"]
    assert len(seals) == 1 and seals[0].size == (seal.SIZE, seal.SIZE)
    assert red_share(seals[0]) > 0.95  # every inked pixel is seal red
    assert seals[0].getpixel((seal.SIZE // 2, seal.SIZE // 2))[3] > 0  # the star in the middle
    assert seals[0].getpixel((2, 2))[3] == 0  # transparent outside the ring


def test_a_configured_seal_replaces_the_drawn_one(app, tmp_path):
    stamp = tmp_path / "seal.png"
    Image.new("RGBA", (64, 64), (0, 0, 255, 255)).save(stamp)
    app.config["CERT_SEAL"] = str(stamp)
    path = settings.init_app(app).cert_seal
    body = render(app, seal_png=seal.configured_png(path))
    sizes = sorted(image.size for image in images(body))
    assert (64, 64) in sizes and (seal.SIZE, seal.SIZE) not in sizes


def test_a_broken_seal_setting_stops_the_app_at_start(app, tmp_path):
    bogus = tmp_path / "seal.png"
    bogus.write_text("not an image")
    app.config["CERT_SEAL"] = str(bogus)
    with pytest.raises(seal.SealUnreadable):
        settings.init_app(app)


def text_runs(body: bytes) -> list[tuple[float, float, str]]:
    """(x mm from the left, size in points, text) of every text run on the page."""
    runs = []

    def visit(text, _cm, tm, _font, size):
        text = text.replace("\x00", "")
        if text.strip():
            runs.append((tm[4] / 72 * 25.4, size, text))

    PdfReader(io.BytesIO(body)).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("issuer", ["国网示范市供电公司", LONG_ISSUER])
def test_no_line_crosses_the_inner_border(app, ruler, issuer):
    body = render(app, issuer=issuer)
    assert issuer in pdf_text(body)  # wrapped or not, all of it is there
    runs = text_runs(body)
    assert len(runs) >= 9
    for x, size, text in runs:
        ruler.set_font(pdf.FAMILY, size=size)
        assert x >= layout.INNER.x, text
        assert x + ruler.get_string_width(text) <= layout.INNER.right, text


def test_the_old_overflow_is_gone(app, ruler):
    """Before: the issuer was right-aligned to the page margin (287 mm), past the inner border (283 mm)."""
    for x, size, text in text_runs(render(app, issuer=LONG_ISSUER)):
        if text in LONG_ISSUER:
            ruler.set_font(pdf.FAMILY, size=size)
            assert layout.CONTENT.x - 1e-6 <= x and x + ruler.get_string_width(text) <= layout.CONTENT.right + 1e-6
