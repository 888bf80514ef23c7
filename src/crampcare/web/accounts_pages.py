"""Account pages (server mode only): sign up, log in, log out, account settings.

Every form carries a CSRF token: the session's on the account forms (checked by
:func:`crampcare.web.auth.server_guard`), a double-submit token on the log-in and sign-up forms
(checked here), since there is no session yet.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from crampcare.i18n.context import N_, _
from crampcare.web import flash, forms
from crampcare.web.auth import (
    CSRF_FIELD,
    PRELOGIN_COOKIE,
    Auth,
    accounts,
    bearer_cannot_make_tokens,
    clear_prelogin_cookie,
    clear_session_cookie,
    cookie_name,
    prelogin_token,
    require_user,
    resolve_quietly,
    session_cookie_value,
    set_prelogin_cookie,
    set_session_cookie,
    token_matches,
)
from crampcare.web.errors import ApiError
from crampcare.web.pages import render

router = APIRouter(include_in_schema=False)

DONE = {
    "logged_out": N_("You are logged out."),
    "deleted": N_("Your account and all its data have been deleted."),
    "password": N_("Password changed. Your other sessions and personal API tokens were ended."),
    "revoked": N_("The token was revoked."),
}


async def _done(request: Request, page: str) -> str:
    """The message a form left for this page (:mod:`crampcare.web.flash`), once; never from the URL."""
    said = await run_in_threadpool(flash.take, request, page)
    return _(DONE[said[0]]) if said is not None and said[0] in DONE else ""

MAX_TOKEN_ID = 2**31 - 1


def _credentials_page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """The log-in or sign-up page, with its double-submit token (set as a cookie when new)."""
    new_cookies: list[tuple[str, str]] = []
    prelogin_token(request, new_cookies)
    response = render(request, name, context, status)
    for _name, value in new_cookies:
        set_prelogin_cookie(response, request, value)
    return response


def _prelogin_ok(request: Request, form: Any) -> bool:
    cookie = request.cookies.get(cookie_name(request, PRELOGIN_COOKIE))
    return bool(cookie) and token_matches(forms.text(form, CSRF_FIELD), cookie or "")


def _logged_in(request: Request, next_path: str) -> Response:
    from crampcare.web.auth import safe_next

    return RedirectResponse(safe_next(next_path), status_code=303)


def _start_session(request: Request, user: Any, next_path: str, time_zone: str = "") -> Response:
    from crampcare.web.auth import safe_next

    token, _session = accounts(request).create_session(user, replacing=session_cookie_value(request),
                                                       time_zone=time_zone)
    response = RedirectResponse(safe_next(next_path), status_code=303)
    set_session_cookie(response, request, token)
    clear_prelogin_cookie(response, request)
    return response


EXPIRED_FORM = N_("the form had expired (or cookies are blocked); please try again")


# --------------------------------------------------------------------------- sign up


@router.get("/signup", response_class=HTMLResponse)
async def signup_page(request: Request) -> Response:
    auth = await resolve_quietly(request)
    if auth.user is not None:
        return _logged_in(request, "/diary")
    return _credentials_page(request, "signup.html", {"title": _("Sign up"), "errors": {}, "email": ""})


@router.post("/signup")
async def signup_submit(request: Request) -> Response:
    from crampcare.accounts import AccountError

    form = await request.form()
    email = forms.text(form, "email")[:320]
    password = form.get("password")
    again = form.get("password_again")
    context: dict[str, Any] = {"title": _("Sign up"), "errors": {}, "email": email}
    if not _prelogin_ok(request, form):
        context["errors"] = {"form": _(EXPIRED_FORM)}
        return _credentials_page(request, "signup.html", context, 403)
    if not isinstance(password, str) or not isinstance(again, str) or password != again:
        context["errors"] = {"password_again": _("the two passwords differ")}
        return _credentials_page(request, "signup.html", context, 422)
    try:
        user = await run_in_threadpool(accounts(request).sign_up, email, password,
                                       request.client.host if request.client else "",
                                       request.app.state.settings.signup_limit)
    except AccountError as exc:
        context["errors"] = {exc.field or "form": exc.message}
        status = {"conflict": 409, "rate_limited": 429}.get(exc.code, 422)
        return _credentials_page(request, "signup.html", context, status)
    return await run_in_threadpool(_start_session, request, user, "/diary", forms.text(form, "time_zone")[:64])


# --------------------------------------------------------------------------- log in and out


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str | None = Query(None, max_length=500)) -> Response:
    from crampcare.web.auth import safe_next

    auth = await resolve_quietly(request)
    if auth.user is not None:
        return _logged_in(request, next or "/diary")
    return _credentials_page(request, "login.html", {"title": _("Log in"), "errors": {}, "email": "",
                                                     "next": safe_next(next, ""),
                                                     "message": await _done(request, "/login")})


@router.post("/login")
async def login_submit(request: Request) -> Response:
    from crampcare.accounts import AccountError
    from crampcare.web.auth import safe_next

    form = await request.form()
    email = forms.text(form, "email")[:320]
    password = form.get("password")
    next_path = safe_next(forms.text(form, "next"), "")
    context: dict[str, Any] = {"title": _("Log in"), "errors": {}, "email": email, "next": next_path, "message": ""}
    if not _prelogin_ok(request, form):
        context["errors"] = {"form": _(EXPIRED_FORM)}
        return _credentials_page(request, "login.html", context, 403)
    if not isinstance(password, str) or not email or not password:
        context["errors"] = {"form": _("enter your e-mail address and password")}
        return _credentials_page(request, "login.html", context, 422)
    client = request.client.host if request.client else ""
    try:
        user = await run_in_threadpool(accounts(request).authenticate, forms.text(form, "email"), password, client)
    except AccountError as exc:
        context["errors"] = {"form": exc.message}
        status = 429 if exc.code == "rate_limited" else 401
        response = _credentials_page(request, "login.html", context, status)
        if status == 429:
            response.headers["Retry-After"] = "900"
        return response
    return await run_in_threadpool(_start_session, request, user, next_path or "/diary",
                                   forms.text(form, "time_zone")[:64])


@router.post("/logout")
async def logout(request: Request, auth: Auth = Depends(require_user)) -> Response:
    if auth.session_token:
        await run_in_threadpool(accounts(request).end_session, auth.session_token)
    response = await flash.redirect(request, "/login", "logged_out", logged_out=True)
    clear_session_cookie(response, request)
    return response


# --------------------------------------------------------------------------- account


def _account_page(request: Request, auth: Auth, status: int = 200, **extra: Any) -> HTMLResponse:
    assert auth.user is not None
    context: dict[str, Any] = {
        "title": _("Account"),
        "user": auth.user,
        "tokens": accounts(request).list_api_tokens(auth.user),
        "time_zone": accounts(request).time_zone(auth.user),
        "errors": {},
        "message": "",
        "new_token": None,
    }
    context.update(extra)
    return render(request, "account.html", context, status)


@router.get("/account", response_class=HTMLResponse)
async def account_page(request: Request, auth: Auth = Depends(require_user)) -> HTMLResponse:
    message = await _done(request, "/account")
    return await run_in_threadpool(_account_page, request, auth, message=message)


@router.post("/account/password")
async def account_password(request: Request, auth: Auth = Depends(require_user)) -> Response:
    from crampcare.accounts import AccountError

    assert auth.user is not None
    form = await request.form()
    current, new, again = (form.get(k) for k in ("current_password", "new_password", "new_password_again"))
    if not all(isinstance(v, str) and v for v in (current, new, again)):
        return await run_in_threadpool(_account_page, request, auth, 422,
                                       errors={"new_password": _("fill in all three password fields")})
    if new != again:
        return await run_in_threadpool(_account_page, request, auth, 422,
                                       errors={"new_password_again": _("the two new passwords differ")})
    try:
        await run_in_threadpool(accounts(request).change_password, auth.user, str(current)[:1000], str(new)[:1000],
                                auth.session_token)
    except AccountError as exc:
        field = "new_password" if exc.field == "password" else "current_password"
        status = 429 if exc.code == "rate_limited" else 422
        return await run_in_threadpool(_account_page, request, auth, status, errors={field: exc.message})
    return await flash.redirect(request, "/account", "password")


@router.post("/account/tokens")
async def account_new_token(request: Request, auth: Auth = Depends(require_user)) -> Response:
    from crampcare.accounts import AccountError

    assert auth.user is not None
    if auth.via == "bearer":
        raise bearer_cannot_make_tokens()
    form = await request.form()
    try:
        secret, token = await run_in_threadpool(accounts(request).issue_api_token, auth.user, forms.text(form, "name"))
    except AccountError as exc:
        return await run_in_threadpool(_account_page, request, auth, 422, errors={exc.field or "name": exc.message})
    return await run_in_threadpool(_account_page, request, auth, 201, new_token={"secret": secret, "name": token.name})


@router.post("/account/tokens/{token_id}/delete")
async def account_revoke_token(request: Request, token_id: int = Path(ge=1, le=MAX_TOKEN_ID),
                               auth: Auth = Depends(require_user)) -> Response:
    assert auth.user is not None
    if not await run_in_threadpool(accounts(request).revoke_api_token, auth.user, token_id):
        raise ApiError(404, _("you have no such token"))
    return await flash.redirect(request, "/account", "revoked")


@router.post("/account/delete")
async def account_delete(request: Request, auth: Auth = Depends(require_user)) -> Response:
    from crampcare.accounts import AccountError

    assert auth.user is not None
    form = await request.form()
    password = form.get("delete_password")
    if forms.text(form, "confirm") != "yes":
        return await run_in_threadpool(_account_page, request, auth, 422,
                                       errors={"confirm": _("tick the box to confirm that everything will be deleted")})
    if not isinstance(password, str) or not password:
        return await run_in_threadpool(_account_page, request, auth, 422,
                                       errors={"delete_password": _("enter your password to confirm")})
    try:
        await run_in_threadpool(accounts(request).delete_account, auth.user, password[:1000])
    except AccountError as exc:
        status = 429 if exc.code == "rate_limited" else 422
        return await run_in_threadpool(_account_page, request, auth, status, errors={"delete_password": exc.message})
    response = await flash.redirect(request, "/login", "deleted", logged_out=True)
    clear_session_cookie(response, request)
    return response
