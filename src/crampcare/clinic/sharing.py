"""Sharing, owned by the patient: an invite names a clinician (by the e-mail of a clinician's
account) or carries a one-time code that expires; the clinician accepts; the patient sees who has
access and revokes it at any time. Every clinician read goes through :func:`active_share`, which
looks the share up in the database on each request, so a revocation (or a deleted account) takes
effect at the clinician's very next request."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from sqlalchemy import Connection, DateTime, Engine, String, and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import aliased

from crampcare.accounts.models import UserRow
from crampcare.accounts.service import User, email_key
from crampcare.clinic.models import AuditRow, CohortConsentRow, ShareRow, UserRoleRow
from crampcare.clinic.roles import ClinicError, is_clinician, role_of
from crampcare.db.writes import Owner, run_write
from crampcare.i18n.context import _

CODE_LIFETIME = dt.timedelta(hours=72)
# Invitations a patient can have waiting at once (e-mail invitations and unexpired codes): each one
# is a line on a clinician's dashboard or a row kept, and nobody needs more.
MAX_PENDING = 20
# No 0/O, 1/I/L: codes are read aloud and typed by hand.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12
Scope = Literal["diary", "assessments", "reports"]
T = TypeVar("T")
SCOPES: tuple[Scope, ...] = ("diary", "assessments", "reports")


@dataclass(frozen=True)
class Scopes:
    diary: bool
    assessments: bool
    reports: bool

    def allows(self, scope: Scope) -> bool:
        return bool(getattr(self, scope))

    def names(self) -> list[str]:
        return [s for s in SCOPES if self.allows(s)]


@dataclass(frozen=True)
class ShareView:
    """A share as its patient sees it in the access list."""

    id: int
    clinician_email: str | None
    scopes: Scopes
    status: str
    by_code: bool
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    revoked_at: dt.datetime | None
    code_expires_at: dt.datetime | None


@dataclass(frozen=True)
class ActiveShare:
    """An active share as the clinician's request sees it: whose data, and which parts."""

    id: int
    patient_id: int
    patient_owner: str
    patient_email: str
    clinician_id: int
    scopes: Scopes


@dataclass(frozen=True)
class PendingInvite:
    id: int
    patient_email: str
    scopes: Scopes
    created_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _check_sharer(patient: User) -> None:
    """A share outlives the credential that made it: made with a personal API token that leaked, it
    would keep a clinician reading after the token is revoked (so a token cannot make another either)."""
    if patient.by_api_token:
        raise ClinicError(_("a personal API token cannot share your data; log in to share it"), field="invite",
                          status=403)


def _check_scopes(scopes: Scopes) -> None:
    if not scopes.names():
        raise ClinicError(_("choose at least one thing to share (diary, assessments or reports)"), field="scopes")


def _write(engine: Engine, actor: User, work: Callable[[Connection], T]) -> T:
    """One sharing change in one write transaction under ``actor``'s write lock (SQLite: the lock
    taken up front, so reading the share and changing it cannot be split by another writer;
    retried when the database is busy), refused with :class:`~crampcare.db.writes.OwnerGoneError`
    when the account was deleted meanwhile: the same path as every diary write."""
    return run_write(engine, Owner(actor.owner_id, actor.id), work)


def _check_room(conn: Connection, patient: User) -> None:
    """Refuse a new invitation past :data:`MAX_PENDING` waiting ones: a patient could otherwise fill
    a clinician's dashboard with thousands of invitations."""
    waiting = conn.execute(select(func.count()).select_from(ShareRow).where(
        ShareRow.patient_id == patient.id, ShareRow.status == "pending",
        or_(ShareRow.code_expires_at.is_(None), ShareRow.code_expires_at > _now()),
    )).scalar_one()
    if waiting >= MAX_PENDING:
        raise ClinicError(_("{n} invitations are already waiting: end some of them below first", n=MAX_PENDING),
                          field="invite")


