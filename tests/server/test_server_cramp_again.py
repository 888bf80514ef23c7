""""A cramp like last time" in server mode: each person is offered only their own last cramp."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from serverkit import Person

from crampcare.diary.units import night_date_for

FORM = re.compile(r'<form method="post" action="/diary/night" class="quiet again".*?</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def offer(person: Person) -> dict[str, list[str]] | None:
    found = FORM.search(person.get("/diary").text)
    if not found:
        return None
    fields: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(found.group(0)):
        fields.setdefault(name, []).append(value)
    return fields


def test_each_person_sees_only_their_own_last_cramp(people: Callable[..., Person]) -> None:
    # Both cramps at 03:10: the shortcut files its cramp in the latest night a cramp at 03:10 has happened.
    night = night_date_for(dt.time(3, 10)).isoformat()
    ann, bob = people("ann@example.org"), people("bob@example.org")
    logged = ann.post("/api/v1/nights", json={"date": night, "cramps": [
        {"start": "03:10", "duration_s": 180, "leg": "left", "muscles": ["calf"], "severity": 6}]})
    assert logged.status_code == 201, logged.text
    assert offer(bob) is None  # Ann's cramp is not Bob's "last time"
    bob.post("/api/v1/nights", json={"date": night, "cramps": [
        {"start": "03:10", "duration_s": 30, "leg": "right", "muscles": ["foot"], "severity": 2}]})
    bobs = offer(bob)
    assert bobs is not None and bobs["leg"] == ["right"] and bobs["muscles"] == ["foot"]
    saved = bob.post("/diary/night", data=bobs, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert len(bob.get(f"/api/v1/nights/{night}").json()["cramps"]) == 2
    assert [c["leg"] for c in ann.get(f"/api/v1/nights/{night}").json()["cramps"]] == ["left"]
    anns = offer(ann)
    assert anns is not None and anns["leg"] == ["left"] and anns["severity"] == ["6"]
