"""An app served by uvicorn in a thread of the test process, on a free loopback port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI
from tests.web.browserkit import AXE, AXE_URL, BLANK_URL


def with_axe(app: FastAPI) -> Any:
    """The app, plus axe-core at ``AXE_URL`` (answered by the test, not the app). Same-origin, so pages keep
    their Content Security Policy (``script-src 'self'``); cacheable, so Chromium compiles it once per
    context and reuses the compiled code on the next page (half the CPU of injecting it inline each time).
    And an empty page of the site's origin at ``BLANK_URL``, which registers no service worker."""

    body = AXE.read_bytes() if AXE.exists() else None  # read once: every page of every test asks for it

    async def serve(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == AXE_URL and body is not None:
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"text/javascript"), (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"public, max-age=86400, immutable")]})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "http" and scope["path"] == BLANK_URL:
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"0"),
                (b"cache-control", b"public, max-age=86400")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    return serve


def serve_in_thread(app: FastAPI) -> Iterator[str]:
    # A second to finish what is in flight, then stop: a browser still open keeps idle keep-alive
    # connections (and a service worker's) that would otherwise hold the shutdown until the join gives up.
    # Idle keep-alive connections stay open for the whole test (uvicorn closes them after 5 s by default):
    # a client that reuses one just as the server closes it gets "socket hang up" (ECONNRESET), and
    # Playwright's APIRequestContext, unlike the browser, does not retry (test_now_qa's cleanup, about 5 s
    # after its last request, failed so under load). The shutdown closes idle connections at once all the same.
    config = uvicorn.Config(with_axe(app), host="127.0.0.1", port=0, log_level="critical",
                            timeout_graceful_shutdown=1, timeout_keep_alive=600)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
