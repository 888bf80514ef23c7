"""One-time messages ("flash"): what a page says once after a form's POST redirected to it.

A form's POST calls :func:`leave` with what happened (a kind and its values, e.g. ``imported`` and
the import's counts) and for which page; it gets a random token for the browser's cookie. The page
calls :func:`take` with that token: the message is deleted as it is read, so it is shown once
(Reload and Back show the page without it), and only to the same account (server mode) on the page
it was left for. Nothing of it travels in the URL: a link cannot make a page report a result that
did not happen. Messages not taken within :data:`LIFETIME` are forgotten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert

from crampcare.db.flash import FlashRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["LIFETIME", "leave", "take"]

LIFETIME = dt.timedelta(minutes=10)
MAX_TOKEN = 100


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def leave(engine: Engine, user_id: int | None, page: str, kind: str, params: dict[str, Any] | None = None) -> str:
    """Keep a message for ``page`` of ``user_id``'s browser (``None``: nobody logged in); returns
    the token for the browser's cookie. Messages older than :data:`LIFETIME` go in the same write."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as conn:
        conn.execute(delete(FlashRow).where(FlashRow.created_at < now - LIFETIME))
        conn.execute(insert(FlashRow).values(token_hash=_hash(token), user_id=user_id, page=page, kind=kind,
                                             params=params or {}, created_at=now))
    return token


def take(engine: Engine, token: str | None, user_id: int | None, page: str) -> tuple[str, dict[str, Any]] | None:
    """The message left with ``token`` for ``page`` and ``user_id``, deleted as it is read (two
    requests racing for it: one gets it); ``None`` when there is none, it was for another page or
    account, or it is older than :data:`LIFETIME`."""
    if not token or len(token) > MAX_TOKEN:
        return None
    owner = FlashRow.user_id.is_(None) if user_id is None else FlashRow.user_id == user_id
    with engine.begin() as conn:
        row = conn.execute(
            delete(FlashRow)
            .where(FlashRow.token_hash == _hash(token), FlashRow.page == page, owner,
                   FlashRow.created_at >= _now() - LIFETIME)
            .returning(FlashRow.kind, FlashRow.params)
        ).one_or_none()
    if row is None:
        return None
    return str(row.kind), dict(row.params or {})
