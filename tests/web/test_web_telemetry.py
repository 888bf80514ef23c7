"""Nothing leaves the machine: FastAPI's OpenTelemetry bridge stays off in crampcare's app even where
the process has tracer, meter and logger providers configured (as an operator's or another library's
set-up would) and ``FASTAPI_OTEL_AUTO_CONFIGURE=true`` is set. Left on, FastAPI would hand every request,
and the body of every refused one (health data), to those providers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import _logs, metrics, trace

from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from one_trip_client import OneTripClient


class _Asked:
    """A configured provider (any class OpenTelemetry's API does not know as its own placeholder) that
    notes each time it is asked for a tracer, a meter or a logger."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def _note(self, what: str) -> Any:
        self.asked.append(what)
        raise AssertionError(f"FastAPI asked for a {what}: request data would go to OpenTelemetry")


class _Tracers(_Asked, trace.TracerProvider):
    def get_tracer(self, *args: Any, **kwargs: Any) -> Any:
        return self._note("tracer")


class _Meters(_Asked, metrics.MeterProvider):
    def get_meter(self, *args: Any, **kwargs: Any) -> Any:
        return self._note("meter")


class _Loggers(_Asked, _logs.LoggerProvider):
    def get_logger(self, *args: Any, **kwargs: Any) -> Any:
        return self._note("logger")


def test_requests_and_refusals_reach_no_telemetry_provider(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           new_migrated_sqlite: Callable[[Path], str]) -> None:
    providers = _Tracers(), _Meters(), _Loggers()
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/")  # where an export would go
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: providers[0])
    monkeypatch.setattr(metrics, "get_meter_provider", lambda: providers[1])
    monkeypatch.setattr(_logs, "get_logger_provider", lambda: providers[2])

    with OneTripClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db")))) as client:
        assert client.post("/api/v1/nights", json={"date": "2026-11-01", "cramps": []}).status_code == 201
        refused = client.post("/api/v1/nights", json={"date": "not a date", "note": "private words"})
        assert refused.status_code == 422
        assert client.get("/api/v1/nights").status_code == 200

    assert [provider.asked for provider in providers] == [[], [], []]
