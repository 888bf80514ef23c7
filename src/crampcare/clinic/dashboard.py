"""A clinician's dashboard: every patient who shares with them, those needing attention first.

One SQL statement over the summary rows (at most eight weeks per patient, and the latest
assessment's summary row), so its cost grows with the clinician's patients, not with the size
of their diaries. Each patient's figures appear only as far as their share's scopes allow, and
every patient shown is written to their audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text

from crampcare.accounts.service import User
from crampcare.clinic.audit import record_reads
from crampcare.clinic.figures import WINDOW_WEEKS, Window, rate_case, trend_case, window_sums
from crampcare.clinic.sharing import ActiveShare, Scopes
from crampcare.db.writes import Owner, run_write
from crampcare.i18n.context import _, ngettext
from crampcare.i18n.wording import URGENCY_NAMES

ATTENTION_URGENCY_RANK = 2  # urgent or emergency

_WEEK_COLUMNS = ",\n".join(
    f"      coalesce(sum(CASE WHEN w.week_start = :week{i} THEN w.cramp_nights END), 0) AS c{i},"
    f"\n      coalesce(sum(CASE WHEN w.week_start = :week{i} THEN w.nights_logged END), 0) AS l{i}"
    for i in range(WINDOW_WEEKS)
)

# Per patient, only that patient's (at most eight) week rows: on PostgreSQL a LATERAL subquery
# reads them through the primary key (owner, week_start), whatever the size of the table.
_WEEKS = {
    "postgresql": f"""
weeks AS (
  SELECT m.share_id, agg.* FROM mine m CROSS JOIN LATERAL (
    SELECT {window_sums()},
{_WEEK_COLUMNS}
      FROM clinic_week_summaries w
     WHERE w.owner = m.owner AND w.week_start >= :before AND w.week_start < :end) agg
   WHERE m.share_diary
)""",
    "sqlite": f"""
weeks AS (
  SELECT m.share_id, {window_sums()},
{_WEEK_COLUMNS}
    FROM mine m JOIN clinic_week_summaries w
      ON w.owner = m.owner AND w.week_start >= :before AND w.week_start < :end
   WHERE m.share_diary
   GROUP BY m.share_id
)""",
}

_DASHBOARD_SQL = """
WITH mine AS (
  SELECT s.id AS share_id, s.patient_id, u.owner_id AS owner, u.email, s.share_diary, s.share_assessments,
         s.share_reports
    FROM clinic_shares s JOIN users u ON u.id = s.patient_id
   WHERE s.clinician_id = :clinician AND s.status = 'active'
),
{weeks},
latest AS (
  SELECT m.share_id, a.urgency, a.urgency_rank, a.warning_signs_found, a.warning_questions_open, a.created_at
    FROM mine m JOIN clinic_assessment_summaries a ON a.assessment_id = (
         SELECT a2.assessment_id FROM clinic_assessment_summaries a2 WHERE a2.owner = m.owner
          ORDER BY a2.created_at DESC, a2.assessment_id DESC LIMIT 1)
   WHERE m.share_assessments
)
SELECT m.share_id, m.patient_id, m.owner, m.email, m.share_diary, m.share_assessments, m.share_reports,
       wk.c0, wk.l0, wk.c1, wk.l1, wk.c2, wk.l2, wk.c3, wk.l3,
       {rate} AS rate,
       {trend} AS trend,
       la.urgency, la.urgency_rank, la.warning_signs_found, la.warning_questions_open, la.created_at AS assessed_at
  FROM mine m LEFT JOIN weeks wk ON wk.share_id = m.share_id LEFT JOIN latest la ON la.share_id = m.share_id
