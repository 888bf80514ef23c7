"""The /now page: bytes on the wire (gzip) with its CSS, JS and service worker (target <= 14 KB, the
first network round trip), and time to first paint in headless Chromium.

Starts a real ``crampcare serve`` on a free loopback port with a temporary diary; Debian's
/usr/bin/chromium through Playwright. Prints figures; it is not a test.

Run: .venv/bin/python bench/bench_now_page.py [RUNS]
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).parent))

from bench_api import start_server

BUDGET = 14 * 1024
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def transferred(client: httpx2.Client, url: str) -> tuple[int, int, str]:
    """(bytes on the wire, bytes decoded, content-encoding) for one GET with Accept-Encoding: gzip."""
    with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
        encoding = response.headers.get("content-encoding", "identity")
    decoded = len(client.get(url).content)
    return len(raw), decoded, encoding


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(Path(folder))
        try:
            with httpx2.Client(base_url=base) as client:
                for lang in ("en", "ru"):
                    page = client.get(f"/now?lang={lang}").text
                    urls = [f"/now?lang={lang}", *re.findall(r'src="([^"]+)"', page), "/sw.js"]
                    total = 0
                    print(f"/now?lang={lang}")
                    for url in urls:
                        wire, decoded, encoding = transferred(client, url)
                        total += wire
                        print(f"  {url:<32} {wire:6d} B on the wire ({encoding}), {decoded:6d} B decoded")
                    print(f"  total {total} B = {total / 1024:.1f} KB (budget {BUDGET / 1024:.0f} KB: "
                          f"{'met' if total <= BUDGET else 'NOT met'}); CSS is inlined in the page")
            if not Path(CHROMIUM).exists():
                print("no /usr/bin/chromium: paint timing skipped")
                return
            from playwright.sync_api import sync_playwright

            first_paint, fcp = [], []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    for _ in range(runs):
                        context = browser.new_context(viewport={"width": 360, "height": 740})
                        page = context.new_page()
                        page.goto(base + "/now", wait_until="load")
                        page.wait_for_function("() => performance.getEntriesByType('paint').length >= 2")
                        entries = page.evaluate(
                            "() => Object.fromEntries(performance.getEntriesByType('paint')"
                            ".map(e => [e.name, e.startTime]))")
                        first_paint.append(entries["first-paint"])
                        fcp.append(entries["first-contentful-paint"])
                        context.close()
                finally:
                    browser.close()
            print(f"headless Chromium, fresh context each, {runs} runs, 360x740, loopback:")
            print(f"  first paint            median {statistics.median(first_paint):6.1f} ms "
                  f"(min {min(first_paint):.1f}, max {max(first_paint):.1f})")
            print(f"  first contentful paint median {statistics.median(fcp):6.1f} ms "
                  f"(min {min(fcp):.1f}, max {max(fcp):.1f})")
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
