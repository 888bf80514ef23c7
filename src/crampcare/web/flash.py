"""One-time messages after a form (POST → 303 → GET), kept on the server, never in the URL.

:func:`redirect` answers a form: it leaves the message with :mod:`crampcare.services.flash` and
puts the token in this browser's ``crampcare_flash`` cookie (HttpOnly, SameSite=Lax, gone after
ten minutes). The page redirected to calls :func:`take`, which reads and deletes it; :func:`render`
(``pages.render``) then clears the cookie. A link such as ``/diary?done=imported&counts=...`` can
no longer make a page report an import (or offer an Undo) that never happened: query parameters
are not read at all. Server mode: the message belongs to the account logged in when the form was
sent (or to nobody, after a log-out), and only that account's page shows it.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from crampcare.services import flash as flash_service

FLASH_COOKIE = "crampcare_flash"


def _user_id(request: Request) -> int | None:
    from crampcare.web.auth import current_user

    user = current_user(request)
    return user.id if user is not None else None


async def redirect(request: Request, page: str, kind: str, params: dict[str, Any] | None = None,
                   logged_out: bool = False) -> RedirectResponse:
    """303 to ``page`` (a path, no query), which will say ``kind`` (with ``params``) once, to the
    account that sent the form (``logged_out``: to nobody, after a log-out or deleting the account)."""
    from crampcare.web.auth import cookie_name, secure_cookie

    user_id = None if logged_out else _user_id(request)
    token = await run_in_threadpool(flash_service.leave, request.app.state.engine, user_id, page, kind, params)
    response = RedirectResponse(page, status_code=303, headers={"Cache-Control": "no-store"})
    response.set_cookie(cookie_name(request, FLASH_COOKIE), token, max_age=int(flash_service.LIFETIME.total_seconds()), path="/",
                        secure=secure_cookie(request), httponly=True, samesite="lax")
    return response


def take(request: Request, page: str) -> tuple[str, dict[str, Any]] | None:
    """The message left for ``page`` in this browser (and account), once; ``None`` if none.
    Blocking (one short write): call it from a sync route or the thread pool."""
    from crampcare.web.auth import cookie_name

    token = request.cookies.get(cookie_name(request, FLASH_COOKIE))
    if not token or not _shown_to_the_person(request):
        return None
    request.state.flash_cookie_spent = True
    return flash_service.take(request.app.state.engine, token, _user_id(request), page)


def _shown_to_the_person(request: Request) -> bool:
    """Whether this GET is a page the person will see: a browser's navigation, not a script's fetch
    (offline.js sends a form with ``fetch``, which follows the redirect itself, then opens the page
    it got to) and not a prefetch. Browsers say so in ``Sec-Fetch-Mode``; a client that does not
    send it (an older browser, a script) is taken at its word."""
    mode = request.headers.get("sec-fetch-mode")
    prefetch = "prefetch" in request.headers.get("sec-purpose", "") or request.headers.get("purpose") == "prefetch"
    return (mode is None or mode == "navigate") and not prefetch


def forget_cookie(request: Request, response: Response) -> None:
    """Clear the cookie of a message the page has taken (or found gone)."""
    from crampcare.web.auth import cookie_name, secure_cookie

    if getattr(request.state, "flash_cookie_spent", False):
        response.delete_cookie(cookie_name(request, FLASH_COOKIE), path="/", secure=secure_cookie(request), httponly=True, samesite="lax")
