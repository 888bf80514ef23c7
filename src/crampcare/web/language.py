"""Which language a web request is answered in, and the visible switch that changes it.

Order (issue 13): ``?lang=`` on the address (a link shared in a language), then the switch's
cookie, then — in server mode — the account's saved preference, then the browser's
``Accept-Language``; English when none of them names a language crampcare has. The choice is
made once per request (:class:`LanguageMiddleware`) and lives in a context variable, so the
templates, the knowledge base texts and the core's wording all follow it.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crampcare.i18n.context import activate, current_language
from crampcare.i18n.languages import SUPPORTED_LANGUAGES, language_of, negotiate_language
from crampcare.i18n.regions import REGIONS

LANG_COOKIE = "crampcare_lang"
REGION_COOKIE = "crampcare_region"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _own_name(code: str) -> str:
    from babel import Locale

    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


# Each language named in itself (Babel): someone who cannot read the page can still find theirs.
LANGUAGE_NAMES = {code: _own_name(code) for code in SUPPORTED_LANGUAGES}

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
        scope.setdefault("state", {})["language_fixed"] = bool(chosen or _explicit(cookie))

        async def with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"content-language", current_language().encode()),
                         (b"vary", b"Accept-Language, Cookie")]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_language)


def apply_account_language(request: Request, language: str | None) -> None:
    """Server mode: the account's saved language, unless this request already chose one."""
    if language in SUPPORTED_LANGUAGES and not getattr(request.state, "language_fixed", False):
        activate(language, None)


@router.post("/language")
async def switch_language(request: Request, lang: str = Form(..., max_length=20),
                          next: str = Form("/", max_length=500)) -> RedirectResponse:
    """The visible switch: remember the language in a cookie (and on the account, when logged in)."""
    from crampcare.web.auth import safe_next, secure_cookie

    code = _explicit(lang)
    # Back to the page the switch was on (the log-in and sign-up pages included); never off the site.
    target = next if next.split("?")[0] in ("/login", "/signup") else safe_next(next, "/")
    response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    if code is None:
        return response
    response.set_cookie(LANG_COOKIE, code, max_age=COOKIE_MAX_AGE, path="/", secure=secure_cookie(request),
                        httponly=True, samesite="lax")
    if getattr(request.app.state, "accounts", None) is not None:
        from crampcare.web.auth import resolve_quietly

        auth = await resolve_quietly(request)
        if auth.user is not None:
            await run_in_threadpool(request.app.state.accounts.set_language, auth.user, code)
    return response
