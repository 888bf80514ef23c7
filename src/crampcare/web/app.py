"""The app factory: ``create_app(Settings(...))``.

Everything is served from this package (templates, CSS, JS, the service worker): no CDN, no
external fonts, no build step.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crampcare import __version__
from crampcare.web.errors import UnexpectedErrorMiddleware, install_handlers
from crampcare.web.middleware import BodyLimitMiddleware, LocalOriginMiddleware, SecurityHeadersMiddleware
from crampcare.web.settings import Settings

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
# Inlined into /now (the critical CSS); allowed by the CSP through its hash, never 'unsafe-inline'.
NOW_CSS_FILE = STATIC_DIR / "now.css"


class CachedStatic(StaticFiles):
    """Static files with caching headers: versioned URLs (``?v=hash``) are immutable for a year."""

    def __init__(self, *args: Any, max_age: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_age = max_age

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = (
                f"public, max-age={self.max_age}, immutable" if versioned else "public, max-age=3600"
            )
        return response


class HeadMiddleware:
    """Answer ``HEAD`` exactly as ``GET``, without the body (RFC 9110 §9.3.2), on every page, API route
    and static file: FastAPI's routes answer only the methods they name, so ``HEAD /now`` (uptime
    monitors, link checkers) was a 405. Outermost, so the request passes the same authentication,
    CSRF and origin checks as a GET (both are safe methods) and keeps every header the GET gets
    (``Cache-Control: no-store``, the security headers, ``Content-Length``, ``ETag``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.start":
                await send(message)
            elif not message.get("more_body", False):  # the body's last part (or a file sent by path)
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _static_versions() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in sorted(STATIC_DIR.iterdir())
        if path.is_file()
    }


