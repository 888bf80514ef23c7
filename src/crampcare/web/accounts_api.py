"""Accounts in the JSON API (server mode only): sign up, log in and out, password, deletion,
"all my data", personal API tokens.

Sign-up and log-in set the session cookie and return the session's CSRF token: send it back as
``X-CSRF-Token`` on every unsafe request made with the cookie. Scripts can instead create a
personal token (``POST /api/v1/tokens`` with an e-mail and password) and send
``Authorization: Bearer <token>``, which needs no CSRF token.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from crampcare.accounts.service import EMAIL_INPUT_PATTERN, MIN_PASSWORD_LENGTH
from crampcare.i18n.context import _
from crampcare.services import diary as diary_service
from crampcare.web.api import ERRORS, _err, _json
from crampcare.web.auth import (
    Auth,
    accounts,
    bearer_cannot_make_tokens,
    clear_session_cookie,
    require_user,
    resolve,
    session_cookie_value,
    set_session_cookie,
)
from crampcare.web.deps import get_store
from crampcare.web.errors import ApiError, account_error
from crampcare.web.params import JsonBodyRoute

if TYPE_CHECKING:
    from crampcare.accounts import ApiToken, Session, User
    from crampcare.services.diary import Diary

router = APIRouter(prefix="/api/v1", tags=["account"], route_class=JsonBodyRoute)

# FastAPI's `responses` maps status codes (int or str) to OpenAPI response objects.
Responses = dict[int | str, dict[str, Any]]
UNAUTHORIZED: Responses = {401: _err("Not logged in, or wrong e-mail or password.")}
LIMITED: Responses = {429: _err("Too many failed log-ins; wait 15 minutes.")}
CSRF: Responses = {403: _err("Cookie-authenticated request without the session's X-CSRF-Token.")}


TIME_ZONE_FIELD = Field(None, max_length=64, description="The device's IANA time zone (e.g. `Europe/Moscow`), for the "
                        "offset of the clock times in this account's FHIR export; a name that is not a zone is ignored.")


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320, description="E-mail address (the log-in name).")
    password: str = Field(max_length=1000, description="At least 10 characters.")
    time_zone: str | None = TIME_ZONE_FIELD


class SignUp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Checked (after NFKC, trimming and lower case) by the accounts service alone, as for the sign-up
    # page: a pattern enforced here refused " ann@example.org " that the page takes. The schema
    # still documents the shape.
    email: str = Field(max_length=320, description="E-mail address (the log-in name); surrounding spaces and "
                       "case do not matter.", json_schema_extra={"pattern": EMAIL_INPUT_PATTERN})
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1000,
                          description="At least 10 characters, not the e-mail address.")
    time_zone: str | None = TIME_ZONE_FIELD


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000, description="At least 10 characters.")


class DeleteAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(max_length=1000, description="The current password, to confirm.")


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"dependentRequired": {
        "email": ["password"], "password": ["email"]}})

    name: str = Field("api", min_length=1, max_length=100, description="A label, e.g. the device or script.")
    email: str = Field(None, max_length=320,  # type: ignore[assignment]
                       description="With `password`: create a token without a session.")
    password: str = Field(None, max_length=1000)  # type: ignore[assignment]


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def session_payload(user: User, session: Session) -> dict[str, Any]:
    return {"user": {"email": user.email}, "csrf_token": session.csrf_token,
            "expires_at": session.expires_at.isoformat()}


def start_session(request: Request, user: User, status: int, time_zone: str | None = None) -> Response:
    """A new session for ``user`` (ending the one the request came with, if any), as a response."""
    token, session = accounts(request).create_session(user, replacing=session_cookie_value(request),
                                                      time_zone=time_zone)
    response = _json(session_payload(user, session), status)
    set_session_cookie(response, request, token)
    return response


@router.post("/auth/signup", status_code=201, summary="Create an account and log in (sets the session cookie)",
             responses={201: {"description": "The account, and the session's CSRF token."}, **ERRORS,
                        409: _err("An account with this e-mail exists."),
                        429: _err("Too many sign-ups from this address; wait 15 minutes.")})
def signup(body: SignUp, request: Request) -> Response:
    from crampcare.accounts import AccountError

    try:
        user = accounts(request).sign_up(body.email, body.password, client=client_address(request),
                                         limit=request.app.state.settings.signup_limit)
    except AccountError as exc:
        raise account_error(exc) from None
    return start_session(request, user, 201, body.time_zone)


@router.post("/auth/login", summary="Log in (sets the session cookie; rate-limited)",
             responses={200: {"description": "The account, and the session's CSRF token."}, **ERRORS, **UNAUTHORIZED,
                        **LIMITED})
def login(body: Credentials, request: Request) -> Response:
    from crampcare.accounts import AccountError

    try:
        user = accounts(request).authenticate(body.email, body.password, client=client_address(request))
    except AccountError as exc:
        raise account_error(exc) from None
    return start_session(request, user, 200, body.time_zone)


@router.post("/auth/logout", summary="End this session and clear the cookie",
             responses={**UNAUTHORIZED, **CSRF, 409: _err("Sent with a personal API token, which has no session.")})
def logout(request: Request, auth: Auth = Depends(require_user)) -> Response:
    if auth.via != "session":
        raise ApiError(409, _("a personal token has no session to end; revoke it with {request}",
                               request="DELETE /api/v1/tokens/{id}"))
    accounts(request).end_session(auth.session_token)
    response = _json({"message": "logged out"})
    clear_session_cookie(response, request)
    return response


@router.get("/account", summary="Who am I (and, with a session, its CSRF token)", responses=UNAUTHORIZED)
def account(request: Request, auth: Auth = Depends(require_user)) -> Response:
    assert auth.user is not None
    data = accounts(request).account_data(auth.user)
    result: dict[str, Any] = {"email": data["email"], "created_at": data["created_at"], "time_zone": data["time_zone"],
                              "via": auth.via}
    if auth.session is not None:
        result["csrf_token"] = auth.session.csrf_token
        result["expires_at"] = auth.session.expires_at.isoformat()
    return _json(result)


@router.post("/account/password", summary="Change the password (ends other sessions and every API token)",
             responses={**ERRORS, **UNAUTHORIZED, **LIMITED, **CSRF})
def change_password(body: PasswordChange, request: Request, auth: Auth = Depends(require_user)) -> Response:
    from crampcare.accounts import AccountError

    assert auth.user is not None
    try:
        accounts(request).change_password(auth.user, body.current_password, body.new_password,
                                          keep_session=auth.session_token)
    except AccountError as exc:
        if exc.code == "invalid" and exc.field == "password":
            exc.field = "new_password"
        raise account_error(exc) from None
    return _json({"message": _("password changed; your other sessions and every personal API token were ended")})


@router.delete("/account", summary="Delete the account and all its data (download it first: /account/export)",
               responses={**ERRORS, **UNAUTHORIZED, **LIMITED, **CSRF})
def delete_account(body: DeleteAccount, request: Request, auth: Auth = Depends(require_user)) -> Response:
    from crampcare.accounts import AccountError

    assert auth.user is not None
    try:
        removed = accounts(request).delete_account(auth.user, body.password)
    except AccountError as exc:
        raise account_error(exc) from None
    response = _json({"message": _("account and all its data deleted"), "deleted": removed})
    clear_session_cookie(response, request)
    return response


def export_document(request: Request, user: User, store: Diary) -> dict[str, Any]:
    """Everything stored about ``user``: account, diary (importable as-is), saved assessments."""
    from crampcare.services.clinic import clinic_data
    from crampcare.services.transfer import export_diary

    return {
        "format": "crampcare-account-export",
        "version": 1,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "account": accounts(request).account_data(user),
        "diary": json.loads(export_diary(store, "json").text),
        "assessments": [a.model_dump(mode="json") for a in diary_service.assessments(store)],
        "fhir": "/api/v1/export/fhir",
        "clinic": clinic_data(request.app.state.engine, user),
    }


@router.get("/account/export", summary="Download all my data (JSON: account, diary, assessments)",
            responses={200: {"content": {"application/json": {}}}, **UNAUTHORIZED})
def export_all(request: Request, auth: Auth = Depends(require_user),
               store: Diary = Depends(get_store)) -> Response:
    assert auth.user is not None
    document = export_document(request, auth.user, store)
    name = f"crampcare-all-my-data-{dt.date.today().isoformat()}.json"
    return Response(json.dumps(document, ensure_ascii=False, indent=2).encode(), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/tokens", summary="My personal API tokens (names and dates; the secrets are never shown again)",
            description="Each token works until its `expires_at` (the server's `api_token_days` after it was made); "
            "an expired one is listed, refused, and can be deleted.", responses=UNAUTHORIZED)
def list_tokens(request: Request, auth: Auth = Depends(require_user)) -> Response:
    assert auth.user is not None
    return _json([_token_json(t) for t in accounts(request).list_api_tokens(auth.user)])


def _token_json(token: ApiToken) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(), "expired": token.expired}


@router.post("/tokens", status_code=201,
             summary="Create a personal API token (logged in, or with `email` and `password`; shown once)",
             responses={201: {"description": "`token` is the secret: store it now."}, **ERRORS, **UNAUTHORIZED,
                        **LIMITED, **CSRF})
async def create_token(body: TokenRequest, request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    from crampcare.accounts import AccountError
    from crampcare.web.auth import LoginRequired

    service = accounts(request)
    if body.email is not None or body.password is not None:
        if body.email is None or body.password is None:
            raise ApiError(422, _("send both 'email' and 'password', or neither (when logged in)"),
                           fields=[{"field": "email" if body.email is None else "password", "message": _("missing")}])
        try:
            user = await run_in_threadpool(service.authenticate, body.email, body.password, client_address(request))
        except AccountError as exc:
            raise account_error(exc) from None
    else:
        auth = await resolve(request)
        if auth.user is None:
            raise LoginRequired(_("log in, or send 'email' and 'password' in the body"))
        if auth.via == "bearer":
            raise bearer_cannot_make_tokens()
        user = auth.user
    try:
        secret, token = await run_in_threadpool(service.issue_api_token, user, body.name)
    except AccountError as exc:
        raise account_error(exc) from None
    return _json({**_token_json(token), "token": secret, "use": "Authorization: Bearer <token>"}, 201)


@router.delete("/tokens/{token_id}", summary="Revoke one of my personal API tokens",
               responses={**UNAUTHORIZED, 404: _err("No such token of yours."), **CSRF})
def revoke_token(request: Request, token_id: int = Path(ge=1, le=2**31 - 1), auth: Auth = Depends(require_user)) -> Response:
    assert auth.user is not None
    if not accounts(request).revoke_api_token(auth.user, token_id):
        raise ApiError(404, _("you have no API token {id}", id=token_id))
    return _json({"revoked": token_id})
