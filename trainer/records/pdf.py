"""PDF documents with Chinese text (fpdf2 + a CJK system font).

The font is ``PDF_FONT`` when set, else the first of a few known system paths (Debian's
``fonts-noto-cjk``, WenQuanYi, AR PL; Windows' SimHei/YaHei). fpdf2 reads TrueType/OpenType files and
TrueType collections (``.ttc``); in a collection we pick the Simplified Chinese face by name.
"""

import functools
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from trainer.errors import TrainerError

KNOWN_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
]
FAMILY = "cjk"
# One weight only (a bold CJK face is not always installed): headings are set apart by colour instead.
HEADINGS = FontFace(emphasis="", fill_color=(230, 236, 245))


class PdfUnavailable(TrainerError):
    status_code = 503


@functools.lru_cache(maxsize=8)
def _collection_index(path: str) -> int:
    """Index of the Simplified Chinese face in a .ttc (e.g. "Noto Sans CJK SC"), else 0."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            name = font["name"].getDebugName(1) or ""
            if name.endswith(" SC") or "Micro Hei" in name or "WenQuanYi" in name:
                return index
        return 0
    finally:
        collection.close()


def find_font(configured: str | None) -> tuple[str, int]:
    """(path, collection index) of a usable CJK font; raises PdfUnavailable naming what to install."""
    candidates = [configured] if configured else KNOWN_FONTS
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            index = _collection_index(candidate) if candidate.lower().endswith(".ttc") else 0
            return candidate, index
    raise PdfUnavailable(
        "服务器缺少中文字体,暂时无法生成 PDF,请联系管理员。",
        f"no CJK font found (PDF_FONT={configured!r}); install fonts-noto-cjk or set TRAINER_PDF_FONT",
    )


def new_document(font: tuple[str, int], *, orientation: str = "portrait", title: str = "") -> FPDF:
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FAMILY, "", font[0], collection_font_number=font[1])
    pdf.set_font(FAMILY, size=11)
    pdf.set_title(title)
    pdf.set_creator("trainer")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def finish(pdf: FPDF, generated_at: datetime) -> bytes:
    """``generated_at`` is naive UTC, as everywhere in the app."""
    pdf.set_creation_date(generated_at.replace(tzinfo=UTC))
    return bytes(pdf.output())
