"""Plain ASGI middleware (cheaper than ``BaseHTTPMiddleware``): body size limit, security headers."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crampcare.i18n.context import _
from crampcare.web.errors import ApiError, api_error_response, error_body, wants_html
from crampcare.web.settings import IMPORT_PATHS, MB, Settings


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int, *, diary_file: bool = False, page_form: bool = False) -> None:
        megabytes = format(limit / MB, "g")
        if diary_file:
            detail = _("the file is larger than {mb} MB, the most the web app imports; import it with "
                       "'crampcare import FILE', or export the diary in parts ('crampcare export --from … --to …')",
                       mb=megabytes)
        elif page_form:
            detail = _("what you sent is larger than {mb} MB, the most a page takes; shorten the longest text "
                       "and send it again", mb=megabytes)
        else:
            detail = _("the request body is larger than {mb} MB", mb=megabytes)
        # The rest of the body is never read: the connection cannot carry another request.
        super().__init__(status_code=413, detail=detail, headers={"Connection": "close"})


async def _send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(code, message)).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


def _route_path(scope: Scope) -> str:
    """The path the app routes on (without the ``root_path`` a proxy mounts it under)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root + "/") else path


class BodyLimitMiddleware:
    """Refuse bodies over the route's limit (:meth:`Settings.body_limit`): by Content-Length up front,
    and by counting what streams in (chunked uploads, or a Content-Length that lies). The API gets
    the JSON error; a browser's form post (:func:`~crampcare.web.errors.wants_html`) gets the error
    page in its language, with a link back to the form's page."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        limit = self.settings.body_limit(path)

        def refusal() -> BodyTooLarge:
            return BodyTooLarge(limit, diary_file=path in IMPORT_PATHS, page_form=wants_html(Request(scope)))

        async def refuse(exc: BodyTooLarge) -> None:
            refused = ApiError(413, str(exc.detail), headers=dict(exc.headers or {}))
            await api_error_response(Request(scope), refused)(scope, receive, send)

        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_error(send, 400, "bad_request", _("Content-Length is not a number"))
                    return
                if declared > limit:
                    await refuse(refusal())
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise refusal()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            if not started:
                await refuse(exc)


# HTTPS only from now on, for a year, for this host alone (a clinic's other subdomains may not have it).
STRICT_TRANSPORT = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeadersMiddleware:
    """Adds the security headers to every response (routes may set their own CSP first), and
    ``Strict-Transport-Security`` to those of a request that really came over HTTPS: direct TLS, or
    a proxy whose ``X-Forwarded-Proto`` uvicorn trusts (``--forwarded-allow-ips``) — the scheme it
    puts in the request. Over plain HTTP browsers ignore the header, and local mode stays HTTP."""

    def __init__(self, app: ASGIApp, headers: Iterable[tuple[str, str]]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [*self.headers, STRICT_TRANSPORT] if scope.get("scheme") == "https" else self.headers

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _host_only(value: str) -> str:
    """``host`` from ``host:port`` (keeping IPv6 brackets)."""
    if value.startswith("["):
        return value[: value.find("]") + 1]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _is_direct_host(host: str) -> bool:
    """localhost or an IP address: a DNS-rebinding page can only arrive under a domain name."""
    name = host.strip("[]").lower()
    if name in LOCAL_HOSTS or name == "testserver":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class LocalOriginMiddleware:
    """Local mode has no accounts, so no session to protect with a CSRF token. Instead:
    the Host must be an address, not a domain name (a web page cannot reach the diary by
    DNS rebinding), and a write must not come from another site's page (browsers send
    ``Origin`` on every cross-site POST, including plain HTML forms; ``null`` comes from
    sandboxed frames and is refused too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name: value.decode("latin-1") for name, value in scope["headers"] if name in (b"host", b"origin")}
        host = headers.get(b"host", "")
        if host and not _is_direct_host(_host_only(host)):
            await _send_error(send, 403, "forbidden", _("local crampcare answers only on this machine (localhost)"))
            return
        if scope["method"] in _UNSAFE and from_another_site(headers.get(b"origin"), host):
            await _send_error(send, 403, "forbidden", _("a write from another site's page was refused"))
            return
        await self.app(scope, receive, send)


def from_another_site(origin: str | None, host: str) -> bool:
    """Whether a request's ``Origin`` names another site than its ``Host`` (browsers send ``Origin``
    on every cross-site POST, plain HTML forms included; ``null`` comes from sandboxed frames and
    counts as another site). No ``Origin``: not a browser's cross-site request."""
    if origin is None:
        return False
    return origin == "null" or origin.split("://", 1)[-1].lower() != host.lower()
