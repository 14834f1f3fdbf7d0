"""PDF documents with Chinese text (fpdf2 + a CJK system font).

The font is ``PDF_FONT`` when set, else the first of a few known system paths (Debian's
``fonts-noto-cjk``, WenQuanYi, AR PL; Windows' SimHei/YaHei). fpdf2 reads TrueType/OpenType files and
TrueType collections (``.ttc``); in a collection we pick the Simplified Chinese face by name.

Names may hold characters the CJK font lacks (emoji, rare characters of CJK Extension B such as 𠀀).
fpdf2 would drop them silently, so: the installed fonts of ``FALLBACK_FONTS`` fill in what they have
(DejaVu Sans has many emoji and symbols; HanaMinB and SimSun-ExtB have Extension B), and a character no
font has is printed as □ and listed by code point in a note at the end, so nobody reads a name that
silently lost a character.
"""

import functools
import unicodedata
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
FALLBACK_FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
    "C:/Windows/Fonts/simsunb.ttf",
    "C:/Windows/Fonts/seguisym.ttf",
]
MISSING_MARK = "\u25a1"  # □, which every CJK font has
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


class Document(FPDF):
    """An FPDF that never drops a character silently: what neither the main font nor a fallback font has
    becomes □ and is remembered in ``missing`` for :func:`finish` to list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing: set[str] = set()
        self.fallbacks: list[str] = []

    def normalize_text(self, text: str) -> str:
        text = super().normalize_text(text)
        if not self.is_ttf_font:
            return text
        maps = [self.current_font.cmap, *(self.fonts[key].cmap for key in self.fallbacks)]
        out = []
        for char in text:
            if char in "\n\r\t" or any(ord(char) in cmap for cmap in maps):
                out.append(char)
            elif unicodedata.category(char) in ("Mn", "Cf", "Cc"):
                continue  # invisible anyway: emoji variation selectors, joiners, control characters
            else:
                self.missing.add(char)
                out.append(MISSING_MARK)
        return "".join(out)


def new_document(font: tuple[str, int], *, orientation: str = "portrait", title: str = "") -> Document:
    pdf = Document(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FAMILY, "", font[0], collection_font_number=font[1])
    for index, path in enumerate(p for p in FALLBACK_FONTS if Path(p).is_file()):
        pdf.add_font(f"fallback{index}", "", path)
        pdf.fallbacks.append(f"fallback{index}")
    pdf.set_fallback_fonts(pdf.fallbacks)
    pdf.set_font(FAMILY, size=11)
    pdf.set_title(title)
    pdf.set_creator("trainer")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def finish(pdf: Document, generated_at: datetime) -> bytes:
    """``generated_at`` is naive UTC, as everywhere in the app. Ends with the note on characters shown as □."""
    if pdf.missing:
        codes = "、".join(f"U+{ord(c):04X}" for c in sorted(pdf.missing))
        pdf.set_font(FAMILY, size=8)
        pdf.multi_cell(0, 5, f"注:本机字体缺少以下字符,文中以 {MISSING_MARK} 代替:{codes}。以系统中的记录为准。",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.set_creation_date(generated_at.replace(tzinfo=UTC))
    return bytes(pdf.output())
