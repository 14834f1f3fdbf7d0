"""Where each piece of the certificate goes, and at which size, so that nothing crosses the inner border.

Pure: no Flask, no fpdf. Text widths come from ``measure(text, size_pt) -> mm`` (the PDF's own font metrics
when drawing, anything monotonic in tests). A text that does not fit its box at its preferred size is set
smaller, down to ``min_size``; if it still does not fit it wraps (character by character, as Chinese does)
onto at most ``max_lines`` lines, and only past that is the last line cut with "…". All lengths are mm, on a
landscape A4 page (297 × 210).
"""

from collections.abc import Callable
from dataclasses import dataclass

Measure = Callable[[str, float], float]
PT = 0.3528  # mm per point
PAGE_W, PAGE_H = 297.0, 210.0
OUTER_INSET, INNER_INSET = 10.0, 14.0  # the two drawn borders
PAD = 8.0  # space kept between the inner border and anything inside it
ELLIPSIS = "…"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, other: "Box") -> bool:
        eps = 1e-6
        return (other.x >= self.x - eps and other.y >= self.y - eps and other.right <= self.right + eps
                and other.bottom <= self.bottom + eps)


INNER = Box(INNER_INSET, INNER_INSET, PAGE_W - 2 * INNER_INSET, PAGE_H - 2 * INNER_INSET)
CONTENT = Box(INNER.x + PAD, INNER.y + PAD, INNER.w - 2 * PAD, INNER.h - 2 * PAD)


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float  # points
    line_height: float  # mm

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)


@dataclass(frozen=True)
class Placed:
    """One text block: its lines, set at ``fitted.size``, each centred (or aligned) in ``box``."""

    name: str
    box: Box
    fitted: Fitted
    align: str = "C"


@dataclass(frozen=True)
class Plan:
    texts: tuple[Placed, ...]
    qr: Box
    seal: Box

    def text(self, name: str) -> Placed:
        return next(p for p in self.texts if p.name == name)


def wrap(text: str, width: float, measure_line: Callable[[str], float]) -> list[str]:
    """Greedy wrap by character; a character wider than ``width`` on its own still gets a line."""
    lines, current = [], ""
    for char in text:
        if current and measure_line(current + char) > width:
            lines.append(current.rstrip())
            current = char.lstrip()
        else:
            current += char
    if current or not lines:
        lines.append(current)
    return lines


def fit(text: str, width: float, measure: Measure, *, size: float, min_size: float, max_lines: int = 2,
        leading: float = 1.35) -> Fitted:
    """The largest size from ``size`` down to ``min_size`` (half-point steps) at which ``text`` fits on one line;
    else wrapped at ``min_size`` onto at most ``max_lines`` lines, the last cut with "…" if need be."""
    current = size
    while current >= min_size:
        if measure(text, current) <= width:
            return Fitted((text,), current, current * PT * leading)
        current -= 0.5
    lines = wrap(text, width, lambda line: measure(line, min_size))
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and measure(last + ELLIPSIS, min_size) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + ELLIPSIS]
    return Fitted(tuple(lines), min_size, min_size * PT * leading)


QR_SIZE = 32.0
SEAL_SIZE = 40.0


def plan(*, name: str, qualification: str, dates: str, code: str, url: str, issuer: str, date: str,
         measure: Measure) -> Plan:
    """The whole page. Top to bottom in the middle: title, the person, the qualification, the dates; along the
    bottom: the QR code with the code and address beside it on the left, the issuer, the date and the seal
    over them on the right (as a stamp goes over the name of who stamps)."""
    c = CONTENT
    texts = []
    y = c.y + 14

    def block(key: str, text: str, box_x: float, box_w: float, top: float, size: float, min_size: float,
              max_lines: int = 2, align: str = "C") -> float:
        fitted = fit(text, box_w, measure, size=size, min_size=min_size, max_lines=max_lines)
        texts.append(Placed(key, Box(box_x, top, box_w, fitted.height), fitted, align))
        return top + fitted.height

    y = block("title", "上岗资格证书", c.x, c.w, y, 30, 30, 1) + 12
    y = block("name", f"兹证明 {name}", c.x, c.w, y, 16, 10) + 2
    y = block("statement", "已完成规定的学习、考试和情景演练,取得", c.x, c.w, y, 16, 12)
    y = block("qualification", qualification, c.x, c.w, y + 4, 22, 12) + 6
    block("dates", dates, c.x, c.w, y, 13, 9)

    # Bottom band: from here down to the content box's bottom edge.
    band_top = c.bottom - max(QR_SIZE + 6, SEAL_SIZE)
    qr = Box(c.x + 2, band_top, QR_SIZE, QR_SIZE)
    block("qr_caption", "手机扫码验证", qr.x - 2, QR_SIZE + 4, qr.bottom + 1, 8, 7, 1)
    left_x = qr.right + 5
    left_w = c.x + c.w * 0.58 - left_x
    top = band_top + 6
    top = block("code", f"验证码:{code}", left_x, left_w, top, 12, 9, 1, "L") + 1
    block("url", f"验证网址:{url}", left_x, left_w, top, 10, 7, 3, "L")

    right_x = c.x + c.w * 0.62
    right_w = c.right - right_x
    top = band_top + 10
    top = block("issuer", issuer, right_x, right_w, top, 15, 9, 2) + 1
    block("date", date, right_x, right_w, top, 12, 10, 1)
    issuer_box = texts[-2].box
    centre_x = right_x + right_w / 2
    centre_y = min(issuer_box.y + issuer_box.h / 2, c.bottom - SEAL_SIZE / 2)
    seal = Box(centre_x - SEAL_SIZE / 2, centre_y - SEAL_SIZE / 2, SEAL_SIZE, SEAL_SIZE)
    return Plan(tuple(texts), qr, seal)
