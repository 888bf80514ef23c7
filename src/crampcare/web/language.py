"""Which language a web request is answered in, and the visible switch that changes it.

Order (issue 13): ``?lang=`` on the address (a link shared in a language), then the switch's
cookie, then — in server mode — the account's saved preference, then the browser's
``Accept-Language``; English when none of them names a language crampcare has. The choice is
made once per request (:class:`LanguageMiddleware`) and lives in a context variable, so the
templates, the knowledge base texts and the core's wording all follow it.

The region of the emergency numbers is chosen the same way beside it: the region switch's cookie,
then the account's saved region, then the language's usual region (Russian → Russia, 112 and 103).
"""

from __future__ import annotations

import functools
from http.cookies import SimpleCookie

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crampcare.i18n.context import N_, activate, chosen_region, current_language, current_region
from crampcare.i18n.languages import SUPPORTED_LANGUAGES, language_of, negotiate_language
from crampcare.i18n.regions import REGIONS, region_by_code

LANG_COOKIE = "crampcare_lang"
REGION_COOKIE = "crampcare_region"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _own_name(code: str) -> str:
    from babel import Locale

    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@functools.cache
def language_names() -> dict[str, str]:
    """Each language named in itself (Babel): someone who cannot read the page can still find theirs.

    Read when a page first shows the switch, not at import: Babel's locale data cost every web
    process (each ``--workers`` worker too) 15-30 ms of CPU at start-up, before any page was asked for."""
    return {code: _own_name(code) for code in SUPPORTED_LANGUAGES}

# Each region as the switch names it (its numbers are shown beside it).
REGION_NAMES = {"RU": N_("Russia"), "GB": N_("United Kingdom"), "EU": N_("European Union"), "US": N_("United States")}

router = APIRouter(include_in_schema=False)


def _explicit(value: str | None) -> str | None:
    code = language_of(value) if value else None
    return code if code in SUPPORTED_LANGUAGES else None


class LanguageMiddleware:
    """Chooses the language of each HTTP request and says which one it was (``Content-Language``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header: as if there were none
            cookies = SimpleCookie()
        chosen = _explicit(QueryParams(scope.get("query_string", b"").decode("latin-1")).get("lang"))
        cookie = cookies[LANG_COOKIE].value if LANG_COOKIE in cookies else None
        region = cookies[REGION_COOKIE].value.upper() if REGION_COOKIE in cookies else None
        lang = chosen or negotiate_language(cookie=cookie, accept_language=headers.get("accept-language"))
        activate(lang, region if region in REGIONS else None)
        state = scope.setdefault("state", {})
        state["language_fixed"] = bool(chosen or _explicit(cookie))
        state["region_fixed"] = region in REGIONS

        async def with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"content-language", current_language().encode()),
                         (b"vary", b"Accept-Language, Cookie")]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_language)


def apply_account_preferences(request: Request, language: str | None, region: str | None) -> None:
    """Server mode: the account's saved language and region, unless this request's cookies chose."""
    use_language = language in SUPPORTED_LANGUAGES and not getattr(request.state, "language_fixed", False)
    use_region = region in REGIONS and not getattr(request.state, "region_fixed", False)
    activate(language if use_language and language else current_language(),
             region if use_region else chosen_region())


def region_choices() -> list[tuple[str, str, bool]]:
    """The region switch's options: (code, name with its numbers, chosen now)."""
    from crampcare.i18n.context import _

    here = current_region().code
    return [(code, f"{_(REGION_NAMES[code])} ({_(' or ').join(REGIONS[code].emergency)})", code == here)
            for code in REGIONS]


async def _remember(request: Request, next: str, cookie: str, code: str | None, save_on_account: str) -> RedirectResponse:
    """Back to the page the switch was on (the log-in and sign-up pages included; never off the
    site), remembering ``code`` in ``cookie`` and, when someone is logged in, on their account
    (``save_on_account`` names the accounts service's setter). An unknown choice changes nothing."""
    from crampcare.web.auth import resolve_quietly, safe_next, secure_cookie

    target = next if next.split("?")[0] in ("/login", "/signup") else safe_next(next, "/")
    response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    if code is None:
        return response
    response.set_cookie(cookie, code, max_age=COOKIE_MAX_AGE, path="/", secure=secure_cookie(request),
                        httponly=True, samesite="lax")
    accounts = getattr(request.app.state, "accounts", None)
    if accounts is not None:
        auth = await resolve_quietly(request)
        if auth.user is not None:
            await run_in_threadpool(getattr(accounts, save_on_account), auth.user, code)
    return response


@router.post("/language")
async def switch_language(request: Request, lang: str = Form(..., max_length=20),
                          next: str = Form("/", max_length=500)) -> RedirectResponse:
    """The visible switch: remember the language in a cookie (and on the account, when logged in)."""
    return await _remember(request, next, LANG_COOKIE, _explicit(lang), "set_language")


@router.post("/region")
async def switch_region(request: Request, region: str = Form(..., max_length=8),
                        next: str = Form("/", max_length=500)) -> RedirectResponse:
    """The region switch: remember the emergency numbers' region in a cookie (and on the account).
    An unknown region is refused with the regions there are (it used to be ignored without a word)."""
    from crampcare.web.errors import ApiError

    try:
        code = region_by_code(region).code
    except ValueError as exc:
        raise ApiError(422, str(exc), fields=[{"field": "region", "message": str(exc)}]) from None
    return await _remember(request, next, REGION_COOKIE, code, "set_region")
