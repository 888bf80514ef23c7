"""Schemathesis hooks for the API contract test (loaded through ``SCHEMATHESIS_HOOKS``).

They teach the generator the rules the schema states in words but JSON Schema cannot express,
so that "valid" requests really are valid; invalid ones are still generated and must be refused:

* a diary date (``format: date``) lies from 1900-01-01 to tomorrow;
* ``from`` is not after ``to``;
* the body of ``PUT /nights/{date}`` and ``PUT /days/{date}`` carries the date of its path;
* interview answers answer only questions the other answers show (a pregnancy week needs
  "pregnant: yes"), and stay within a question's limits for the other answers (an adult's weight
  of 30-200 kg): both live in the knowledge base, not in JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

import schemathesis
from hypothesis import strategies as st

from crampcare.assess.interview import drop_unusable
from crampcare.diary.dates import EARLIEST, latest
from crampcare.knowledge import load_knowledge

# The schemathesis process keeps most of what it builds (the schema, its strategies, the results):
# Python's full collections, after every 10 of the middle generation, took 0.8 of its ~6 CPU-s to
# free next to nothing. They wait for 100 here (0.25 s), as in the test processes (tests/conftest.py).
gc.set_threshold(700, 10, 100)

schemathesis.openapi.format("date", st.dates(EARLIEST, latest()).map(dt.date.isoformat))


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    query = case.query or {}
    start, end = query.get("from"), query.get("to")
    if isinstance(start, str) and isinstance(end, str) and start > end:
        query["from"], query["to"] = end, start
    date = (case.path_parameters or {}).get("date")
    if case.method.upper() == "PUT" and isinstance(case.body, dict) and "date" in case.body and date is not None:
        case.body["date"] = date
    if isinstance(case.body, dict) and isinstance(case.body.get("answers"), dict):
        case.body["answers"] = drop_unusable(load_knowledge(), case.body["answers"])
