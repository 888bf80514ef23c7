"""Roles: everyone who signs up is a patient; clinicians and admins are named on the command line
(`crampcare users grant EMAIL --role clinician|admin`), never through the web, so the first admin
cannot be created by whoever reaches the server first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, Engine, delete, insert, select

from crampcare.accounts.models import UserRow
from crampcare.accounts.service import email_key, end_credentials
from crampcare.clinic.models import ROLES, UserRoleRow
from crampcare.i18n.context import _

Role = Literal["patient", "clinician", "admin"]


class ClinicError(ValueError):
    """A refused clinic operation, with a message for the person (and the form field at fault)."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def role_of(conn: Connection, user_id: int) -> Role:
    role = conn.execute(select(UserRoleRow.role).where(UserRoleRow.user_id == user_id)).scalar_one_or_none()
    if role == "admin":
        return "admin"
    if role == "clinician":
        return "clinician"
    return "patient"


def is_clinician(role: Role) -> bool:
    """Admins can do everything a clinician can."""
    return role in ("clinician", "admin")


def _user_id(conn: Connection, email: str) -> int:
    user_id = conn.execute(select(UserRow.id).where(UserRow.email == email_key(email))).scalar_one_or_none()
    if user_id is None:
        raise _no_account(email)
    return int(user_id)


def _no_account(email: str) -> ClinicError:
    return ClinicError(_("no account with the e-mail {email}; the person signs up first", email=repr(email.strip())),
                       field="email")


def grant_role(engine: Engine, email: str, role: str) -> None:
    """Make the account with ``email`` a clinician or an admin (replacing any other role); its sessions
    and personal API tokens end (:func:`~crampcare.accounts.service.end_credentials`)."""
    if role not in ROLES:
        raise ClinicError(_("the role must be one of {roles}, not {role}", roles=", ".join(ROLES), role=repr(role)), field="role")
    with engine.begin() as conn:
        user_id = _user_id(conn, email)
        conn.execute(delete(UserRoleRow).where(UserRoleRow.user_id == user_id))
        conn.execute(insert(UserRoleRow).values(user_id=user_id, role=role, granted_at=dt.datetime.now(dt.UTC)))
        # A session or token issued before (perhaps on someone else's computer, or fixed by an attacker)
        # never gains the role's reach: the person logs in again, with a new session id.
        end_credentials(conn, user_id)


@dataclass(frozen=True)
class Revoked:
    """What revoking a role did: the role the account had, and how many shares with it ended."""

    role: Role
    shares_ended: int


def revoke_role(engine: Engine, email: str) -> Revoked:
    """Make the account a patient again, and end every share with it (active, or an invitation
    waiting for it), each recorded in its patient's log, in one transaction under the account's
    write lock: a clinician read running meanwhile either finished before (and is in the log) or
    finds no share. Its pages answer 404 from the next request; a role given again later brings
    back no patient's data. Its sessions and personal API tokens end too, as at a grant."""
    from crampcare.clinic.sharing import end_shares_with_clinician
    from crampcare.db.writes import Owner, OwnerGoneError, run_write

    with engine.connect() as conn:
        user_id = _user_id(conn, email)
        user = conn.execute(select(UserRow.owner_id, UserRow.email).where(UserRow.id == user_id)).one()

    def write(conn: Connection) -> Revoked:
        before = role_of(conn, user_id)
        conn.execute(delete(UserRoleRow).where(UserRoleRow.user_id == user_id))
        end_credentials(conn, user_id)
        return Revoked(before, end_shares_with_clinician(conn, user_id, user.email, "role_revoked"))

    try:
        return run_write(engine, Owner(user.owner_id, user_id), write)
    except OwnerGoneError:  # the account deleted meanwhile: its role and shares went with it
        raise _no_account(email) from None


def list_roles(engine: Engine) -> list[tuple[str, str]]:
    """(e-mail, role) of every clinician and admin, by e-mail."""
    with engine.connect() as conn:
        rows = conn.execute(select(UserRow.email, UserRoleRow.role).join(UserRoleRow, UserRoleRow.user_id == UserRow.id)
                            .order_by(UserRow.email)).all()
    return [(r.email, r.role) for r in rows]
