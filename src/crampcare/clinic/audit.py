"""The audit log of clinician reads, which the patient reads on their sharing page.

Only the clinician read paths call :func:`record_read`; the database refuses any insert that no
active share allows, and any update or delete (triggers installed by the migration).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, select, text

from crampcare.accounts.service import User
from crampcare.clinic.models import AuditRow
from crampcare.clinic.sharing import ActiveShare
from crampcare.i18n.context import N_, _

# What a clinician read, as the patient's log names it (and why a share ended without the patient).
WHAT = {
    "dashboard": N_("saw your summary on their dashboard"),
    "overview": N_("opened your overview"),
    "insights": N_("viewed your insights"),
    "diary": N_("viewed your diary"),
    "assessment": N_("viewed your latest assessment"),
    "report_html": N_("opened your report"),
    "report_pdf": N_("downloaded your report (PDF)"),
    "fhir": N_("downloaded your history (FHIR)"),
    # Not reads: the share ended because the account is no longer a clinician's (``users revoke``),
    # or the clinician deleted their account.
    "role_revoked": N_("is no longer a clinician here: your share with them has ended"),
    "account_deleted": N_("deleted their account: your share with them has ended"),
}


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    clinician_email: str
    what: str

    @property
    def sentence(self) -> str:
        return f"{self.clinician_email} {_(WHAT[self.what]) if self.what in WHAT else self.what}"


_RECORD = ("INSERT INTO clinic_audit_log (patient_id, clinician_id, clinician_email, share_id, what, at) "
           "SELECT s.patient_id, s.clinician_id, :email, s.id, :what, :at FROM clinic_shares s "
           "WHERE {ids} AND s.clinician_id = :clinician AND s.status = 'active' RETURNING share_id")
# PostgreSQL takes the ids as one array parameter; SQLite gets one parameter per id.
_RECORD_SQL = {
    "postgresql": text(_RECORD.format(ids="s.id = ANY(:ids)")),
    "sqlite": text(_RECORD.format(ids="s.id IN :ids")).bindparams(bindparam("ids", expanding=True)),
}


def record_reads(conn: Connection, shares: Sequence[ActiveShare], clinician: User, what: str) -> set[int]:
    """One row per patient read, in the caller's transaction, in one INSERT ... SELECT (a dashboard
    of 500 patients is one short statement, and on PostgreSQL one check by the audit trigger).

    Returns the ids of the shares whose read was recorded: a share the patient ended after the
    caller found it active gets no row, and what it found must not be shown (it would be a read
    the patient's log never shows)."""
    if not shares:
        return set()
    recorded = conn.execute(_RECORD_SQL[conn.dialect.name], {
        "ids": [s.id for s in shares], "clinician": clinician.id, "email": clinician.email, "what": what,
        "at": dt.datetime.now(dt.UTC)}).all()
    return {int(r.share_id) for r in recorded}


def audit_log_for(engine: Engine, patient: User, limit: int = 500) -> list[AuditEntry]:
    """The patient's own log, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(AuditRow.at, AuditRow.clinician_email, AuditRow.what)
                            .where(AuditRow.patient_id == patient.id)
                            .order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)).all()
    return [AuditEntry(at=r.at if r.at.tzinfo else r.at.replace(tzinfo=dt.UTC), clinician_email=r.clinician_email,
                       what=r.what) for r in rows]


def clinic_data(engine: Engine, patient: User) -> dict[str, object]:
    """The patient's shares, cohort consent and audit log, for "download all my data"."""
    from crampcare.clinic.sharing import has_cohort_consent, shares_of_patient

    def when(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "shares": [{"clinician": s.clinician_email, "shared": s.scopes.names(), "status": s.status,
                    "by_code": s.by_code, "created_at": when(s.created_at), "accepted_at": when(s.accepted_at),
                    "revoked_at": when(s.revoked_at)} for s in shares_of_patient(engine, patient)],
        "cohort_consent": has_cohort_consent(engine, patient),
        "audit_log": [{"at": e.at.isoformat(), "clinician": e.clinician_email, "what": e.what}
                      for e in audit_log_for(engine, patient, limit=100_000)],
    }
