"""``HEAD`` in server mode passes the same sign-in checks as ``GET`` and keeps ``Cache-Control: no-store``;
it never reaches a route that changes something (local mode: tests/web/test_web_head.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from serverkit import Person

DATE = (dt.date.today() - dt.timedelta(days=3)).isoformat()


def test_head_needs_the_same_sign_in_as_get_and_is_never_cached(people: Callable[..., Person]) -> None:
    stranger = people("stranger@example.org", sign_up=False)
    for path in ("/api/v1/nights", f"/api/v1/nights/{DATE}", "/diary", "/export/diary.csv"):
        got, head = stranger.client.get(path), stranger.client.head(path)
        assert (head.status_code, head.headers.get("location"), head.content) == (
            got.status_code, got.headers.get("location"), b""), path
        if path.startswith("/api/"):
            assert got.status_code == 401, path

    ann = people("ann@example.org")
    cramp = {"start": "02:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
    assert ann.post("/api/v1/nights", json={"date": DATE, "cramps": [cramp]}).status_code == 201
    got, head = ann.get(f"/api/v1/nights/{DATE}"), ann.request("HEAD", f"/api/v1/nights/{DATE}")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == got.headers["etag"]
    assert head.headers["cache-control"] == "no-store"
    # A HEAD to a route that changes the diary is refused like a GET, whatever it carries: nothing undone.
    assert ann.request("HEAD", "/api/v1/undo").status_code == 405
    assert len(ann.get(f"/api/v1/nights/{DATE}").json()["cramps"]) == 1
