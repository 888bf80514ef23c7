"""Installable app: the web app manifest, the service worker, and the offline night form.

The service worker keeps only public pages (``/now``, ``/learn``, the empty night form at
``/diary/offline``) and static files: never a page with someone's diary, and in server mode never
a page as an account saw it (it asks for a visitor's copy, see ``OFFLINE_COPY_HEADER``). A night logged while
the server cannot be reached is kept in the browser (IndexedDB, by ``offline.js``), shown as
"waiting to sync", and sent once when the server answers again, with its own idempotency key so a
retried request is stored once.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from crampcare.i18n.context import _, current_language
from crampcare.i18n.languages import SUPPORTED_LANGUAGES
from crampcare.web.deps import get_kb
from crampcare.web.pages import render

if TYPE_CHECKING:
    from crampcare.knowledge.loader import KnowledgeBase

router = APIRouter(include_in_schema=False)

# Static files the offline pages need, cached when the worker installs.
OFFLINE_STATIC = ("app.css", "app.js", "now.js", "offline.js", "icon-192.png")


def manifest() -> dict[str, object]:
    """The manifest in the request's language (``lang``): a phone shows its name and shortcuts as
    the person reads them. The address stays one, so the page's ``<link rel="manifest">`` needs
    no language of its own; the response varies by Accept-Language and Cookie like every page."""
    return {
        "name": _("crampcare: night leg cramps"),
        "short_name": "crampcare",
        "description": _("First aid for a cramp now, an explained assessment, and a diary that finds your triggers."),
        "lang": current_language(),
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#121212",
        "theme_color": "#8b0000",
        "icons": [
            {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any maskable"},
            {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
        "shortcuts": [
            {"name": _("Cramp now"), "url": "/now"},
            {"name": _("Log last night"), "url": "/diary#log-night"},
        ],
    }


@router.get("/manifest.webmanifest")
def manifest_file() -> Response:
    return Response(json.dumps(manifest(), indent=1, ensure_ascii=False), media_type="application/manifest+json",
                    headers={"Cache-Control": "no-cache"})


@router.get("/sw.js")
def service_worker(request: Request) -> Response:
    versions: dict[str, str] = request.app.state.static_versions
    static = [f"/static/{name}?v={versions[name]}" for name in OFFLINE_STATIC]
    cache_version = hashlib.sha256(
        (json.dumps(versions, sort_keys=True) + request.app.version).encode()
    ).hexdigest()[:12]
    body = request.app.state.templates.env.get_template("sw.js").render(
        cache_version=cache_version, precache=static,
        # /now in each language too: its language link (?lang=) must work offline as well.
        pages=["/now", *(f"/now?lang={code}" for code in SUPPORTED_LANGUAGES), "/learn", "/diary/offline",
               "/manifest.webmanifest"],
    )
    return Response(body, media_type="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


@router.get("/diary/offline", response_class=HTMLResponse)
def offline_night_form(request: Request, kb: KnowledgeBase = Depends(get_kb)) -> HTMLResponse:
    """The night form with nothing personal on it: what the diary opens as when offline."""
    from crampcare.diary import units
    from crampcare.diary.records import LEGS, MUSCLES, RELIEFS
    from crampcare.web import forms
    from crampcare.web.pages import DURATIONS

    context = {
        "title": _("Log a night"), "nf": {}, "nerr": {}, "night_date": units.default_night_date().isoformat(),
        "now_time": "", "durations": [(seconds, _(label)) for seconds, label in DURATIONS], "legs": LEGS, "muscles": MUSCLES, "reliefs": RELIEFS,
        "as_list": forms.as_list,
        # offline.js gives each night saved on the device a key of its own before sending it.
        "form_keys": {"night": uuid.uuid4().hex, "quiet": uuid.uuid4().hex},
    }
    # The copy the service worker keeps (a visitor's) is revalidated; shown to an account, the page holds
    # its e-mail and CSRF token, so it is kept nowhere (render's no-store), as every account's page.
    from crampcare.web.auth import page_account

    return render(request, "diary_offline.html", context,
                  headers=None if page_account(request) else {"Cache-Control": "no-cache"})