def _csp(style_hashes: list[str]) -> str:
    styles = " ".join(f"'sha256-{h}'" for h in style_hashes)
    return (
        "default-src 'self'; script-src 'self'; "
        f"style-src 'self' {styles}; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _open_engine(settings: Settings) -> Any:
    from crampcare.services.database import open_engine

    return open_engine(settings.db, migrate=settings.auto_upgrade, busy_timeout=settings.busy_timeout)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. Opens (and in local mode migrates) the diary database once."""
    settings = settings or Settings()
    engine = _open_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="crampcare",
        version=__version__,
        description=(
            "Night leg cramps: first aid now, an explained assessment, a diary that finds your triggers. "
            "Errors always have the shape `{\"error\": {\"code\", \"message\", \"fields\"}}`."
            + (" Server mode: log in (`POST /api/v1/auth/login`, which sets a session cookie and returns a "
               "`csrf_token` to send as `X-CSRF-Token` on every unsafe request), or send "
               "`Authorization: Bearer <personal token>` (`POST /api/v1/tokens`)." if settings.mode == "server" else "")
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
        # FastAPI hands each request to OpenTelemetry (spans, metrics, and logs of validation failures
        # that carry the request's body: health data) wherever the process has a provider configured, or
        # exports them itself under FASTAPI_OTEL_AUTO_CONFIGURE=true. Nothing leaves the machine unless
        # the user exports it, so none of it is on, whatever the environment or another library sets up.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                   "auto_configure": False},
    )
    app.state.settings = settings
    app.state.engine = engine

    versions = _static_versions()
    now_css = NOW_CSS_FILE.read_text(encoding="utf-8")
    now_css_hash = base64.b64encode(hashlib.sha256(now_css.encode()).digest()).decode()
    app.state.static_versions = versions
    app.state.now_css = now_css

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    from crampcare.i18n.context import _, current_language, ngettext
    from crampcare.i18n.wording import diary_word, in_sentence, relief_word
    from crampcare.web.language import language_names, region_choices

    # The request's language (chosen by LanguageMiddleware); brace formatting as in the Python code.
    env.install_gettext_callables(_, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.globals.update(current_language=current_language, language_names=language_names, region_choices=region_choices,
                       **_language_helpers())

    def static_url(name: str) -> str:
        return f"/static/{name}?v={versions[name]}"

    from crampcare.web.auth import csrf_input, current_user, page_account

    server = settings.mode == "server"
    env.globals.update(static_url=static_url, version=__version__, server_mode=server, csrf_input=csrf_input,
                       current_user=current_user, page_account=page_account)
    env.filters["zip_self"] = lambda items: [(item, str(item).replace("_", " ")) for item in items]
    # (value, words) pairs for a form's options; what eased a cramp has its own words ("other").
    env.filters["words"] = lambda items: [(item, diary_word(item)) for item in items]
    env.filters["relief_words"] = lambda items: [(item, in_sentence(relief_word(item))) for item in items]
    env.filters["word"] = diary_word
    from crampcare.web.wording import field_label, moment, offline_words, scope_names, trend_name

    env.filters["field_label"] = field_label
    from crampcare.i18n.formatting import local_date

    env.globals.update(scope_names=scope_names, trend_name=trend_name, moment=moment, offline_words=offline_words,
                       local_date=local_date)
    app.state.templates = Jinja2Templates(env=env)

    install_handlers(app)

    from crampcare.web import api, downloads_pages, interview_pages, language, pages, pwa

    if server:
        from crampcare.accounts import AccountService
        from crampcare.web import accounts_api, accounts_pages
        from crampcare.web.auth import LoginRequired, login_required_response, server_guard

        app.state.accounts = AccountService(engine, token_lifetime=dt.timedelta(days=settings.api_token_days))
        guard = [Depends(server_guard)]
        refusals: dict[int | str, dict[str, Any]] = {401: api._err("Not logged in: no valid session cookie or personal API token."),
                    403: api._err("Cookie-authenticated request without the session's X-CSRF-Token.")}
        app.include_router(api.router, dependencies=guard, responses=refusals)
        app.include_router(accounts_api.router, dependencies=guard, responses=refusals)
        app.include_router(pages.router, dependencies=guard)
        app.include_router(interview_pages.router, dependencies=guard)
        app.include_router(downloads_pages.router, dependencies=guard)
        app.include_router(pwa.router, dependencies=guard)
        app.include_router(accounts_pages.router, dependencies=guard)
        app.include_router(language.router, dependencies=guard)
        from crampcare.web import clinic_pages

        app.include_router(clinic_pages.router, dependencies=guard)
        env.globals["shows_clinic_link"] = clinic_pages.shows_clinic_link

        @app.exception_handler(LoginRequired)
        async def _login_required(request: Request, exc: LoginRequired) -> Response:
            return login_required_response(request, exc)

        from crampcare.accounts import AccountError
        from crampcare.web.errors import account_error, api_error_response

        @app.exception_handler(AccountError)
        async def _account_refused(request: Request, exc: AccountError) -> Response:
            # A refusal no route expected (a session or token asked for on a password changed meanwhile).
            return api_error_response(request, account_error(exc))
    else:
        app.include_router(api.router)
        app.include_router(pages.router)
        app.include_router(interview_pages.router)
        app.include_router(downloads_pages.router)
        app.include_router(pwa.router)
        app.include_router(language.router)
    app.mount("/static", CachedStatic(directory=str(STATIC_DIR), max_age=settings.static_max_age), name="static")

    security = [
        ("Content-Security-Policy", _csp([now_css_hash])),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),  # same-origin writes then carry their Origin (the local-mode check)
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if server:
        # Personal data must not sit in shared caches; routes that may be cached say so themselves.
        security.append(("Cache-Control", "no-store"))
    # Added innermost first: the security headers wrap everything, the body limit sits next to the app.
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=settings.gzip_level)
    app.add_middleware(SecurityHeadersMiddleware, headers=security)
    if settings.mode == "local":
        app.add_middleware(LocalOriginMiddleware)
    # Every refusal below, the local-origin one included, speaks the request's language.
    app.add_middleware(language.LanguageMiddleware)
    app.add_middleware(HeadMiddleware)
    return app


def _language_helpers() -> dict[str, Any]:
    """What templates need to speak the request's language: knowledge-base texts by key, the shared
    words (evidence, urgency, diary values), the region's emergency numbers, Babel numbers and dates."""
    from crampcare.assess.answers import UNITS
    from crampcare.i18n import wording
    from crampcare.i18n.context import _, current_localizer
    from crampcare.knowledge import load_knowledge

    def kbt(key: str) -> str:
        return wording.text(load_knowledge(), key)

    def unit(name: str | None) -> str:
        return _(UNITS[name]) if name in UNITS else (name or "")

    def number(value: float, digits: int | None = None) -> str:
        return current_localizer().number(value, digits=digits)

    def date(day: Any, form: str = "long") -> str:
        import datetime as dt

        value = dt.date.fromisoformat(day) if isinstance(day, str) else day
        return current_localizer().date(value, form=form)

    return {
        "kbt": kbt, "unit": unit, "number": number, "date": date, "word": wording.diary_word,
        "relief": wording.relief_word, "in_sentence": wording.in_sentence, "helped_words": wording.helped_words,
        "place": wording.cramp_place,
        "evidence_label": wording.evidence_label, "urgency_action": wording.urgency_action,
        "urgency_name": wording.urgency_name,
        "emergency_numbers": wording.emergency_numbers,
        "source_title": lambda source_id: wording.source_title(load_knowledge(), source_id),
    }


def create_app_from_env() -> FastAPI:
    """The app configured from the environment (``CRAMPCARE_MODE``, ``CRAMPCARE_DB``, …; see
    :mod:`crampcare.config`): the factory each uvicorn worker calls for ``crampcare serve --workers N``."""
    from crampcare.collector import collect_fully_less_often, collector_paused
    from crampcare.config import load_config

    collect_fully_less_often()  # as `crampcare serve` (one process) does in the CLI's main
    with collector_paused():
        return create_app(Settings.from_config(load_config()))
