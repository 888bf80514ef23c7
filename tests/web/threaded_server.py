"""An app served by uvicorn in a thread of the test process, on a free loopback port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI


def serve_in_thread(app: FastAPI) -> Iterator[str]:
    # A second to finish what is in flight, then stop: a browser still open keeps idle keep-alive
    # connections (and a service worker's) that would otherwise hold the shutdown until the join gives up.
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", timeout_graceful_shutdown=1)
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
