"""Who is asking (server mode): a session cookie or a personal API token; and CSRF protection.

Nothing is kept in memory between requests: every request looks its session (or token) up in
the database through :class:`~crampcare.accounts.AccountService`, so any worker process can
serve any request. What one request learned is cached on ``request.state`` for that request
only.

* **Session cookie** (``crampcare_session``): an opaque random token, HttpOnly, SameSite=Lax,
  Secure on HTTPS (or always, with ``--secure-cookies``). A Secure cookie is named with the
  ``__Host-`` prefix (:func:`cookie_name`): browsers then accept it only from this host over HTTPS,
  with ``Path=/`` and no ``Domain``, so a neighbouring subdomain or a plain-HTTP page cannot plant a
  session (or a log-in form's token) of its choosing in the browser. Every unsafe request authenticated
  by it must carry the session's CSRF token: a hidden ``csrf_token`` form field (pages) or an
  ``X-CSRF-Token`` header (scripts).
* **Personal API token**: ``Authorization: Bearer cc_...``; no cookie, so no CSRF token needed.
* **Log-in and sign-up forms** have no session yet: they use a double-submit token (a
  ``crampcare_prelogin`` cookie that must match the form field), so another site cannot log a
  visitor into the attacker's account. The JSON log-in and sign-up routes need none: they only
  accept ``application/json``, which another site cannot send without a CORS preflight.

Tokens rendered into HTML are masked with a fresh random pad on each response, so a compressed
page never repeats the secret byte for byte (BREACH).
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, unquote

from fastapi import Request
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from crampcare.i18n.context import _
from crampcare.web.errors import ApiError, error_body
from crampcare.web.middleware import from_another_site

if TYPE_CHECKING:
    from crampcare.accounts import AccountService, Session, User

SESSION_COOKIE = "crampcare_session"
PRELOGIN_COOKIE = "crampcare_prelogin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
PRELOGIN_MAX_AGE = 24 * 3600
# Paths whose unsafe requests carry credentials, not a session: they check their own CSRF.
CREDENTIAL_PATHS = frozenset({"/login", "/signup", "/api/v1/auth/login", "/api/v1/auth/signup"})
# Takes a session (with CSRF), a personal token, or an e-mail and password in its JSON body.
TOKENS_PATH = "/api/v1/tokens"
# The language and emergency-number switches: logged out they only set a cookie of this browser
# (nothing of an account), so a same-site form needs no session; logged in, the session's CSRF token.
SWITCH_PATHS = frozenset({"/language", "/region"})
# Public pages that never touch the database (first aid must work even when it is down).
NO_DB_PATHS = ("/now", "/sw.js", "/static/", "/api/v1/health")
# The service worker asks with this header for the copy of a public page it keeps for offline use
# (sw.js). The copy is made as for a visitor: a page kept on a shared phone holds no account's
# e-mail, CSRF token or links for whoever uses the phone next.
OFFLINE_COPY_HEADER = "x-crampcare-offline-copy"
BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="crampcare"'}


class LoginRequired(Exception):
    """No valid session or token: pages redirect to /login, the API answers 401."""

    def __init__(self, message: str | None = None):
        message = message or _("log in first (a session cookie, or 'Authorization: Bearer <token>')")
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Auth:
    user: User | None
    session: Session | None = None
    session_token: str | None = None
    via: Literal["session", "bearer"] | None = None


def accounts(request: Request) -> AccountService:
    service: AccountService = request.app.state.accounts
    return service


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def resolve(request: Request) -> Auth:
    """The caller of this request (looked up once per request, then cached on ``request.state``)."""
    cached: Auth | None = getattr(request.state, "auth", None)
    if cached is not None:
        return cached
    service = accounts(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _space, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            raise ApiError(401, _("send a personal API token as 'Authorization: Bearer <token>'"), code="unauthorized",
                           headers=BEARER_CHALLENGE)
        user = await run_in_threadpool(service.user_for_api_token, value)
        if user is None:
            raise ApiError(401, _("the API token is not valid (revoked, mistyped, or the password was changed)"),
                           code="unauthorized", headers=BEARER_CHALLENGE)
        auth = Auth(user=user, via="bearer")
    else:
        token = session_cookie_value(request)
        session = await run_in_threadpool(service.session, token) if token else None
        if session is None:
            auth = Auth(user=None)
            request.state.stale_session = bool(token)
        else:
            auth = Auth(user=session.user, session=session, session_token=token, via="session")
    request.state.auth = auth
    if auth.user is not None:
        from crampcare.web.language import apply_account_preferences

        apply_account_preferences(request, auth.user.language, auth.user.region)
    return auth


async def resolve_quietly(request: Request) -> Auth:
    """Like :func:`resolve` for public pages: a bad token there means "not logged in", not an error."""
    try:
        return await resolve(request)
    except ApiError:
        auth = Auth(user=None)
        request.state.auth = auth
        return auth


def bearer_cannot_make_tokens() -> ApiError:
    """A personal token never makes another: one that leaked would otherwise make copies that outlive
    its revocation (only a password change would end them). A session, or the password, makes them."""
    return ApiError(403, _("a personal API token cannot make another; log in, or send 'email' and 'password'"),
                    code="forbidden")


async def require_user(request: Request) -> Auth:
    auth = await resolve(request)
    if auth.user is None:
        raise LoginRequired()
    return auth


# --------------------------------------------------------------------------- CSRF


def mask(token: str) -> str:
    """``token`` XOR a fresh random pad, pad first; differs on every call (BREACH)."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))).decode()