def invite_clinician(engine: Engine, patient: User, clinician_email: str, scopes: Scopes) -> int:
    """Invite the clinician with this e-mail; returns the pending share's id."""
    _check_sharer(patient)
    _check_scopes(scopes)
    address = email_key(clinician_email)

    def write(conn: Connection) -> int:
        clinician_id = conn.execute(
            select(UserRow.id).join(UserRoleRow, UserRoleRow.user_id == UserRow.id)
            .where(UserRow.email == address, UserRoleRow.role.in_(("clinician", "admin")))
        ).scalar_one_or_none()
        if clinician_id is None:
            raise ClinicError(_("no clinician has an account with that e-mail; ask them for it, or share a code"),
                              field="email")
        if clinician_id == patient.id:
            raise ClinicError(_("you cannot share with yourself"), field="email")
        waiting = conn.execute(select(ShareRow.id).where(
            ShareRow.patient_id == patient.id, ShareRow.clinician_id == clinician_id, ShareRow.status == "pending",
        )).scalars().first()
        chosen = {"share_diary": scopes.diary, "share_assessments": scopes.assessments,
                  "share_reports": scopes.reports}
        if waiting is not None:  # invited again: the one invitation waiting now asks for these scopes
            conn.execute(update(ShareRow).where(ShareRow.id == waiting).values(**chosen, created_at=_now()))
            return int(waiting)
        _check_room(conn, patient)
        share_id = conn.execute(insert(ShareRow).values(
            patient_id=patient.id, clinician_id=clinician_id, **chosen, status="pending", created_at=_now(),
        ).returning(ShareRow.id)).scalar_one()
        return int(share_id)

    return _write(engine, patient, write)


def invite_by_code(engine: Engine, patient: User, scopes: Scopes,
                   lifetime: dt.timedelta = CODE_LIFETIME) -> tuple[str, int]:
    """A one-time code for any clinician to accept before it expires: (the code, shown once; share id)."""
    _check_sharer(patient)
    _check_scopes(scopes)
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    code = "-".join(raw[i:i + 4] for i in range(0, _CODE_LENGTH, 4))
    now = _now()

    def write(conn: Connection) -> int:
        _check_room(conn, patient)
        return int(conn.execute(insert(ShareRow).values(
            patient_id=patient.id, clinician_id=None, code_hash=_code_hash(code), code_expires_at=now + lifetime,
            share_diary=scopes.diary, share_assessments=scopes.assessments, share_reports=scopes.reports,
            status="pending", created_at=now,
        ).returning(ShareRow.id)).scalar_one())

    return code, _write(engine, patient, write)


def _activate(conn: Connection, share_id: int, patient_id: int, clinician_id: int) -> None:
    # Under the clinician's write lock, as revoking their role is: a role revoked while this request
    # ran (its page checked the role before) is seen here, and no share starts for a non-clinician.
    if not is_clinician(role_of(conn, clinician_id)):
        raise ClinicError(_("no such invitation (it may have been withdrawn)"), status=404)
    # A newer share replaces an older one between the same two people (its scopes win).
    now = _now()
    conn.execute(update(ShareRow).where(ShareRow.patient_id == patient_id, ShareRow.clinician_id == clinician_id,
                                        ShareRow.status == "active")
                 .values(status="revoked", revoked_at=now))
    conn.execute(update(ShareRow).where(ShareRow.id == share_id)
                 .values(status="active", clinician_id=clinician_id, accepted_at=now, code_hash=None))


def accept_invite(engine: Engine, clinician: User, share_id: int) -> None:
    """Accept an e-mail invite addressed to this clinician."""
    def write(conn: Connection) -> None:
        row = conn.execute(select(ShareRow.patient_id).where(
            ShareRow.id == share_id, ShareRow.clinician_id == clinician.id, ShareRow.status == "pending",
            ShareRow.code_hash.is_(None),
        ).with_for_update()).one_or_none()
        if row is None:
            raise ClinicError(_("no such invitation (it may have been withdrawn)"), status=404)
        _activate(conn, share_id, row.patient_id, clinician.id)

    _write(engine, clinician, write)


def accept_code(engine: Engine, clinician: User, code: str) -> None:
    """Use a one-time code: it works once, before it expires, for anyone but its patient."""
    if not (8 <= len(normalise_code(code)) <= 40):
        raise ClinicError(_("enter the code the patient gave you (like ABCD-EFGH-JKMN)"), field="code")
    def write(conn: Connection) -> None:
        row = conn.execute(select(ShareRow.id, ShareRow.patient_id, ShareRow.code_expires_at).where(
            ShareRow.code_hash == _code_hash(code), ShareRow.status == "pending",
        ).with_for_update()).one_or_none()
        expires = _aware(row.code_expires_at) if row is not None else None
        if row is None or expires is None or expires <= _now():
            raise ClinicError(_("that code is not valid: it may be mistyped, used already or expired"), field="code")
        if row.patient_id == clinician.id:
            raise ClinicError(_("that code is your own invitation"), field="code")
        _activate(conn, row.id, row.patient_id, clinician.id)

    _write(engine, clinician, write)


def revoke_share(engine: Engine, patient: User, share_id: int) -> bool:
    """End a share (active or pending) at once; ``False`` if the patient has no such share."""
    def write(conn: Connection) -> bool:
        return bool(conn.execute(update(ShareRow).where(
            ShareRow.id == share_id, ShareRow.patient_id == patient.id, ShareRow.status.in_(("pending", "active")),
        ).values(status="revoked", revoked_at=_now(), code_hash=None)).rowcount)

    return _write(engine, patient, write)


