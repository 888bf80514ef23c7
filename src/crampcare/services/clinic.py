"""Clinic use cases (server mode): roles, a patient's sharing, a clinician's reads, cohort figures.

The clinic pages and ``crampcare users`` call these and nothing below them. Every clinician
read of a patient goes through :func:`open_share`, which checks the role and the active share
(and its scope) and writes the read to the patient's audit log in one transaction; the
patient's data is then read through :func:`shared_diary`, a read-only use of the diary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crampcare.clinic.audit import audit_log_for, clinic_data
from crampcare.clinic.cohort import CohortFigures, CohortTooSmallError, cohort_figures, deidentified_csv
from crampcare.clinic.dashboard import DashboardRow, dashboard
from crampcare.clinic.roles import ClinicError, Revoked, Role, grant_role, is_clinician, list_roles, revoke_role
from crampcare.clinic.sharing import (
    CODE_LIFETIME,
    SCOPES,
    ActiveShare,
    Scope,
    Scopes,
    accept_code,
    accept_invite,
    has_cohort_consent,
    invite_by_code,
    invite_clinician,
    pending_for_clinician,
    revoke_share,
    set_cohort_consent,
    shares_of_patient,
)
from crampcare.i18n.context import _
from crampcare.services.diary import Diary

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from crampcare.accounts import User
    from crampcare.services.transfer import Exported

__all__ = [
    "CODE_LIFETIME",
    "SCOPES",
    "ActiveShare",
    "ClinicError",
    "CohortFigures",
    "CohortTooSmallError",
    "DashboardRow",
    "NothingToShowError",
    "Revoked",
    "Role",
    "Scope",
    "Scopes",
    "accept_code",
    "accept_invite",
    "audit_log_for",
    "clinic_data",
    "cohort_figures",
    "dashboard",
    "deidentified_csv",
    "grant_role",
    "has_cohort_consent",
    "invite_by_code",
    "invite_clinician",
    "is_clinician",
    "list_roles",
    "open_share",
    "pending_for_clinician",
    "revoke_role",
    "revoke_share",
    "role",
    "server_engine",
    "set_cohort_consent",
    "shared_diary",
    "shared_history",
    "shares_of_patient",
    "shows_clinic",
]


def role(engine: Engine, user_id: int) -> Role:
    """The user's role, read from the database on every call (a revoked role ends access at once)."""
    from crampcare.clinic.roles import role_of

    with engine.connect() as conn:
        return role_of(conn, user_id)


def shows_clinic(engine: Engine, user_id: int) -> bool:
    """Whether the navigation offers the clinic; ``False`` when the database cannot say, so the
    error page of a database outage still renders."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return is_clinician(role(engine, user_id))
    except SQLAlchemyError:
        return False


class NothingToShowError(ClinicError):
    """The share allows the read, but the patient has nothing of that kind (no saved assessment): no
    read is written to their log, which would claim the clinician saw something."""

    def __init__(self) -> None:
        super().__init__(_("this patient has saved no assessment yet"), status=404)


def open_share(engine: Engine, clinician: User, share_id: int, scope: Scope | None, what: str) -> ActiveShare | None:
    """THE check for every clinician read: ``clinician``'s active share ``share_id`` (allowing
    ``scope``), with the read recorded in the patient's audit log; ``None`` if not shared. The
    latest assessment (``what="assessment"``) of a patient who saved none raises
    :class:`NothingToShowError` and is not recorded."""
    from sqlalchemy import Connection, select

    from crampcare.clinic.audit import record_reads
    from crampcare.clinic.models import AssessmentSummaryRow
    from crampcare.clinic.sharing import active_share
    from crampcare.db.writes import Owner, run_write

    def read(conn: Connection) -> ActiveShare | None:
        share = active_share(conn, clinician.id, share_id)
        if share is None or (scope is not None and not share.scopes.allows(scope)):
            return None
        if what == "assessment" and conn.execute(select(AssessmentSummaryRow.assessment_id).where(
                AssessmentSummaryRow.owner == share.patient_owner).limit(1)).first() is None:
            raise NothingToShowError()
        # Ended by the patient between the two statements: no audit row, so nothing is shown.
        return share if share.id in record_reads(conn, [share], clinician, what) else None

    # A write (the audit row) under the clinician's write lock, like every write.
    return run_write(engine, Owner(clinician.owner_id, clinician.id), read)


def shared_history(engine: Engine, share: ActiveShare) -> Exported:
    """The patient's history as FHIR, as far as the share allows: the nights and days only with the
    diary shared, the assessments only with the assessments shared (sharing "reports" alone gave a
    clinician every note of a diary the patient had chosen not to share)."""
    from crampcare.services.transfer import export_diary

    store = shared_diary(engine, share)
    try:
        return export_diary(store, "fhir", records=share.scopes.diary, assessments=share.scopes.assessments)
    finally:
        store.close()


def shared_diary(engine: Engine, share: ActiveShare) -> Diary:
    """The patient's diary behind an open share, for reading (insights, report, assessment)."""
    return Diary(engine, share.patient_owner, user_id=share.patient_id)


def server_engine(db: str) -> Engine:
    """The server's database for ``crampcare users``: it must be up to date (a server's schema is
    upgraded by its operators, never behind their backs). Raises
    :class:`~crampcare.services.database.SchemaOutOfDateError` or
    :class:`~crampcare.services.database.DatabaseUnreachableError`."""
    from sqlalchemy.exc import SQLAlchemyError

    from crampcare.services.database import DatabaseUnreachableError, open_engine, resolve_db_url, shown_url

    try:
        return open_engine(db, migrate=False)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise DatabaseUnreachableError(_("cannot reach the database {url}: {reason}", url=shown_url(resolve_db_url(db)),
                                         reason=reason[0] if reason else type(exc).__name__)) from None
