"""Request dependencies. The owner comes from ONE place: :func:`get_account`.

Local mode: always ``"local"``. Server mode: the ``owner_id`` of the user whose session cookie
or personal API token came with the request (:mod:`crampcare.web.auth`); without one, pages
redirect to /login and the API answers 401.

Every route that reads or writes the diary depends on :func:`get_store`, which opens a
:class:`~crampcare.services.diary.Diary` for exactly that owner on the app's shared engine
(a connection pool, no user data). No request depends on what an earlier one left in memory:
the only things a process keeps are drawings (charts, report PDFs) keyed by everything they are
made from, so one is reused only for exactly the same content and never stands for changed data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from fastapi import Depends, Request

from crampcare.web.settings import Settings

if TYPE_CHECKING:
    from crampcare.knowledge.loader import KnowledgeBase
    from crampcare.services.diary import Diary, Owner

LOCAL_OWNER = "local"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_account(request: Request) -> Owner:
    """The person whose diary this request may touch: their owner key and, in server mode, user id."""
    from crampcare.services.diary import Owner

    settings: Settings = request.app.state.settings
    if settings.mode == "local":
        return Owner(LOCAL_OWNER)
    from crampcare.web.auth import require_user

    auth = await require_user(request)
    assert auth.user is not None
    return Owner(auth.user.owner_id, auth.user.id)


async def get_owner(account: Owner = Depends(get_account)) -> str:
    """The owner key of :func:`get_account`. Local mode: always ``"local"``."""
    return account.key


async def get_store(request: Request, account: Owner = Depends(get_account)) -> AsyncIterator[Diary]:
    """The diary of the current owner (and only theirs) for the length of one request."""
    from crampcare.services.diary import diary_for

    # Constructing a store does no I/O (its methods run in the thread pool, in sync routes).
    # With the user id, every write re-checks inside its transaction that the account still exists.
    store = diary_for(request.app.state.engine, account)
    try:
        yield store
    finally:
        store.close()  # the engine is shared: this releases nothing but the store itself


def get_kb() -> KnowledgeBase:
    from crampcare.knowledge import load_knowledge

    return load_knowledge()
