"""Tables for clinics (server mode): roles, sharing, the audit log, cohort consent, and the summary
rows that keep the clinician's dashboard and the cohort figures fast.

They are declared on :class:`crampcare.db.base.Base` like the diary and accounts, so one
Alembic history covers the whole database; the migration also installs the triggers that (a) keep the summary tables up to date on every diary
write and (b) make the audit log append-only. Those triggers live in the database, not in
Python, so every writer (the web app, the CLI, a bulk load) keeps them right.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crampcare.db.base import OWNER_LENGTH, Base, JsonType

ROLES = ("clinician", "admin")


class UserRoleRow(Base):
    """A user's role beyond "patient" (everyone who signs up is a patient and has no row here)."""

    __tablename__ = "clinic_user_roles"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE", name="fk_clinic_user_roles_user_id"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ShareRow(Base):
    """A patient's grant of access to one clinician, with its scopes.

    ``pending`` until the clinician accepts (an e-mail invite names the clinician; a code invite
    names nobody until the code is used), then ``active`` until the patient revokes it. Revoked
    shares are kept so the patient's access list shows the history.
    """

    __tablename__ = "clinic_shares"
    __table_args__ = (
        # One active share per patient and clinician: a new one replaces the old on acceptance.
        Index("uq_clinic_shares_active_pair", "patient_id", "clinician_id", unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
        Index("ix_clinic_shares_clinician_status", "clinician_id", "status"),
        # Never an id used before (SQLite would reuse the highest once its row is gone): a clinician's
        # link to one patient's share must never open another's (migration 0010).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE", name="fk_clinic_shares_patient_id"), nullable=False,
        index=True,
    )
    clinician_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE", name="fk_clinic_shares_clinician_id"), nullable=True
    )
    code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    code_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    share_diary: Mapped[bool] = mapped_column(Boolean, nullable=False)
    share_assessments: Mapped[bool] = mapped_column(Boolean, nullable=False)
    share_reports: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditRow(Base):
    """One clinician read of a patient's data. Append-only (database triggers refuse updates and
    deletes, and refuse inserts that no active share allows); removed only with the patient's
    account (a trigger on ``users``). The clinician is kept by id and e-mail without a foreign key, so the record outlives
    the clinician's account."""

    __tablename__ = "clinic_audit_log"
    __table_args__ = (Index("ix_clinic_audit_log_patient_at", "patient_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key (see the migration): a trigger on ``users`` deletes the rows with the account.
    patient_id: Mapped[int] = mapped_column(Integer, nullable=False)
    clinician_id: Mapped[int] = mapped_column(Integer, nullable=False)
    clinician_email: Mapped[str] = mapped_column(String(320), nullable=False)
    share_id: Mapped[int] = mapped_column(Integer, nullable=False)
    what: Mapped[str] = mapped_column(String(40), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class CohortConsentRow(Base):
    """The patient agreed that their de-identified figures count in cohort statistics (revocable)."""

    __tablename__ = "clinic_cohort_consents"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE", name="fk_clinic_cohort_consents_user_id"),
        primary_key=True,
    )
    consented_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class WeekSummaryRow(Base):
    """Per owner and week (Monday): nights logged, nights with a cramp, cramps. Maintained by
    triggers on ``nights`` and ``cramps``; the dashboard and cohort read only these rows."""

    __tablename__ = "clinic_week_summaries"
    __table_args__ = (
        PrimaryKeyConstraint("owner", "week_start", name="pk_clinic_week_summaries"),
        Index("ix_clinic_week_summaries_week_owner", "week_start", "owner"),
    )

    owner: Mapped[str] = mapped_column(String(OWNER_LENGTH), nullable=False)
    week_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    nights_logged: Mapped[int] = mapped_column(Integer, nullable=False)
    cramp_nights: Mapped[int] = mapped_column(Integer, nullable=False)
    cramps: Mapped[int] = mapped_column(Integer, nullable=False)


class AssessmentSummaryRow(Base):
    """What the dashboard needs of one saved assessment, extracted by a trigger on insert."""

    __tablename__ = "clinic_assessment_summaries"
    __table_args__ = (Index("ix_clinic_assessment_summaries_owner_created", "owner", "created_at"),)

    assessment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("assessments.id", ondelete="CASCADE", name="fk_clinic_assessment_summaries_id"),
        primary_key=True,
    )
    owner: Mapped[str] = mapped_column(String(OWNER_LENGTH), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # NULL when the stored result names no known urgency (the diary stores results as given).
    urgency: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # 0 self_care, 1 doctor, 2 urgent, 3 emergency (URGENCY_ORDER).
    urgency_rank: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    warning_signs_found: Mapped[int] = mapped_column(Integer, nullable=False)
    # The assessment's unanswered_warning_questions (nothing answered is not "no"; migration 0011).
    warning_questions_open: Mapped[int] = mapped_column(Integer, nullable=False)
    factors: Mapped[list[Any]] = mapped_column(JsonType, nullable=False)
