"""A TestClient whose every request is one trip to the app's event loop, not eight.

Starlette's TestClient runs the app in its portal thread and streams the response back through a
zero-size channel: creating its events and the channel, starting the app, waiting for the start of
the response and then for each body chunk are separate cross-thread calls (8 for a small answer),
each a socket wake-up of the loop and a lock hand-off: 1.5 ms of CPU for a request the app answers
in 0.1 ms. Here the whole exchange runs as one coroutine in that thread and the body is collected
there. The scope, the request body, the app's lifespan state and what a test sees (status, headers,
body, cookies, redirects, an exception raised by the app) are as Starlette's client builds them;
only the response is no longer streamed to the test while the app is still sending it (no test
reads a response before it is complete).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import anyio
import httpx2
from fastapi.testclient import TestClient
from starlette.testclient import _TestClientTransport
from starlette.types import Message


class _OneTripTransport(_TestClientTransport):
    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            return super().handle_request(request)  # websockets: Starlette's own session
        headers = [] if "host" in request.headers else [(b"host", url.netloc)]
        headers += [(key.lower().encode(), value.encode()) for key, value in request.headers.multi_items()]
        scope: dict[str, Any] = {
            "type": "http",
            "http_version": "1.1",
            "method": request.method,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "root_path": self.root_path,
            "scheme": url.scheme,
            "query_string": url.query,
            "headers": headers,
            "client": self.client,
            "server": [url.raw_host.decode("ascii"), url.port or {"http": 80, "https": 443}[url.scheme]],
            "extensions": {"http.response.debug": {}},
            "state": self.app_state.copy(),
        }
        body = request.read()
        started: dict[str, Any] = {}
        chunks: list[bytes] = []
        debug: dict[str, Any] = {}

        async def exchange() -> None:
            complete = anyio.Event()
            request_sent = False

            async def receive() -> Message:
                nonlocal request_sent
                if not request_sent:
                    request_sent = True
                    return {"type": "http.request", "body": body}
                await complete.wait()  # as a client that stays until the response is complete
                return {"type": "http.disconnect"}

            async def send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    assert not started, 'Received multiple "http.response.start" messages.'
                    started["status_code"] = message["status"]
                    started["headers"] = [(k.decode(), v.decode()) for k, v in message.get("headers", [])]
                elif message["type"] == "http.response.body":
                    assert started and not complete.is_set(), "a response body out of order"
                    chunks.append(bytes(message.get("body", b"")))
                    if not message.get("more_body", False):
                        complete.set()
                elif message["type"] == "http.response.debug":
                    debug.update(message["info"])

            try:
                await self.app(scope, receive, send)
            finally:
                complete.set()

        with self.portal_factory() as portal:
            try:
                portal.call(exchange)
            except Exception:
                if self.raise_server_exceptions:
                    raise
                if not started:
                    started.update(status_code=500, headers=[])
        if not started:
            raise AssertionError("TestClient did not receive any response.")
        content = b"" if request.method == "HEAD" else b"".join(chunks)
        response = httpx2.Response(**started, stream=httpx2.ByteStream(content), request=request)
        if "template" in debug:
            response.template = debug["template"]  # type: ignore[attr-defined]
        if "context" in debug:
            response.context = debug["context"]  # type: ignore[attr-defined]
        return response


class OneTripClient(TestClient):
    """``TestClient`` (same arguments, cookies, redirects and lifespan), one loop trip per request."""

    __test__ = False

    def __init__(self, app: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(app, *args, **kwargs)
        starlette_transport = vars(self)["_transport"]  # the one Starlette made from these arguments
        assert isinstance(starlette_transport, _TestClientTransport)
        self._transport = _OneTripTransport(
            self.app, portal_factory=self._portal_factory,
            raise_server_exceptions=starlette_transport.raise_server_exceptions,
            root_path=starlette_transport.root_path, app_state=self.app_state, client=starlette_transport.client)
