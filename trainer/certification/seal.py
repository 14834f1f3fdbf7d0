"""The issuer's seal on a certificate: the image at ``CERT_SEAL`` when one is configured, else one drawn here.

The drawn seal is the usual round red stamp: a ring, a five-pointed star in the middle, the issuer's name
along the top of the ring and 培训认证 under the star (so nobody mistakes it for the company's legal seal). It
is drawn with Pillow (already installed with fpdf2) into a PNG with a transparent background, in the
certificate's CJK font; the name's characters get smaller as the name gets longer, and the arc grows up to
270°, so any name stays inside the ring.
"""

import functools
import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RED = (200, 22, 29)
ALPHA = 225  # a little see-through, as ink over the issuer's printed name
SIZE = 600  # pixels across; printed 40 mm wide that is about 380 dpi
SUBTITLE = "培训认证"


class SealUnreadable(ValueError):
    """``CERT_SEAL`` names a file that is not an image Pillow can read."""


def check_configured(path: str) -> str:
    """The configured seal's path, once it is known to open as an image (checked at start-up)."""
    try:
        with Image.open(Path(path)) as image:
            image.verify()
    except (OSError, SyntaxError) as error:
        raise SealUnreadable(f"CERT_SEAL={path!r} is not a readable image: {error}") from error
    return path


def configured_png(path: str) -> bytes:
    """The configured seal as PNG bytes (any format Pillow reads; transparency kept)."""
    with Image.open(Path(path)) as image:
        buffer = io.BytesIO()
        image.convert("RGBA").save(buffer, format="PNG")
        return buffer.getvalue()


def _star(centre: tuple[float, float], radius: float) -> list[tuple[float, float]]:
    inner = radius * 0.382  # a regular five-pointed star's inner/outer radius ratio
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else inner
        angle = math.radians(90 + index * 36)
        points.append((centre[0] + r * math.cos(angle), centre[1] - r * math.sin(angle)))
    return points


def ring_angles(count: int, span_max: float = 270.0, per_char: float = 30.0) -> list[float]:
    """Angles (degrees, 90 = top, counter-clockwise) of ``count`` characters spread over the top of the ring,
    left to right, symmetric about the top."""
    if count <= 0:
        return []
    if count == 1:
        return [90.0]
    span = min(span_max, per_char * (count - 1))
    return [90 + span / 2 - i * span / (count - 1) for i in range(count)]


def bold_face(font_path: str) -> str:
    """The bold file of the same family when installed (Noto CJK ships ``…-Bold.ttc`` beside ``…-Regular.ttc``
    with the faces in the same order): a stamp's strokes are heavy."""
    bold = font_path.replace("Regular", "Bold")
    return bold if bold != font_path and Path(bold).is_file() else font_path


@functools.lru_cache(maxsize=32)
def drawn_png(issuer: str, font_path: str, font_index: int = 0) -> bytes:
    """The default seal for ``issuer`` (module doc), as PNG bytes."""
    font_path = bold_face(font_path)
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    mask = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(mask)
    centre = SIZE / 2
    ring = 18
    draw.ellipse((ring, ring, SIZE - ring, SIZE - ring), outline=255, width=16)
    draw.polygon(_star((centre, centre), SIZE * 0.16), fill=255)
    subtitle_font = ImageFont.truetype(font_path, 44, index=font_index)
    draw.text((centre, centre + SIZE * 0.26), SUBTITLE, font=subtitle_font, fill=255, anchor="mm")

    chars = [c for c in issuer.strip() if not c.isspace()] or ["章"]
    radius = SIZE / 2 - ring - 16 - 50  # the characters' centres, inside the ring
    angles = ring_angles(len(chars))
    step = abs(angles[0] - angles[1]) if len(angles) > 1 else 40.0
    arc = radius * math.radians(step)  # room along the arc for one character
    size = int(max(18, min(76, arc * 0.92)))
    font = ImageFont.truetype(font_path, size, index=font_index)
    cell = int(size * 1.5)
    for char, angle in zip(chars, angles, strict=True):
        glyph = Image.new("L", (cell, cell), 0)
        ImageDraw.Draw(glyph).text((cell / 2, cell / 2), char, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(angle - 90, resample=Image.Resampling.BICUBIC)  # its foot towards the centre
        x = centre + radius * math.cos(math.radians(angle)) - cell / 2
        y = centre - radius * math.sin(math.radians(angle)) - cell / 2
        mask.paste(255, (int(round(x)), int(round(y))), glyph)

    colour = Image.new("RGBA", (SIZE, SIZE), (*RED, ALPHA))
    image.paste(colour, (0, 0), mask.point(lambda v: v * ALPHA // 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
