"""What a separate process runs in the diary tests: kept apart from the test modules, so a process that
imports it does not import pytest and the tests too."""

from __future__ import annotations

import datetime as dt


def open_and_log(url: str, day: int) -> str:
    """Open the diary at ``url`` as the CLI does (creating and migrating it if needed) and log a quiet night."""
    from crampcare.diary.records import NightRecord
    from crampcare.diary.store import open_store

    with open_store(url) as diary:
        diary.log_night(NightRecord(date=dt.date(2024, 1, day), cramps=[]))
    return "ok"
