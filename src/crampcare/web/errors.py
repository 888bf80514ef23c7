"""One error shape for the whole API: ``{"error": {"code", "message", "fields"}}``.

``fields`` lists ``{"field": ..., "message": ...}`` for every bad input (empty otherwise).
Pages (non-API paths asked for by a browser) get the same information as a small HTML page.
Bad input is never a 500: every error the core raises for bad input maps to a 4xx here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crampcare.i18n.context import _, current_language, ngettext
from crampcare.i18n.validation import validation_text

if TYPE_CHECKING:
    from crampcare.accounts import AccountError

log = logging.getLogger("crampcare.web")

STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal_error",
    501: "not_implemented",
    503: "unavailable",
}


class ApiError(Exception):
    """Raise anywhere in a route to answer with the shared error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: Sequence[dict[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message
        self.fields = list(fields)
        self.headers = headers


def account_error(exc: AccountError) -> ApiError:
    """A refused account operation in the shared error shape."""
    status = {"invalid": 422, "conflict": 409, "unauthorized": 401, "rate_limited": 429}.get(exc.code, 400)
    fields = [{"field": exc.field, "message": exc.message}] if exc.field else []
    headers = {"Retry-After": "900"} if status == 429 else None
    return ApiError(status, exc.message, code=exc.code if status != 422 else "validation_error", fields=fields,
                    headers=headers)


def error_body(code: str, message: str, fields: Iterable[dict[str, str]] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": list(fields)}}


def field_path(loc: Sequence[Any], *, drop_body: bool = True) -> str:
    """``("body", "cramps", 0, "severity")`` -> ``"cramps[0].severity"``."""
    parts = list(loc)
    if drop_body and parts and parts[0] == "body":
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"


def pydantic_fields(errors: Iterable[Any], prefix: Sequence[Any] = ()) -> list[dict[str, str]]:
    found = []
    for error in errors:
        message = validation_text(error)
        found.append({"field": field_path([*prefix, *error.get("loc", ())]), "message": message})
    return found


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _respond(request: Request, status: int, code: str, message: str, fields: Sequence[dict[str, str]] = (),
             headers: dict[str, str] | None = None) -> Response:
    if wants_html(request):
        # A form too large to read (refused by the body limit, before or while reading it): back to its page.
        back = form_page(request) if status == 413 else None
        templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "code": code, "message": message, "fields": fields, "lang": current_language(),
             "back": back},
            status_code=status,
            headers=headers,
        )
    return JSONResponse(error_body(code, message, fields), status_code=status, headers=headers)


def api_error_response(request: Request, exc: ApiError) -> Response:
    """The page (for a browser) or JSON body of a refusal."""
    return _respond(request, exc.status, exc.code, exc.message, exc.fields, exc.headers)


def install_handlers(app: FastAPI) -> None:

    from crampcare.assess.answers import AnswerError
    from crampcare.diary.errors import (
        ConflictError,
        CrampNotYetError,
        DiaryError,
        DuplicateRecordError,
        ImportFormatError,
        NotFoundError,
        TagLimitError,
    )
    from crampcare.report.errors import ReportError
    from crampcare.services.database import DatabaseUnavailableError, ValueNotStorableError
    from crampcare.services.diary import DatabaseBusyError, OwnerGoneError

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return api_error_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        default = {404: _("Not found."), 405: _("Method not allowed.")}.get(status, _("Request refused."))
        message = exc.detail if isinstance(exc.detail, str) and exc.detail else default
        if status == 404 and message == "Not Found":
            # Never the address itself: a crafted link would put its words on this app's page.
            message = _("Nothing at this address.")
        elif message in ("Method Not Allowed", "Not Found"):  # Starlette's own English words
            message = default
        headers = dict(exc.headers) if exc.headers else {}
        if status == 405 and (methods := allowed_methods(request)):
            # Starlette names only the methods of the first route on the path; list them all.
            headers["Allow"] = ", ".join(methods)
        return _respond(request, status, STATUS_CODES.get(status, "error"), message, (), headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = pydantic_fields(exc.errors())
        return _respond(request, 422, "validation_error", _summary(fields), fields)

    @app.exception_handler(ValidationError)
    async def _model_validation(request: Request, exc: ValidationError) -> Response:
        fields = pydantic_fields(exc.errors())
        return _respond(request, 422, "validation_error", _summary(fields), fields)

    @app.exception_handler(AnswerError)
    async def _answer(request: Request, exc: AnswerError) -> Response:
        fields = [{"field": f"answers.{exc.question_id}", "message": exc.message}]
        return _respond(request, 422, "validation_error", str(exc), fields)

    @app.exception_handler(DuplicateRecordError)
    async def _duplicate(request: Request, exc: DuplicateRecordError) -> Response:
        return _respond(request, 409, "duplicate", str(exc), [{"field": "date", "message": str(exc)}])

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> Response:
        return _respond(request, 409, "conflict", str(exc), [{"field": "date", "message": str(exc)}])

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _respond(request, 404, "not_found", str(exc))

    @app.exception_handler(ImportFormatError)
    async def _import_format(request: Request, exc: ImportFormatError) -> Response:
        fields = [{"field": exc.location or "body", "message": exc.message}]
        return _respond(request, 422, "validation_error", str(exc), fields)

    @app.exception_handler(TagLimitError)
    async def _tag_limit(request: Request, exc: TagLimitError) -> Response:
        return _respond(request, 422, "validation_error", str(exc), [{"field": "tags", "message": str(exc)}])

    @app.exception_handler(CrampNotYetError)
    async def _not_yet(request: Request, exc: CrampNotYetError) -> Response:
        return _respond(request, 422, "validation_error", str(exc), [{"field": "cramps", "message": str(exc)}])

    @app.exception_handler(DiaryError)
    async def _diary(request: Request, exc: DiaryError) -> Response:
        return _respond(request, 409, "conflict", str(exc))

    @app.exception_handler(OwnerGoneError)
    async def _owner_gone(request: Request, exc: OwnerGoneError) -> Response:
        # The account was deleted while this request ran: nothing was written for it.
        return _respond(request, 410, "gone", str(exc))

    @app.exception_handler(DatabaseBusyError)
    async def _busy(request: Request, exc: DatabaseBusyError) -> Response:
        return _respond(request, 503, "unavailable", str(exc), headers={"Retry-After": "2"})

    @app.exception_handler(ValueNotStorableError)
    async def _data(request: Request, exc: ValueNotStorableError) -> Response:
        # e.g. a NUL character PostgreSQL refuses to store: bad input, not a server fault.
        return _respond(request, 422, "validation_error", _("a value could not be stored; remove unusual characters"))

    @app.exception_handler(DatabaseUnavailableError)
    async def _operational(request: Request, exc: DatabaseUnavailableError) -> Response:
        from crampcare.services.database import unsaved_reason

        if reason := unsaved_reason(exc):
            log.error("diary not writable: %s", exc.orig)
            return _respond(request, 503, "unavailable", reason, headers={"Retry-After": "5"})
        log.error("database unavailable: %s", exc)
        return _respond(request, 503, "unavailable", _("the diary database is unavailable; try again shortly"))

    @app.exception_handler(ReportError)
    async def _report(request: Request, exc: ReportError) -> Response:
        return _respond(request, 422, "validation_error", str(exc), [{"field": "query", "message": str(exc)}])



def _routed(request: Request, method: str, path: str | None = None) -> bool:
    """Whether some route answers ``method`` at the request's path (or at ``path``, with the same ``root_path``)."""
    from starlette.routing import Match

    scope = {**request.scope, "method": method}
    if path is not None:
        scope["path"] = request.scope.get("root_path", "") + path
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at the request's path (HEAD wherever GET: see ``HeadMiddleware``)."""
    found = [method for method in ("GET", "POST", "PUT", "PATCH", "DELETE") if _routed(request, method)]
    return found[:1] + ["HEAD"] + found[1:] if "GET" in found else found


def form_page(request: Request) -> str:
    """The page a form posted to this path sits on: the path itself if it is a page (``/diary/night/<date>``),
    else the nearest parent that is (``/diary/import`` -> ``/diary``), else the start page."""
    path = request.url.path.removeprefix(request.scope.get("root_path", ""))
    while path.strip("/"):
        if _routed(request, "GET", path):
            return request.scope.get("root_path", "") + path
        path = path.rstrip("/").rsplit("/", 1)[0]
    return request.scope.get("root_path", "") + "/"


def _summary(fields: Sequence[dict[str, str]]) -> str:
    if not fields:
        return _("invalid request")
    first = fields[0]
    more = len(fields) - 1
    text = f"{first['field']}: {first['message']}"
    return text + (" " + ngettext("(and {n} more)", "(and {n} more)", more) if more else "")


class UnexpectedErrorMiddleware:
    """Answer an unexpected exception with a 500 in the shared error shape, and stop there.

    Starlette's own handler for ``Exception`` re-raises after answering, and uvicorn then closes
    the connection: the client's next request on that keep-alive connection is reset. Here the
    exception ends with the logged 500, so the connection stays usable. Add it innermost, so the
    500 still gets the security headers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            request = Request(scope)
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            if started:  # half a response is out: closing the connection is the only honest end
                raise
            response = _respond(request, 500, "internal_error", _("something went wrong on our side"))
            await response(scope, receive, send)
