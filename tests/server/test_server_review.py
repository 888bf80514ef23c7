"""Server mode, on SQLite and PostgreSQL: inputs an independent review found answered differently
by the two databases, or not refused at all (see tests/test_data_review.py for the rest)."""

from __future__ import annotations

from collections.abc import Callable

from serverkit import Person


def test_a_nul_or_an_escape_in_a_note_is_refused_the_same_on_both_databases(people: Callable[..., Person]) -> None:
    """A NUL in a note was stored on SQLite (201) but refused by PostgreSQL; an escape sequence was
    stored on both. Now both refuse both with the same reason, and nothing is stored."""
    ann = people("ann@example.org")
    for notes in ("nul \x00 inside", "\x1b[2J"):
        response = ann.post("/api/v1/nights", json={"date": "2026-11-01", "notes": notes})
        assert response.status_code == 422, response.text
        assert "control character" in response.json()["error"]["message"]
        day = ann.post("/api/v1/days", json={"date": "2026-11-01", "tags": [notes]})
        assert day.status_code == 422, day.text
    assert ann.get("/api/v1/nights").json() == [] and ann.get("/api/v1/days").json() == []
    assert ann.post("/api/v1/nights", json={"date": "2026-11-01", "notes": "tab\tand\r\nlines"}).status_code == 201


def test_another_persons_idempotency_key_is_not_theirs(people: Callable[..., Person]) -> None:
    """Checked and found right: the same Idempotency-Key from two people stores two nights."""
    ann, bob = people("ann@example.org"), people("bob@example.org")
    night = {"date": "2026-11-01", "cramps": [], "notes": "mine"}
    assert ann.post("/api/v1/nights", json=night, headers={"Idempotency-Key": "k1"}).status_code == 201
    replay = bob.post("/api/v1/nights", json={**night, "notes": "bob's"}, headers={"Idempotency-Key": "k1"})
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") is None
    assert bob.get("/api/v1/nights/2026-11-01").json()["notes"] == "bob's"
    assert ann.get("/api/v1/nights/2026-11-01").json()["notes"] == "mine"
