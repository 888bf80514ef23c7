"""Cohort figures over the patients who consented, and a de-identified export for research.

No figure is drawn from fewer than ``K_MIN`` (10) people: smaller counts are withheld, and when a
set of counts that adds up to a shown total has exactly one withheld cell, the next smallest is
withheld too, so it cannot be worked out by subtraction. Everything is computed in SQL over the
summary rows; Python only receives a handful of grouped counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, text

from crampcare.clinic.figures import TRENDS, Window, rate_case, trend_case, window_sums
from crampcare.i18n.context import N_, _
from crampcare.i18n.wording import TREND_NAMES, URGENCY_NAMES

K_MIN = 10
# Cramp nights a week over the last four weeks: (key, label, upper bound exclusive). Labels are
# gettext messages, translated where the page shows them.
BUCKETS: tuple[tuple[str, str, float], ...] = (
    ("none", N_("none"), 1e-9), ("lt1", N_("under 1"), 1.0), ("1to2", N_("1 to under 2"), 2.0),
    ("2to3", N_("2 to under 3"), 3.0), ("3to5", N_("3 to under 5"), 5.0), ("5plus", N_("5 or more"), 1e9),
)
TOO_FEW = "too_few_nights"
URGENCIES = ("emergency", "urgent", "doctor", "self_care")

_COHORT = """
cohort AS (SELECT u.owner_id AS owner FROM clinic_cohort_consents c JOIN users u ON u.id = c.user_id)"""

_BUCKET_CASE = "CASE WHEN rate IS NULL THEN '" + TOO_FEW + "' " + " ".join(
    f"WHEN rate < {bound} THEN '{key}'" for key, _label, bound in BUCKETS[:-1]) + f" ELSE '{BUCKETS[-1][0]}' END"

PER_PATIENT_SQL = f"""
WITH {_COHORT},
per_patient AS (
  SELECT c.owner, {window_sums()}
    FROM cohort c LEFT JOIN clinic_week_summaries w
      ON w.owner = c.owner AND w.week_start >= :before AND w.week_start < :end
   GROUP BY c.owner
),
classified AS (SELECT {rate_case()} AS rate, {trend_case()} AS trend FROM per_patient)
SELECT {_BUCKET_CASE} AS bucket, trend, count(*) AS n, sum(rate) AS rate_sum FROM classified GROUP BY 1, 2
"""

# Each consenting patient's latest assessment: one pass with a window function (no lookup per
# patient), over the summary rows only.
_LATEST = f"""
WITH {_COHORT},
latest AS (
  SELECT urgency, factors FROM (
    SELECT a.urgency, a.factors, row_number() OVER (PARTITION BY a.owner
                                               ORDER BY a.created_at DESC, a.assessment_id DESC) AS newest
      FROM clinic_assessment_summaries a JOIN cohort c ON c.owner = a.owner) ranked
   WHERE newest = 1
)"""

URGENCY_SQL = f"""{_LATEST}
SELECT urgency, count(*) AS n FROM latest GROUP BY urgency
"""

FACTORS_SQL = {
    "postgresql": f"""{_LATEST}
SELECT f.value AS factor, count(*) AS n
  FROM latest l CROSS JOIN LATERAL jsonb_array_elements_text(l.factors) AS f(value)
 GROUP BY f.value HAVING count(*) >= :k ORDER BY n DESC, factor LIMIT 10
""",
    "sqlite": f"""{_LATEST}
SELECT f.value AS factor, count(*) AS n
  FROM latest l, json_each(l.factors) AS f
 GROUP BY f.value HAVING count(*) >= :k ORDER BY n DESC, factor LIMIT 10