def end_shares_with_clinician(conn: Connection, clinician_id: int, clinician_email: str, why: str) -> int:
    """In the caller's transaction: end every share with this clinician, active ones and e-mail
    invitations waiting for them, when they are no longer a clinician here (``why``, an audit
    :data:`~crampcare.clinic.audit.WHAT`: the role revoked, or the account deleted). Each active
    share's patient finds the reason in their log (written while the share is still active, as the
    log's trigger requires). Returns how many shares ended. A role given again later starts with no
    shares: patients share again if they wish."""
    now = _now()
    active = select(ShareRow.patient_id, ShareRow.clinician_id, literal(clinician_email, String(320)), ShareRow.id,
                    literal(why, String(40)), literal(now, DateTime(timezone=True))).where(
        ShareRow.clinician_id == clinician_id, ShareRow.status == "active")
    conn.execute(insert(AuditRow).from_select(
        ["patient_id", "clinician_id", "clinician_email", "share_id", "what", "at"], active))
    return int(conn.execute(update(ShareRow).where(
        ShareRow.clinician_id == clinician_id, ShareRow.status.in_(("pending", "active")),
    ).values(status="revoked", revoked_at=now, code_hash=None)).rowcount)


def _scopes(row: object) -> Scopes:
    return Scopes(diary=bool(row.share_diary), assessments=bool(row.share_assessments),  # type: ignore[attr-defined]
                  reports=bool(row.share_reports))  # type: ignore[attr-defined]


def shares_of_patient(engine: Engine, patient: User) -> list[ShareView]:
    """Everyone the patient has shared with or invited, newest first."""
    clinician = aliased(UserRow)
    shares = ShareRow.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(shares, clinician.email.label("clinician_email"))
            .outerjoin(clinician, clinician.id == shares.c.clinician_id)
            .where(shares.c.patient_id == patient.id).order_by(shares.c.created_at.desc(), shares.c.id.desc())
        ).all()
    return [ShareView(
        id=r.id, clinician_email=r.clinician_email, scopes=_scopes(r), status=r.status,
        by_code=r.code_expires_at is not None, created_at=_aware(r.created_at) or _now(),
        accepted_at=_aware(r.accepted_at), revoked_at=_aware(r.revoked_at), code_expires_at=_aware(r.code_expires_at),
    ) for r in rows]


def pending_for_clinician(engine: Engine, clinician: User) -> list[PendingInvite]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ShareRow.id, ShareRow.share_diary, ShareRow.share_assessments, ShareRow.share_reports,
                   ShareRow.created_at, UserRow.email)
            .join(UserRow, UserRow.id == ShareRow.patient_id)
            .where(ShareRow.clinician_id == clinician.id, ShareRow.status == "pending")
            .order_by(ShareRow.created_at)
        ).all()
    return [PendingInvite(id=r.id, patient_email=r.email, scopes=_scopes(r), created_at=_aware(r.created_at) or _now())
            for r in rows]


def active_share(conn: Connection, clinician_id: int, share_id: int) -> ActiveShare | None:
    """THE sharing check: the active share ``share_id`` of this clinician, or ``None``."""
    row = conn.execute(
        select(ShareRow.id, ShareRow.patient_id, ShareRow.clinician_id, ShareRow.share_diary,
               ShareRow.share_assessments, ShareRow.share_reports, UserRow.owner_id, UserRow.email)
        .join(UserRow, UserRow.id == ShareRow.patient_id)
        .where(and_(ShareRow.id == share_id, ShareRow.clinician_id == clinician_id, ShareRow.status == "active"))
    ).one_or_none()
    if row is None:
        return None
    return ActiveShare(id=row.id, patient_id=row.patient_id, patient_owner=row.owner_id, patient_email=row.email,
                       clinician_id=row.clinician_id, scopes=_scopes(row))


# --------------------------------------------------------------------------- cohort consent


def set_cohort_consent(engine: Engine, user: User, consent: bool) -> None:
    """Count (or stop counting) the user's de-identified figures in cohort statistics."""
    def write(conn: Connection) -> None:
        conn.execute(delete(CohortConsentRow).where(CohortConsentRow.user_id == user.id))
        if consent:
            conn.execute(insert(CohortConsentRow).values(user_id=user.id, consented_at=_now()))

    _write(engine, user, write)


def has_cohort_consent(engine: Engine, user: User) -> bool:
    with engine.connect() as conn:
        found = conn.execute(select(CohortConsentRow.user_id).where(CohortConsentRow.user_id == user.id)).first()
    return found is not None
