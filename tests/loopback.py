"""httpx2 clients for the servers the tests start on 127.0.0.1 (`crampcare serve` processes, threaded uvicorn).

httpx2 builds a TLS context for every client it makes, reading the whole CA bundle (18 ms of CPU), even
though these clients only ever speak plain HTTP to the loopback address: the suite made 230 of them, 4
CPU-s. They share one context, made once as httpx2 makes its default; every request is as before.
"""

from __future__ import annotations

from typing import Any

import httpx2

TLS = httpx2.create_ssl_context()


#: httpx2 gives up on a request after 5 s: a server of the suite on a busy CI machine (two workers of
#: its own beside the suite's two) may take longer, which is slow, not wrong. A hung server still fails.
TIMEOUT = 30.0


def loopback_client(base_url: str, **kwargs: Any) -> httpx2.Client:
    """``httpx2.Client(base_url=base_url, **kwargs)`` with the shared TLS context (and :data:`TIMEOUT`
    unless ``timeout`` is given)."""
    kwargs.setdefault("timeout", TIMEOUT)
    return httpx2.Client(base_url=base_url, verify=TLS, **kwargs)
