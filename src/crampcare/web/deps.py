"""Request dependencies. The owner comes from ONE place: :func:`get_owner`.

For accounts (server mode) override it, e.g.::

    app.dependency_overrides[get_owner] = owner_from_session   # a function (request) -> str

Every route that reads or writes the diary depends on :func:`get_store`, which opens a
:class:`~crampcare.diary.store.DiaryStore` for exactly that owner on the app's shared engine
(a connection pool, no user data). Nothing about a person is cached between requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from fastapi import Depends, Request

from crampcare.web.settings import Settings

if TYPE_CHECKING:
    from crampcare.diary.store import DiaryStore
    from crampcare.knowledge.loader import KnowledgeBase

LOCAL_OWNER = "local"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_owner(request: Request) -> str:
    """The person whose diary this request may touch. Local mode: always ``"local"``."""
    settings: Settings = request.app.state.settings
    if settings.mode == "local":
        return LOCAL_OWNER
    # Server mode without an accounts module installed: refuse rather than share one diary.
    from crampcare.web.errors import ApiError

    raise ApiError(401, "sign in first", code="unauthorized")


async def get_store(request: Request, owner: str = Depends(get_owner)) -> AsyncIterator[DiaryStore]:
    """The diary of the current owner (and only theirs) for the length of one request."""
    from crampcare.diary.store import DiaryStore

    # Constructing a store does no I/O (its methods run in the thread pool, in sync routes).
    store = DiaryStore(request.app.state.engine, owner)
    try:
        yield store
    finally:
        store.close()  # the engine is shared: this releases nothing but the store itself


def get_kb() -> KnowledgeBase:
    from crampcare.knowledge import load_knowledge

    return load_knowledge()