""",
}


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int | None  # None: withheld (fewer than K_MIN people, or would reveal such a count)


@dataclass(frozen=True)
class CohortFigures:
    k: int
    patients: int | None
    window: Window
    mean_nights_per_week: float | None
    nights_per_week: list[Count]
    trends: list[Count]
    assessed: int | None
    urgency: list[Count]
    factors: list[Count]

    @property
    def withheld(self) -> bool:
        return self.patients is None


def _shown(n: int, k: int) -> int | None:
    return n if n == 0 or n >= k else None


def suppress(cells: list[tuple[str, str, int]], k: int = K_MIN) -> list[Count]:
    """Counts of one partition (they add up to a total that is shown), small ones withheld."""
    shown = {key: _shown(n, k) for key, _label, n in cells}
    withheld = [key for key, value in shown.items() if value is None]
    if len(withheld) == 1:
        others = sorted((n, key) for key, _label, n in cells if shown[key] is not None and n > 0)
        if others:
            shown[others[0][1]] = None
    return [Count(key, label, shown[key]) for key, label, _n in cells]


def cohort_figures(engine: Engine, today: dt.date | None = None, k: int = K_MIN) -> CohortFigures:
    window = Window.ending(today or dt.date.today())
    params = {**window.params(), "k": k}
    with engine.connect() as conn:
        grouped = conn.execute(text(PER_PATIENT_SQL), params).all()
        urgency_rows = conn.execute(text(URGENCY_SQL), params).all()
        factor_rows = conn.execute(text(FACTORS_SQL[conn.dialect.name]), params).all()
    total = sum(int(r.n) for r in grouped)
    if total < k:
        return CohortFigures(k=k, patients=None, window=window, mean_nights_per_week=None, nights_per_week=[],
                             trends=[], assessed=None, urgency=[], factors=[])
    by_bucket: dict[str, int] = {}
    by_trend: dict[str, int] = {}
    rate_sum, rated = 0.0, 0
    for r in grouped:
        by_bucket[r.bucket] = by_bucket.get(r.bucket, 0) + int(r.n)
        by_trend[r.trend] = by_trend.get(r.trend, 0) + int(r.n)
        if r.bucket != TOO_FEW:
            rate_sum += float(r.rate_sum or 0)
            rated += int(r.n)
    buckets = suppress([*((key, label, by_bucket.get(key, 0)) for key, label, _ in BUCKETS),
                        (TOO_FEW, N_("fewer than 7 nights logged"), by_bucket.get(TOO_FEW, 0))], k)
    trends = suppress([(t, TREND_NAMES[t], by_trend.get(t, 0)) for t in TRENDS], k)
    urgencies = {r.urgency: int(r.n) for r in urgency_rows}
    assessed = sum(urgencies.values())
    urgency = suppress([(u, URGENCY_NAMES[u], urgencies.get(u, 0)) for u in URGENCIES]
                       + ([("other", N_("other"), sum(n for u, n in urgencies.items() if u not in URGENCIES))]
                          if any(u not in URGENCIES for u in urgencies) else []), k) if assessed >= k else []
    factors = [Count(str(r.factor), str(r.factor), int(r.n)) for r in factor_rows if int(r.n) >= k]
    return CohortFigures(
        k=k, patients=total, window=window,
        mean_nights_per_week=rate_sum / rated if rated >= k else None,
        nights_per_week=buckets, trends=trends, assessed=_shown(assessed, k), urgency=urgency, factors=factors,
    )


# --------------------------------------------------------------------------- de-identified export

# ``week``: 1 for the subject's first week in the export, 2 for the week after, and so on.
EXPORT_COLUMNS = ("subject", "week", "nights_logged", "cramp_nights", "cramps")

_EXPORT_OWNERS_SQL = f"WITH {_COHORT} SELECT owner FROM cohort"
_EXPORT_ROWS_SQL = f"""
WITH {_COHORT}
SELECT w.owner, w.week_start, w.nights_logged, w.cramp_nights, w.cramps
  FROM cohort c JOIN clinic_week_summaries w ON w.owner = c.owner
 ORDER BY w.owner, w.week_start
"""


class CohortTooSmallError(ValueError):
    pass


def deidentified_csv(engine: Engine, k: int = K_MIN) -> Iterator[str]:
    """CSV, one row per consenting patient and week: no e-mail, name, owner id or free text.

    Subjects are numbered in a fresh random order on every export (nothing stored links a number
    to a person), and a subject's weeks are counted from their own first week (1, 2, ...): no
    calendar date at all. Dates moved by a random number of weeks per subject gave themselves
    away: a patient still logging has this week as their last, so the last moved week minus this
    week was their shift, and with it every real date. Refused with fewer than ``k`` consenting
    patients.
    """
    with engine.connect() as conn:
        owners = [r.owner for r in conn.execute(text(_EXPORT_OWNERS_SQL))]
    if len(owners) < k:
        raise CohortTooSmallError(_("fewer than {k} patients have agreed to cohort statistics; nothing to export", k=k))
    rng = secrets.SystemRandom()
    rng.shuffle(owners)
    subjects = {owner: f"S{i + 1:05d}" for i, owner in enumerate(owners)}
    first_week: dict[str, dt.date] = {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(EXPORT_COLUMNS)
    yield flush()
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(text(_EXPORT_ROWS_SQL))
        for count, r in enumerate(result, start=1):
            subject = subjects.get(r.owner)
            if subject is None:  # consent given after the list above was read
                continue
            week = r.week_start if isinstance(r.week_start, dt.date) else dt.date.fromisoformat(r.week_start)
            first = first_week.setdefault(r.owner, week)  # the rows come by owner, oldest week first
            writer.writerow((subject, (week - first).days // 7 + 1, r.nights_logged, r.cramp_nights, r.cramps))
            if count % 5000 == 0:
                yield flush()
    yield flush()
