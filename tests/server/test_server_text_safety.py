"""A personal API token's name is typed text too: the API and the account page keep it as it shows, and
refuse a control character alike, naming the field (crampcare.plaintext; the policy is the service's)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from serverkit import Person, server_app

from one_trip_client import OneTripClient


def test_a_token_name_is_the_visible_text_on_the_api_and_the_page(
        tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> None:
    app = server_app(new_migrated_sqlite(tmp_path / "server.db"))
    try:
        with OneTripClient(app) as client:
            ann = Person(client, "ann@example.org").sign_up()
            made = ann.post("/api/v1/tokens", json={"name": "\u202ephone\u202c"})
            assert made.status_code == 201 and made.json()["name"] == "phone"
            refused = ann.post("/api/v1/tokens", json={"name": "phone\x1b[2J"})
            assert refused.status_code == 422
            assert refused.json()["error"]["fields"] == [{"field": "name", "message": refused.json()["error"]["message"]}]
            page = client.post("/account/tokens", data={"name": "tablet\x07"}, headers=ann.headers())
            assert page.status_code == 422 and "U+0007" in page.text and "cc_" not in page.text
            assert [t["name"] for t in ann.get("/api/v1/tokens").json()] == ["phone"]
    finally:
        app.state.engine.dispose()
