"""Privacy on a shared server and a shared device: a report never reaches the network, a cached
page never holds one account's data for another, and a night kept offline reaches only the diary
of whoever logged it."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import crampcare
from crampcare.report import document

TINY_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A web server on this machine that records every request made to it."""
    asked: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_laying_out_a_report_never_fetches_from_the_network(listener: tuple[str, list[str]], tmp_path: Path) -> None:
    address, asked = listener
    outside = tmp_path / "secret.css"
    outside.write_text("body { color: red }")
    html = (
        f'<html><head><link rel="stylesheet" href="{address}/style.css">'
        f'<style>@import url("{address}/import.css"); @font-face {{ font-family: x; src: url({address}/font.woff) }}'
        f' body {{ background: url({address}/background.png) }}</style>'
        f'<link rel="stylesheet" href="{outside.as_uri()}"></head>'
        f'<body><img src="{address}/image.png"><img src="{TINY_PNG}"><p style="font-family: x">text</p></body></html>'
    )
    pages = document._layout(html).pages
    assert len(pages) == 1
    assert asked == []
    fetch = document._own_resources().fetch
    with pytest.raises(OSError):
        fetch(outside.as_uri())
    with pytest.raises(OSError):
        fetch(f"{address}/direct.png")
    assert asked == []
    # What the package itself holds, and data: URLs, still load.
    own = Path(crampcare.__file__).parent / "report" / "templates" / "report.html"
    assert b"<html" in fetch(own.as_uri()).read()
    assert fetch(TINY_PNG).read().startswith(b"\x89PNG")
