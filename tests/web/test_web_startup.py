"""A web process builds its app with the garbage collector paused and serves with it on again
(crampcare.collector): both ways it starts, one process (`crampcare serve`) and each worker
of `crampcare serve --workers N` (``create_app_from_env``)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import uvicorn

from crampcare.web import app as web_app
from test_cli import crampcare


def _recording(seen: dict[str, bool], name: str, result: Any = None) -> Any:
    def record(*_args: Any, **_kwargs: Any) -> Any:
        seen[name] = gc.isenabled()
        return result

    return record


def test_a_worker_builds_its_app_with_the_collector_paused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAMPCARE_DB", str(tmp_path / "diary.db"))
    seen: dict[str, bool] = {}
    with patch.object(web_app, "create_app", _recording(seen, "building", result="the app")):
        assert web_app.create_app_from_env() == "the app"
    assert seen == {"building": False}
    assert gc.isenabled()


def test_serve_builds_with_the_collector_paused_and_serves_with_it_on(tmp_path: Path) -> None:
    seen: dict[str, bool] = {}
    with patch.object(web_app, "create_app", _recording(seen, "building", result="the app")), \
            patch.object(uvicorn, "run", _recording(seen, "serving")):
        result = crampcare("serve", "--db", str(tmp_path / "diary.db"), "--port", "0",
                           env={"CRAMPCARE_MODE": None, "CRAMPCARE_DB": None, "CRAMPCARE_WORKERS": None})
    assert result.returncode == 0, result.stderr
    assert seen == {"building": False, "serving": True}
    assert gc.isenabled()


def test_a_refused_start_leaves_the_collector_on(tmp_path: Path) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    result = crampcare("serve", "--db", str(folder), "--port", "0",
                       env={"CRAMPCARE_MODE": None, "CRAMPCARE_DB": None, "CRAMPCARE_WORKERS": None})
    assert result.returncode == 2, result.stderr
    assert gc.isenabled()
