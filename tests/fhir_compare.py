"""FHIR Bundles compared by content: each export has its own ids and timestamps."""

from __future__ import annotations

import json
from typing import Any


def normalised(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle with generated ids and timestamps replaced by positions / removed."""
    text = json.dumps(bundle)
    for index, entry in enumerate(bundle["entry"]):
        url = entry["fullUrl"]
        text = text.replace(url, f"urn:entry:{index}").replace(url.removeprefix("urn:uuid:"), f"entry-{index}")
    document = json.loads(text)
    for key in ("id", "meta", "timestamp"):
        document.pop(key, None)
    for entry in document["entry"]:
        entry["resource"].pop("authored", None)
    return document
