"""The same actions through the CLI, the JSON API and the web form end in the same stored diary.

Each client gets its own diary (three SQLite files); after every step the three diaries must
hold exactly the same nights and days: a first cramp, a second cramp for the already-logged
night (appended, never refused), a quiet night for it (changes nothing), importing the same
file twice (the second time adds nothing), and an undo after each change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from crampcare.cli import app as cli_app
from crampcare.diary.store import DiaryStore
from crampcare.web.app import create_app
from crampcare.web.settings import Settings

NIGHT = (dt.date.today() - dt.timedelta(days=3)).isoformat()
FIRST = {"start": "02:10", "duration_s": 120, "leg": "left", "muscles": ["calf"], "severity": 6}
SECOND = {"start": "04:30", "duration_s": 60, "leg": "right", "muscles": ["foot"], "severity": 3}
FORM_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


class Clients:
    """One action, three clients: each method does it through the CLI, the API and the web form."""

    def __init__(self, folder: Path, web: TestClient, api: TestClient) -> None:
        self.folder = folder
        self.urls = {name: f"sqlite:///{folder / f'{name}.db'}" for name in ("cli", "api", "web")}
        self.web, self.api = web, api
        self.runner = CliRunner()
        self.api_changes: list[str] = []  # the X-Change-Id of each API write, which its undo names

    def cli(self, *args: str, exit_code: int = 0) -> str:
        result = self.runner.invoke(cli_app, [*args, "--db", self.urls["cli"]])
        assert result.exit_code == exit_code, result.output
        return result.output

    def api_write(self, response: Any) -> Any:
        if "X-Change-Id" in response.headers:
            self.api_changes.append(response.headers["X-Change-Id"])
        return response

    def log_cramp(self, cramp: dict[str, Any]) -> None:
        self.cli("log", "night", "--date", NIGHT, "--cramp",
                 f"{cramp['start']},{cramp['duration_s']}s,{cramp['leg']},{'+'.join(cramp['muscles'])},"
                 f"{cramp['severity']}")
        assert self.api_write(self.api.post("/api/v1/nights", json={"date": NIGHT, "cramps": [cramp]})).status_code in (
            200, 201)
        key = FORM_KEY.search(self.web.get("/diary").text)
        assert key is not None
        form = {"idempotency_key": key.group(1), "date": NIGHT, "start": cramp["start"],
                "duration": str(cramp["duration_s"]), "leg": cramp["leg"], "muscles": cramp["muscles"],
                "severity": str(cramp["severity"])}
        assert self.web.post("/diary/night", data=form, follow_redirects=False).status_code == 303

    def log_quiet(self) -> None:
        self.cli("log", "night", "--date", NIGHT, "--none")
        assert self.api_write(self.api.post("/api/v1/nights", json={"date": NIGHT, "cramps": []})).status_code in (
            200, 201)
        self.web.post("/diary/quiet", data={"date": NIGHT}, follow_redirects=False)

    def import_file(self, path: Path) -> None:
        self.cli("import", str(path))
        assert self.api_write(self.api.post("/api/v1/import", content=path.read_bytes(),
                                            headers={"Content-Type": "text/csv"})).status_code == 200
        with path.open("rb") as upload:
            sent = self.web.post("/diary/import", files={"file": (path.name, upload, "text/csv")},
                                 follow_redirects=False)
        assert sent.status_code == 303

    def undo(self) -> None:
        """Each client undoes its own last change, naming it: the CLI by the number ``diary undo`` shows,
        the API by the ``X-Change-Id`` its write answered, the web by the page's "Undo the last change"."""
        shown = re.search(r"\(number (\d+)\)", self.cli("diary", "undo", exit_code=2))
        assert shown is not None
        self.cli("diary", "undo", "--change", shown.group(1))
        assert self.api.post("/api/v1/undo", params={"change": self.api_changes.pop()}).status_code == 200
        offered = re.search(r'action="/diary/undo">.*?name="change" value="(\d+)"', self.web.get("/diary").text, re.S)
        assert offered is not None
        assert self.web.post("/diary/undo", data={"change": offered.group(1)}, follow_redirects=False).status_code == 303

    def diaries(self) -> dict[str, Any]:
        found = {}
        for name, url in self.urls.items():
            with DiaryStore(url) as store:
                found[name] = json.dumps([[n.model_dump(mode="json") for n in store.list_nights()],
                                          [d.model_dump(mode="json") for d in store.list_days()]], sort_keys=True)
        return found


