"""Screenshots of the main pages, on a phone (390 × 844) and a desktop (1366 × 768), into docs/screenshots/.

    python tools/screenshots.py [--out docs/screenshots]

Builds a throw-away demo database (``trainer setup --demo`` plus ``trainer.demo_activity``: an exam in progress,
one handed in, an answered role-play, a certificate…), serves it on a local port, opens each page in Debian's
Chromium with Playwright as the account that would look at it, and saves the visible screen as a PNG reduced
to 256 colours (Pillow), so each file stays well under 150 KB. Needs the test extras (Playwright) and
/usr/bin/chromium, as the browser tests do. No network.
"""

import argparse
import io
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image  # noqa: E402

from trainer.demo_activity import build_demo_site, serve  # noqa: E402

PASSWORD = "screens-1"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
LIMIT = 150 * 1024

# (file name, account, URL from the demo data, viewport, what to do first)
SHOTS = [
    ("phone-home", "trainee1", lambda d: "/", PHONE, None),
    ("phone-menu", "trainer1", lambda d: "/", PHONE, "menu"),
    ("phone-module", "trainee1", lambda d: f"/modules/{d.module}", PHONE, None),
    ("phone-exam", "trainee1", lambda d: f"/attempts/{d.open_exam_attempt}", PHONE, None),
    ("phone-roleplay", "trainee1", lambda d: "/roleplay", PHONE, None),
    ("phone-hours", "trainee1", lambda d: "/hours", PHONE, None),
    ("desktop-home", "trainee1", lambda d: "/", DESKTOP, None),
    ("desktop-module", "trainee1", lambda d: f"/modules/{d.module}", DESKTOP, None),
    ("desktop-exam", "trainee1", lambda d: f"/attempts/{d.open_exam_attempt}", DESKTOP, None),
    ("desktop-records", "trainer1", lambda d: "/records", DESKTOP, None),
    ("desktop-results", "trainer1", lambda d: f"/exams/{d.annual_exam}/results", DESKTOP, None),
    ("desktop-certification", "trainer1", lambda d: "/certification", DESKTOP, "manage"),
]


def small_png(raw: bytes) -> bytes:
    """The screenshot in 256 colours (or fewer, until it fits under LIMIT)."""
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    for colours in (256, 128, 64):
        out = io.BytesIO()
        image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, format="PNG", optimize=True)
        if out.tell() <= LIMIT:
            break
    return out.getvalue()


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/")


def take(base: str, data, out: Path) -> list[tuple[str, int]]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        contexts = {}
        for name, username, url, viewport, action in SHOTS:
            key = (username, viewport["width"])
            if key not in contexts:
                phone = viewport is PHONE
                context = browser.new_context(viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone,
                                              locale="zh-CN")
                contexts[key] = context.new_page()
                log_in(contexts[key], base, username)
            page = contexts[key]
            page.goto(base + url(data), wait_until="networkidle")
            if page.locator("[_echarts_instance_]").count():
                page.wait_for_timeout(1500)  # ECharts draws its bars growing: take the finished chart
            if action == "menu":
                page.click("button.menu-toggle")
                page.click("nav.menu summary")
            elif action == "manage":
                page.click("nav.menu summary")
            png = small_png(page.screenshot())
            (out / f"{name}.png").write_bytes(png)
            saved.append((name, len(png)))
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app, data = build_demo_site(folder, PASSWORD)
        with serve(app) as base:
            saved = take(base, data, args.out)
    for name, size in saved:
        print(f"{args.out / name}.png  {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
