"""The web app and REST API (`crampcare serve`).

``create_app(settings)`` builds a FastAPI app. Every data route gets the current owner from
one dependency, :func:`crampcare.web.deps.get_owner` (``"local"`` in local mode), and opens
the diary scoped to that owner; nothing about a person is kept in memory between requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from crampcare.web.app import create_app

        return create_app
    if name == "Settings":
        from crampcare.web.settings import Settings

        return Settings
    raise AttributeError(name)