@pytest.fixture
def clients(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[Clients]:
    urls = {name: new_migrated_sqlite(tmp_path / f"{name}.db") for name in ("api", "web")}
    with TestClient(create_app(Settings(db=urls["api"]))) as api, TestClient(create_app(Settings(db=urls["web"]))) as web:
        yield Clients(tmp_path, web, api)


def _same(clients: Clients) -> list[Any]:
    diaries = clients.diaries()
    assert diaries["cli"] == diaries["api"] == diaries["web"], diaries
    return list(json.loads(diaries["cli"]))


def test_same_actions_same_diary(clients: Clients, tmp_path: Path) -> None:
    check: Callable[[], list[Any]] = lambda: _same(clients)  # noqa: E731
    clients.log_cramp(FIRST)
    assert [c["severity"] for c in check()[0][0]["cramps"]] == [6]
    clients.log_cramp(SECOND)  # a second cramp for a logged night is appended, everywhere
    assert [c["severity"] for c in check()[0][0]["cramps"]] == [6, 3]
    clients.log_quiet()  # a quiet night erases nothing
    assert len(check()[0][0]["cramps"]) == 2
    clients.undo()  # takes back the second cramp
    assert [c["severity"] for c in check()[0][0]["cramps"]] == [6]
    clients.undo()
    assert check() == [[], []]

    other = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    diary_file = tmp_path / "diary.csv"
    diary_file.write_text(f"date,night_logged,day_logged,fluids_ml\n{other},yes,yes,1500\n", encoding="utf-8")
    clients.import_file(diary_file)
    imported = check()
    assert [n["date"] for n in imported[0]] == [other] and imported[1][0]["fluids_ml"] == 1500
    clients.import_file(diary_file)  # the same file again adds nothing
    assert check() == imported
    clients.undo()  # the second import: it changed nothing, so its undo changes nothing
    assert check() == imported
    clients.undo()  # the first import
    assert check() == [[], []]


def _ahead(minutes: int) -> tuple[str, str]:
    """The night and clock time of a moment ``minutes`` from now."""
    from crampcare.diary.units import NIGHT_SPLIT

    moment = dt.datetime.now() + dt.timedelta(minutes=minutes)
    night = moment.date() if moment.time() >= NIGHT_SPLIT else moment.date() - dt.timedelta(days=1)
    return night.isoformat(), moment.strftime("%H:%M")


@pytest.mark.parametrize(("minutes", "kept"), [(5, True), (45, False)])
def test_a_cramp_a_little_ahead_of_the_clock_is_the_same_in_every_client(clients: Clients, minutes: int,
                                                                         kept: bool) -> None:
    """A phone's clock may run a few minutes ahead: 5 minutes ahead is kept by all three clients,
    45 minutes ahead (not happened yet) is refused by all three. The CLI refused even 1 minute ahead."""
    night, start = _ahead(minutes)
    clients.cli("diary", "list")  # the CLI's diary made (a refused write leaves none to compare)
    clients.cli("log", "night", "--date", night, "--cramp", f"{start},60s,left,calf,5", exit_code=0 if kept else 2)
    cramp = {"start": start, "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
    assert clients.api.post("/api/v1/nights", json={"date": night, "cramps": [cramp]}).status_code == (201 if kept else 422)
    key = FORM_KEY.search(clients.web.get("/diary").text)
    assert key is not None
    form = {"idempotency_key": key.group(1), "date": night, "start": start, "duration": "60", "leg": "left",
            "muscles": "calf", "severity": "5"}
    assert clients.web.post("/diary/night", data=form, follow_redirects=False).status_code == (303 if kept else 422)
    nights = _same(clients)[0]
    assert len(nights) == (1 if kept else 0)