def _unmask(value: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    if not raw or len(raw) % 2:
        return None
    half = len(raw) // 2
    return bytes(a ^ b for a, b in zip(raw[:half], raw[half:], strict=True))


def token_matches(supplied: str | None, expected: str) -> bool:
    """True when ``supplied`` is ``expected``, plain (API clients) or masked (forms)."""
    if not supplied or len(supplied) > 400:
        return False
    if hmac.compare_digest(supplied.encode(), expected.encode()):
        return True
    unmasked = _unmask(supplied)
    return unmasked is not None and hmac.compare_digest(unmasked, expected.encode())


async def supplied_csrf(request: Request) -> str | None:
    """The CSRF token the request carries: the header, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in FORM_TYPES:
        if content_type == "application/x-www-form-urlencoded":
            # Read into the request first: parsing the form would consume the stream, and an import
            # route reads the raw body after this check ("curl -d @diary.csv" sends this type).
            with contextlib.suppress(RuntimeError):  # a route with form parameters parsed it already
                await request.body()
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def csrf_refused() -> ApiError:
    return ApiError(403, _("the form's security token is missing or out of date: reload the page and try again "
                           "(API clients: send the {header} header given at log-in, or use a personal token)",
                           header="X-CSRF-Token"),
                    code="csrf_failed")


async def server_guard(request: Request) -> None:
    """Router dependency in server mode: authenticate unsafe requests and check their CSRF token."""
    path = request.url.path
    if request.method in SAFE_METHODS:
        if request.headers.get(OFFLINE_COPY_HEADER) == "1" and is_offline_page(path):
            request.state.auth = Auth(user=None)
            request.state.offline_copy = True
            return
        if not is_api(request) and not path.startswith(NO_DB_PATHS):
            await resolve_quietly(request)  # for the navigation bar (logged in or not)
        return
    if path in CREDENTIAL_PATHS:
        return
    auth = await resolve(request)
    if auth.via == "bearer":
        return
    if auth.session is None:
        if path == TOKENS_PATH:
            return  # the route asks for an e-mail and password instead
        if path in SWITCH_PATHS:  # a visitor's own choice of language or emergency numbers, kept in a cookie
            if from_another_site(request.headers.get("origin"), request.headers.get("host", "")):
                raise csrf_refused()
            return
        raise LoginRequired()
    if not token_matches(await supplied_csrf(request), auth.session.csrf_token):
        raise csrf_refused()


def csrf_input(request: Request, form: Literal["session", "prelogin"] = "session") -> Markup:
    """The hidden form field: the session's token (empty in local mode or when logged out), or for
    the log-in and sign-up forms (``form="prelogin"``) the double-submit token."""
    if form == "prelogin":
        token = getattr(request.state, "prelogin_token", None)
    else:
        auth: Auth | None = getattr(request.state, "auth", None)
        token = auth.session.csrf_token if auth is not None and auth.session is not None else None
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(mask(token)))


def current_user(request: Request) -> User | None:
    auth: Auth | None = getattr(request.state, "auth", None)
    return auth.user if auth is not None else None


def is_offline_page(path: str) -> bool:
    """The public pages the service worker keeps for use without a connection."""
    return path in ("/now", "/learn", "/diary/offline") or path.startswith("/learn/")


def page_account(request: Request) -> str | None:
    """Whom a server-mode page is shown to, for offline.js: the account's e-mail, "" for nobody, or
    None when the page does not know (a copy kept for offline use, or /now, made without a session)."""
    if getattr(request.state, "offline_copy", False):
        return None
    auth: Auth | None = getattr(request.state, "auth", None)
    if auth is None:
        return None
    return auth.user.email if auth.user is not None else ""


# --------------------------------------------------------------------------- cookies


def secure_cookie(request: Request) -> bool:
    return bool(request.app.state.settings.secure_cookies) or request.url.scheme == "https"


HOST_PREFIX = "__Host-"


def cookie_name(request: Request, name: str) -> str:
    """The name of this app's cookie ``name`` for this request: with the ``__Host-`` prefix when it is
    Secure (browsers then refuse it from any other host, from plain HTTP, with a ``Domain`` or
    another path), as it is read too: the unprefixed cookie, which a subdomain or an HTTP page may
    have set, is not read on HTTPS. Plain HTTP (local mode) keeps the plain name: the prefix needs
    Secure."""
    return HOST_PREFIX + name if secure_cookie(request) else name


def session_cookie_value(request: Request) -> str | None:
    """The session token this browser sent (under this request's cookie name)."""
    return request.cookies.get(cookie_name(request, SESSION_COOKIE))


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    from crampcare.accounts.service import SESSION_LIFETIME

    response.set_cookie(cookie_name(request, SESSION_COOKIE), token, max_age=int(SESSION_LIFETIME.total_seconds()),
                        path="/", secure=secure_cookie(request), httponly=True, samesite="lax")


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(cookie_name(request, SESSION_COOKIE), path="/", secure=secure_cookie(request), httponly=True,
                           samesite="lax")


def prelogin_token(request: Request, response_cookies: list[tuple[str, str]]) -> str:
    """The double-submit token of the log-in/sign-up forms: the cookie's, or a new one to set."""
    token = request.cookies.get(cookie_name(request, PRELOGIN_COOKIE), "")
    if not (20 <= len(token) <= 100) or not token.replace("-", "").replace("_", "").isalnum():
        token = secrets.token_urlsafe(32)
        response_cookies.append((PRELOGIN_COOKIE, token))
    request.state.prelogin_token = token
    return token


def set_prelogin_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(cookie_name(request, PRELOGIN_COOKIE), token, max_age=PRELOGIN_MAX_AGE, path="/",
                        secure=secure_cookie(request), httponly=True, samesite="lax")


def clear_prelogin_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(cookie_name(request, PRELOGIN_COOKIE), path="/", secure=secure_cookie(request),
                           httponly=True, samesite="lax")


def safe_next(value: str | None, default: str = "/diary") -> str:
    """A local path to go to after logging in (never another site: no ``//host``, no scheme)."""
    if not value or len(value) > 500 or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ch in value for ch in "\\\r\n\t") or value.startswith(("/login", "/signup", "/logout")):
        return default
    # No "." or ".." segment (also percent-encoded): a browser resolves "/.//evil.example" to the path
    # "//evil.example", which a proxy or a later redirect may take for another host.
    path = unquote(value.split("?", 1)[0].split("#", 1)[0])
    if any(segment in (".", "..") for segment in path.split("/")):
        return default
    return value


# --------------------------------------------------------------------------- handler


def login_required_response(request: Request, exc: LoginRequired) -> Response:
    response: Response
    if is_api(request):
        response = JSONResponse(error_body("unauthorized", exc.message), status_code=401, headers=BEARER_CHALLENGE)
    else:
        target = "/login"
        if request.method in SAFE_METHODS:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if safe_next(here, "") and request.url.path != "/":
                target += "?next=" + quote(here, safe="")
        response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    if getattr(request.state, "stale_session", False):
        clear_session_cookie(response, request)
    return response