"""
DASHBOARD_SQL = {dialect: _DASHBOARD_SQL.format(weeks=weeks, rate=rate_case("wk."), trend=trend_case("wk."))
                 for dialect, weeks in _WEEKS.items()}


@dataclass(frozen=True)
class DashboardRow:
    share_id: int
    patient_email: str
    scopes: Scopes
    # (cramp nights, nights logged) for each of the last four weeks, oldest first; None without the diary.
    weeks: list[tuple[int, int]] | None
    nights_per_week: float | None
    trend: str | None
    urgency: str | None
    urgency_rank: int | None
    warning_signs_found: int
    warning_questions_open: int
    assessed_at: dt.datetime | None
    attention: list[str] = field(default_factory=list)


def _attention(row: DashboardRow) -> list[str]:
    reasons = []
    if row.urgency_rank is not None and row.urgency_rank >= ATTENTION_URGENCY_RANK:
        reasons.append(_("latest assessment: {urgency}", urgency=_(URGENCY_NAMES[row.urgency]) if row.urgency in URGENCY_NAMES else row.urgency or ""))
    if row.warning_signs_found:
        reasons.append(ngettext("{n} warning sign found", "{n} warning signs found", row.warning_signs_found))
    if row.warning_questions_open:
        reasons.append(ngettext("{n} warning-sign question not answered: not ruled out",
                                "{n} warning-sign questions not answered: not ruled out", row.warning_questions_open))
    if row.trend == "rising":
        reasons.append(_("cramps rising"))
    return reasons


def _sort_key(row: DashboardRow) -> tuple[int, int, int, int, str]:
    return (0 if row.attention else 1, -(row.urgency_rank or 0), -row.warning_signs_found,
            0 if row.trend == "rising" else 1, row.patient_email)


def dashboard(engine: Engine, clinician: User, today: dt.date | None = None) -> list[DashboardRow]:
    """The clinician's patients, needing attention first; records a "dashboard" read for each."""
    window = Window.ending(today or dt.date.today())
    params: dict[str, object] = {"clinician": clinician.id, **window.params()}
    params.update({f"week{i}": week for i, week in enumerate(window.recent_weeks())})
    def read(conn: Connection) -> list[Any]:
        found = conn.execute(text(DASHBOARD_SQL[conn.dialect.name]), params).all()
        audited = record_reads(conn, [ActiveShare(id=r.share_id, patient_id=r.patient_id, patient_owner=r.owner,
                                                  patient_email=r.email, clinician_id=clinician.id,
                                                  scopes=Scopes(bool(r.share_diary), bool(r.share_assessments),
                                                                bool(r.share_reports))) for r in found],
                               clinician, "dashboard")
        return [r for r in found if r.share_id in audited]  # a share ended meanwhile: not shown

    rows = run_write(engine, Owner(clinician.owner_id, clinician.id), read)
    result = []
    for r in rows:
        scopes = Scopes(bool(r.share_diary), bool(r.share_assessments), bool(r.share_reports))
        weeks = None
        if scopes.diary:
            weeks = [(int(r.c0 or 0), int(r.l0 or 0)), (int(r.c1 or 0), int(r.l1 or 0)),
                     (int(r.c2 or 0), int(r.l2 or 0)), (int(r.c3 or 0), int(r.l3 or 0))]
        assessed = r.assessed_at
        if isinstance(assessed, dt.datetime) and assessed.tzinfo is None:
            assessed = assessed.replace(tzinfo=dt.UTC)
        elif isinstance(assessed, str):  # SQLite hands raw text back through text() queries
            assessed = dt.datetime.fromisoformat(assessed).replace(tzinfo=dt.UTC)
        row = DashboardRow(
            share_id=r.share_id, patient_email=r.email, scopes=scopes, weeks=weeks,
            nights_per_week=float(r.rate) if scopes.diary and r.rate is not None else None,
            trend=(r.trend if r.trend is not None else "not_enough_data") if scopes.diary else None,
            urgency=r.urgency if scopes.assessments else None,
            urgency_rank=r.urgency_rank if scopes.assessments else None,
            warning_signs_found=int(r.warning_signs_found or 0) if scopes.assessments else 0,
            warning_questions_open=int(r.warning_questions_open or 0) if scopes.assessments else 0,
            assessed_at=assessed if scopes.assessments else None,
        )
        result.append(DashboardRow(**{**row.__dict__, "attention": _attention(row)}))
    result.sort(key=_sort_key)
    return result
