"""Request parsing shared by the pages and the JSON API: date-range query parameters and uploaded files."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Query, Request
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.responses import Response

from crampcare import jsontext
from crampcare.diary.errors import ImportFormatError
from crampcare.i18n.context import _
from crampcare.services.transfer import decode_import
from crampcare.web.errors import ApiError

__all__ = ["FromDate", "ToDate", "JsonBodyRoute", "read_upload"]

FromDate = Query(None, alias="from", description="First date (YYYY-MM-DD, from 1900-01-01 to tomorrow), inclusive; "
                 "not after `to` (422 otherwise).")
ToDate = Query(None, alias="to", description="Last date (YYYY-MM-DD, from 1900-01-01 to tomorrow), inclusive; "
               "not before `from` (422 otherwise).")


async def read_upload(request: Request) -> tuple[str, str]:
    """(text, file name) of an import request: a raw body or a multipart ``file`` field."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    name = ""
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(422, _("attach the diary as a form field named 'file'"),
                           fields=[{"field": "file", "message": _("missing")}])
        raw = await upload.read()
        name = upload.filename or ""
    else:
        raw = await request.body()
    if not raw.strip():
        raise ApiError(422, _("the file is empty"), fields=[{"field": "body", "message": _("empty")}])
    if not name and content_type in ("text/csv", "application/csv"):
        name = "upload.csv"
    elif not name and content_type in ("application/json", "application/fhir+json"):
        name = "upload.json"
    try:
        text = decode_import(raw, name)  # (a binary file, with NUL bytes, is refused there too)
    except ImportFormatError as exc:
        raise ApiError(422, _("the file {reason}", reason=exc.message),
                       fields=[{"field": "body", "message": _("not UTF-8")}]) from None
    return text, name


class _JsonBodyRequest(Request):
    """A request whose JSON body is read as every other outside JSON is (:func:`crampcare.jsontext.loads`):
    a key given twice is refused. ``json.loads`` kept the last one, so ``{"cold_pale_limb": true,
    "cold_pale_limb": false}`` was assessed as "no" where ``crampcare assess --answers`` refused it."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return json.loads(body)  # refused by FastAPI as before
            try:
                self._json = jsontext.loads(text)
            except jsontext.UnreadableJsonError as exc:
                if exc.line is not None:
                    return json.loads(text)  # bad syntax: FastAPI's own refusal (422, where), as before
                # Raised as an HTTPException, FastAPI passes it on instead of a bare "error parsing the body".
                raise HTTPException(422, detail=_("the body is not JSON crampcare can read: {reason}",
                                                  reason=exc.reason)) from None
        return self._json


class JsonBodyRoute(APIRoute):
    """The JSON API's routes: request bodies read by :class:`_JsonBodyRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def read_json_strictly(request: Request) -> Response:
            return await handler(_JsonBodyRequest(request.scope, request.receive))

        return read_json_strictly
