"""A cramp that has not happened yet is refused by the service, so by every client: the JSON API
stored one in tomorrow's night, which the CLI and the web form refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crampcare.diary.errors import CrampNotYetError
from crampcare.diary.records import Cramp, NightRecord
from crampcare.services import diary as diary_service

NOW = dt.datetime(2026, 12, 3, 21, 0)


def _night(date: dt.date, start: str) -> NightRecord:
    return NightRecord(date=date, cramps=[Cramp(start=dt.time.fromisoformat(start), duration_s=60, leg="left",
                                                muscles=["calf"], severity=5)])


def test_a_cramp_still_to_come_is_refused_with_the_night_and_time() -> None:
    with pytest.raises(CrampNotYetError, match="03:10"):
        diary_service.check_happened(_night(NOW.date(), "03:10"), NOW)  # tomorrow at 03:10
    diary_service.check_happened(_night(NOW.date(), "21:10"), NOW)  # a phone's clock a little ahead
    with pytest.raises(CrampNotYetError):
        diary_service.check_happened(_night(NOW.date(), "21:30"), NOW)
    diary_service.check_happened(_night(NOW.date() - dt.timedelta(days=1), "03:10"), NOW)  # this morning


def test_the_api_refuses_tomorrows_cramp_and_stores_nothing(tmp_path: Path) -> None:
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings
    from one_trip_client import OneTripClient

    app = create_app(Settings(db=f"sqlite:///{tmp_path / 'diary.db'}"))
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    cramp = {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
    with OneTripClient(app) as client:
        for answer in (client.post("/api/v1/nights", json={"date": tomorrow, "cramps": [cramp]}),
                       client.put(f"/api/v1/nights/{tomorrow}", json={"date": tomorrow, "cramps": [cramp]})):
            assert answer.status_code == 422, answer.text
            assert "has not happened yet" in answer.text
        assert client.get(f"/api/v1/nights/{tomorrow}").status_code == 404
