"""The one-trip test client (one_trip_client.py) answers as Starlette's TestClient does, and an
exception in the app still fails the test that caused it (the tests rely on it to catch any 500)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, StreamingResponse
from fastapi.testclient import TestClient

from one_trip_client import OneTripClient


def _app() -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> PlainTextResponse:
        body = await request.body()
        response = PlainTextResponse(f"{request.method} {request.url.path}?{request.url.query} {len(body)} "
                                     f"{request.headers.get('x-test')} {request.cookies.get('seen')}", status_code=201)
        response.set_cookie("seen", "yes")
        return response

    @app.get("/stream")
    def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"one ", b"two ", b"three"]), media_type="text/plain")

    @app.get("/moved")
    def moved() -> RedirectResponse:
        return RedirectResponse("/stream", status_code=303)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    return app


def test_answers_as_starlettes_client_does() -> None:
    app = _app()

    def exchange(client: TestClient) -> list[object]:
        first = client.post("/echo?a=1", content=b"x" * 3000, headers={"x-test": "t"})
        again = client.post("/echo", content=b"")
        redirected = client.get("/moved")
        head = client.head("/stream")
        return [(r.status_code, r.text, r.headers.get("content-type"), r.headers.get("set-cookie"))
                for r in (first, again, redirected, head)] + [redirected.url.path, dict(client.cookies)]

    with TestClient(app) as starlette, OneTripClient(app) as one_trip:
        assert exchange(one_trip) == exchange(starlette)
    assert exchange(OneTripClient(app)) == exchange(TestClient(app))  # not entered: a portal per request


def test_an_exception_in_the_app_fails_the_test_or_is_a_500_when_asked() -> None:
    with OneTripClient(_app()) as client, pytest.raises(RuntimeError, match="boom"):
        client.get("/boom")
    with OneTripClient(_app(), raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == 500
