"""Screenshots of every dashboard page with a real browser (Playwright driving Debian's chromium).

    python -m segwh.dashboard.screenshots [--url http://127.0.0.1:8501] [--out docs/images]

Writes <out>/dashboard-<page>.png for a running `make dashboard`. The browser test
(python_tests/test_dashboard.py) uses the same functions.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from segwh.dashboard import PAGES

CHROMIUM = "/usr/bin/chromium"
WIDTH = 1280
MAX_HEIGHT = 2000


def launch(playwright, executable_path: str = CHROMIUM):
    # Debian's chromium; --no-sandbox as the tests may run as root in a container
    return playwright.chromium.launch(executable_path=executable_path, headless=True, args=["--no-sandbox"])


def page_url(base_url: str, url_path: str) -> str:
    # the first page is the app's default page, served at the root
    return base_url.rstrip("/") + "/" + ("" if url_path == PAGES[0][0] else url_path)


def wait_until_rendered(page, timeout_ms: int = 60_000) -> None:
    """Until the script run is over (no running indicator) and every chart is drawn."""
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=timeout_ms)
    done = """() => !document.querySelector("[data-testid='stStatusWidget']")
                && !document.querySelector("[data-stale='true']")
                && [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
                       .every(c => c.querySelector("canvas, svg"))"""
    # twice, apart: a run that has just started may not show its running indicator yet
    for _ in range(2):
        page.wait_for_function(done, timeout=timeout_ms)
        page.wait_for_timeout(600)


def save_png(page, path: Path) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside stMain, so grow the window to its
    content first), reduced to 256 colours to keep the file small."""
    from PIL import Image

    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": min(max(int(height), 600), MAX_HEIGHT)})
    page.wait_for_timeout(300)
    image = Image.open(io.BytesIO(page.screenshot()))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def capture(base_url: str, out: Path, executable_path: str = CHROMIUM) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = launch(playwright, executable_path)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for url_path, _title, _script in PAGES:
                page.set_viewport_size({"width": WIDTH, "height": 900})
                page.goto(page_url(base_url, url_path))
                wait_until_rendered(page)
                path = out / f"dashboard-{url_path}.png"
                save_png(page, path)
                written.append(path)
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of every dashboard page.")
    parser.add_argument("--url", default="http://127.0.0.1:8501", help="a running dashboard")
    parser.add_argument("--out", default="docs/images", type=Path, help="folder of the PNG files")
    parser.add_argument("--chromium", default=CHROMIUM, help="the chromium executable")
    args = parser.parse_args(argv)
    for path in capture(args.url, args.out, args.chromium):
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
