"""Insights over a person's diary: how often, how bad, when, what helped, and possible triggers.

:func:`compute_insights` is a pure function of the records. Its result, :class:`Insights`, is a
pydantic model that serialises to JSON (``model_dump(mode="json")``) and can say itself in plain
sentences (:meth:`Insights.summary`).

Triggers: for every day factor (see :mod:`crampcare.insights.factors`) and two timings -- the night
that begins on the evening of that day ("the same night", lag 0, the primary analysis) and the
night one day later ("the next night", lag 1, secondary) -- the cramp rate on nights after days
with and without the factor is compared: a risk ratio with a 95 % CI (log method, Haldane
correction when a cell is 0) and a p-value that stays honest on real diaries. Days that were not
logged are missing, never "without"; nights that were not logged are missing, never quiet; a tag,
medicine or diet tick is missing before the first day it was ever recorded (see
:mod:`crampcare.insights.factors`), so the days before someone started tagging "wine" are not
"days without wine".

Why not Fisher's exact test alone: it assumes every night is an independent draw. Real cramps come
in bad weeks and seasons, and so do stress, cold, travel and training; two unrelated things that
both come in spells line up by chance far more often than Fisher allows (in simulation, a
do-nothing factor was named in 9-13 % of diaries instead of 5 %). The test used here:

1. **Shuffle the nights within four-week blocks** (:data:`BLOCK_DAYS`): the count of cramp nights
   after days with the factor is compared with its exact distribution when the logged nights of
   each block are shuffled among themselves (a sum of hypergeometric counts, one per block: the
   stratified exact test of Zelen 1971 and Mehta, Patel & Gray 1985). Slow changes -- seasons, a
   bad month, a change of routine -- move within a block at most, so a factor that merely rises
   and falls with the season is not credited with the cramps. With one block this is Fisher's
   one-sided test exactly.
2. **Allow for spells.** When both series are autocorrelated the count spreads wider around its null
   mean than shuffling shows, by the factor (1 + r_x r_y) / (1 - r_x r_y) for lag-1
   autocorrelations r_x and r_y (Bartlett 1935; the "effective sample size" correction of
   Clifford, Richardson & Hemon 1989 and Dutilleul 1993, used for autocorrelated series by Pyper &
   Peterman 1998). Both autocorrelations are estimated within blocks from the diary itself, with
   the usual small-sample bias correction, and the observed distance from the null mean is shrunk
   by the square root of that factor before its exact p-value is read. With independent nights
   the factor is 1 and nothing changes. Circular-shift permutations were tried first and rejected:
   a 12-week diary with two-week spells has only a handful of distinct shifts, and the test came
   out too liberal.
3. **Family-wise error that knows the tests are related.** The hypotheses are tested in two
   families with serial gatekeeping: primary -- the same night, "more cramps" for the factors the
   article names as possible triggers, both directions for free tags and medicines (no expected
   direction); secondary -- the next night, and "fewer cramps" after the article's factors, tested
   only once every primary hypothesis is rejected. Within each family the Westfall-Young step-down
   min-p procedure (Westfall & Young 1993) over one shared set of shuffles of the nights accounts
   for the tests' dependence (the same cramp nights, related factors) and for their discreteness: a
   factor seen on five days can only reach a few p-values and costs little. Its budget is weighted
   by how well each test could see a factor that doubles the cramp rate (Roeder & Wasserman 2009;
   weighted min-p as in Westfall, Kropf & Finos 2004), from the numbers of nights with and without
   the factor, which the shuffles keep fixed. The shuffles use a fixed seed, so the same diary
   always gives the same answer.

What limits finding a real trigger: a short diary checks about nine factors on the same night
(17.7 factor and timing tests in all after 8 weeks, 20.6 after 12; the next-night tests are gated
behind them), and every one of them spends part of the 5 %. How close this analysis comes to the
best possible, bench/bench_triggers_bound.py measures with the Neyman-Pearson lemma on the
simulation's exact likelihood (the bench's planted diaries: RR 2.5, 30 % of days, base rate 0.3,
independent; 8 weeks; fresh seeds 600000+ and 640000+, 4,000 planted diaries, 20,000 with RR 1):

- *Any* analysis that names a factor in at most 5 % of the RR-1 diaries finds the planted one in
  at most 94.0 % (93.2-94.7); one whose 5 % holds whatever the factor days and the number of cramp
  nights -- every shuffle test, this one included -- in at most 83.1 % (81.9-84.3).
  So the issue's 75 % after 8 weeks is not provably out of reach on that bench.
- But both bounds use what the simulation gives away and a real diary does not: the first knows the
  base rate exactly, the second the planted factor's share of days (exactly 30 %, while each
  do-nothing factor keeps its own typical share: from the days alone, before any night is looked
  at, the planted factor already gets a posterior probability of 0.64 on average).
- When every factor typically comes on 30 % of days (``--shares-alike``, 2,000 diaries), so that a
  factor's share says little about whether it is the planted one, no shuffle test can find it in
  more than 67.6 % (65.5-69.6) after 8 weeks: there the 75 % is provably out of reach at a 5 % false
  rate. This analysis finds 59.0 % (56.8-61.1) there (87.2 % possible after 12 weeks, 82.8 % found).

The tests are nearly independent on independent diaries (different factors, one outcome), so
allowing for their correlation gains little; allowing for their discreteness gains much: the
planted factor was named whenever its own p-value was below about 0.011-0.015 after 8 weeks,
against 0.05 / 9 = 0.0056 for Bonferroni (second pass, 400 diaries, seeds 5000-5399, which the
bench's report does not use). Tried there and not kept:

- *A less discrete statistic inside the shuffles* (the mid-p of the same exact test, or the
  standardised count with a normal tail). Alone, either lifts the oracle (84.5 % -> 90-91 % after
  8 weeks), but inside the min-p procedure the threshold tightens by as much, because the shuffled
  minimum becomes less discrete too: 65.5 % and 65.0 % found, against 66.0 % with exact p-values
  (200 diaries, the same seeds). Hence exact p-values (Westfall & Young 1993, section 2.7: min-p
  rather than max-T when the tests' null distributions differ).
- *The likelihood ratio inside the shuffles* (third pass): max-T over each test's log likelihood
  ratio for an odds ratio psi (the exact stratified test's own, psi^S / E[psi^S]), unweighted,
  the statistic the bound's test sums: psi 1.9 found 71.0 % / 86.8 % (8 / 12 weeks), psi 3
  69.5 % / 70.0 %, against 70.2 % / 85.5 % kept (400 diaries, seeds 5000-5399): no gain beyond chance.
- *A hierarchical gate within a factor* (a combined test first, then its timing): the same-night
  test is already the factor's first and only primary test, so the gate has nothing to save.
- *Dropping tests that cannot reach significance* (Tarone 1990): min-p over the shuffles does this
  already (a test whose smallest possible p is large never sets the minimum).
- *More shuffles*: 1,000 after 8 and 12 weeks; the adjusted p-values are not limited by resolution.

Kept: the weights, designed for a modest effect (see :data:`REFERENCE_RISK_RATIO`), +2 points.

The false rate: without spells the shuffles are an exact test. The adjusted p counts the observed
diary among its B shuffles, (1 + shuffles at least as extreme) / (B + 1), so it is below 0.05 in at
most 5 % of diaries with nothing behind them (50 / 1,001 with the 1,000 shuffles a diary of up to
200 nights gets); the 5 % is used in full, and a
measurement lands above or below it by chance (on 2,000 diaries per line: 4.6-5.5 % on the report
seeds, every interval including 5 %; 3.8-4.8 % on fresh seeds 300000+). Deciding at 0.045 instead
would cost 12-week power 87.0 % -> 85.8 % there, below the 86 % target, for no real gain in
safety. With spells the widening for them leaves room (1.1-3.7 % at persistence 0.7-0.93).

A factor "seems linked" when its adjusted p < 0.05 and RR > 1, "seems linked to fewer cramps" when
adjusted p < 0.05 and RR < 1, otherwise "no clear link". bench/bench_triggers.py measures the chance
of finding a planted trigger (with the oracle: one test of that factor alone) and of naming a
factor that does nothing, with spells of several lengths and with seasons.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from crampcare.assess.facts import FluidStanding
from crampcare.diary.records import LEGS, MUSCLES, RELIEFS, DayRecord, NightRecord
from crampcare.i18n import formatting
from crampcare.i18n.context import N_, _, current_localizer, ngettext
from crampcare.i18n.wording import diary_word, in_sentence, relief_word
from crampcare.insights import stats
from crampcare.insights.factors import (
    FACTOR_IDS,
    LOW_FLUIDS_ML,
    MEDICINE_PREFIX,
    MISSING,
    PRESENT,
    FactorTable,
    day_factors,
    factor_label,
    first_recorded,
)

__all__ = [
    "CAVEAT",
    "MIN_TIMED_FOR_RANK",
    "CountItem",
    "FactorResult",
    "HourBucket",
    "Insights",
    "NumberSummary",
    "Proportion",
    "RecentWindow",
    "ReliefStat",
    "TimeOfNight",
    "Trend",
    "TriggerTest",
    "Triggers",
    "WeekPoint",
    "compute_insights",
    "risk_ratio_text",
    "summary_sentences",
]

# Thresholds (documented in the Triggers model too).
MIN_PAIRED_NIGHTS = 28
MIN_NIGHTS_EACH = 5
LEVEL = 0.05  # chance of naming any factor that does nothing (family-wise error)
MIN_TREND_NIGHTS = 28
MIN_TREND_WEEKS = 4
# Permutation test settings (see the module docstring). Blocks of four weeks: slow changes (seasons,
# a bad month) move both series together within a block at most, so the shuffles stay inside blocks.
BLOCK_DAYS = 28
# Shuffles per analysis: as many as fit in PERMUTATION_BUDGET night-values, within these bounds.
# The seed is fixed so that the same diary always gives the same result.
PERMUTATION_BUDGET = 200_000
MIN_PERMUTATIONS = 200
MAX_PERMUTATIONS = 1000
PERMUTATION_SEED = 20151
# The error budget is shared by how well each test could see a factor that raises the cramp rate
# by half. Weights designed for a modest effect lean harder towards the tests that have the nights
# to see one (Roeder & Wasserman 2009, section 4: the optimal weights for a small assumed effect
# are the steeper ones, and a large real effect is found with either); on diaries not used for the
# bench's report, 1.5 found the planted trigger in 69.5 % / 84.8 % (8 / 12 weeks) against
# 67.5 % / 83.0 % with 2.0, with the same false rate (the weights depend only on the numbers of
# nights with and without each factor, which the shuffles keep fixed, so the error control holds
# whatever reference is chosen).
REFERENCE_RISK_RATIO = 1.5
LAGS: tuple[int, ...] = (0, 1)
TIMING = {0: N_("the same night"), 1: N_("the next night")}
RECENT_DAYS = 28
# Fewer timed uses than this and a median says little: such relief methods are not ranked by speed.
MIN_TIMED_FOR_RANK = 3
NIGHT_START_HOUR = 18  # hour buckets run 18:00 -> 17:00 so a night is not cut at midnight

CAVEAT = N_(
    "These links are associations in your own diary, not proof: something else that happens on the "
    "same days may be behind a link, and with many factors checked a few chance links are expected, "
    "which the analysis allows for. Talk to your doctor before changing any medicine."
)

TRIGGER_METHOD = N_(
    "Risk ratio of a cramp night after days with vs without each factor (log-method 95 % CI, 0.5 added "
    "to every cell when one is zero). Each factor and timing is tested by shuffling the nights within "
    "four-week blocks (an exact stratified test), with the spread widened when cramps and the factor "
    "both come in spells. The same night in the expected direction (more cramps for the factors the "
    "article names, either way for tags and medicines) is the primary family; the next night and fewer "
    "cramps after the article's factors are checked only once every primary test is significant. The "
    "Westfall-Young step-down procedure over the same shuffles keeps the chance of naming any factor "
    "that does nothing at or below 5 %."
)

Verdict = Literal["seems_linked", "seems_protective", "no_clear_link", "not_enough_data"]
TrendStatus = Literal["getting_better", "getting_worse", "no_clear_change", "not_enough_data"]


# --------------------------------------------------------------------------------------------
# Result model
# --------------------------------------------------------------------------------------------


class Proportion(BaseModel):
    """A share with its 95 % Wilson interval."""

    count: int
    total: int
    estimate: float
    low: float
    high: float


class NumberSummary(BaseModel):
    n: int
    mean: float
    median: float
    min: float
    max: float


class WeekPoint(BaseModel):
    """One calendar week (Monday start). ``per_week`` is cramp nights per 7 logged nights."""

    week_start: dt.date
    nights_logged: int
    cramp_nights: int
    cramps: int
    per_week: float | None
    fitted_per_week: float | None = None
    fitted_low: float | None = None
    fitted_high: float | None = None


class Trend(BaseModel):
    """Logistic regression of the nightly cramp indicator on time (Wald 95 % CI)."""

    status: TrendStatus
    message: str
    weeks: float = 0.0
    odds_ratio_per_4_weeks: float | None = None
    or_low: float | None = None
    or_high: float | None = None
    p_value: float | None = None
    start_per_week: float | None = None
    end_per_week: float | None = None


class HourBucket(BaseModel):
    hour: int = Field(ge=0, le=23)
    label: str
    count: int


class TimeOfNight(BaseModel):
    total: int
    buckets: list[HourBucket]  # 24 buckets from 18:00 round to 17:00
    peak_hour: int | None = None
    typical_from: str | None = None  # middle half of start times (clock)
    typical_to: str | None = None
    share_1_to_5am: float | None = None


class CountItem(BaseModel):
    name: str
    count: int
    share: float


class ReliefStat(BaseModel):
    """A relief method; minutes are over cramps where it helped and the time was logged."""

    method: str
    times_helped: int
    timed: int
    median_minutes: float | None = None
    min_minutes: float | None = None
    max_minutes: float | None = None


class TriggerTest(BaseModel):
    factor: str
    label: str
    lag: int
    timing: str
    nights_with: int
    cramp_nights_with: int
    nights_without: int
    cramp_nights_without: int
    rate_with: float | None = None
    rate_without: float | None = None
    risk_ratio: float | None = None
    rr_low: float | None = None
    rr_high: float | None = None
    haldane_corrected: bool = False
    weeks: float = 0.0  # weeks of diary this test used: 7-day spans from its first night that hold a night it used
    p_value: float | None = None  # one-sided stratified exact test (spells allowed for), in the direction seen
    adjusted_p: float | None = None  # family-wise adjusted (Westfall-Young, gatekept); a finding when < level
    verdict: Verdict


class FactorResult(BaseModel):
    factor: str
    label: str
    verdict: Verdict
    message: str
    tests: list[TriggerTest]
    # The timing (a test's lag) whose figures the message gives: a table beside it shows that test's.
    lag: int = 0
    # "no clear link" although the raw 95 % CI leaves out 1: the message says why in one sentence.
    raw_interval_excludes_1: bool = False
    # Said right after the message, from the knowledge base with its evidence and sources: for low
    # fluids, that the care team sets how much to drink (or to ask them first), see :func:`_fluid_note`;
    # ``note_claim`` is that claim's ``topic.claim`` id (the report cites its sources as footnotes).
    note: str | None = None
    note_claim: str | None = None


class Triggers(BaseModel):
    status: Literal["ok", "not_enough_data"]
    message: str
    paired_nights: int
    min_paired_nights: int = MIN_PAIRED_NIGHTS
    min_nights_each: int = MIN_NIGHTS_EACH
    level: float = LEVEL  # the chance of naming any factor that does nothing (family-wise error)
    tests_run: int = 0
    method: str = TRIGGER_METHOD
    factors: list[FactorResult] = Field(default_factory=list)
    linked: list[str] = Field(default_factory=list)
    protective: list[str] = Field(default_factory=list)
    caveat: str = CAVEAT


class RecentWindow(BaseModel):
    days: int
    start: dt.date
    end: dt.date
    nights_logged: int
    cramp_nights: int


class Insights(BaseModel):
    today: dt.date
    period_start: dt.date | None
    period_end: dt.date | None
    # The period asked for (``start``/``end`` of :func:`compute_insights`; None: not limited).
    asked_start: dt.date | None = None
    asked_end: dt.date | None = None
    nights_logged: int
    days_logged: int
    paired_nights: int
    cramp_nights: int
    quiet_nights: int
    total_cramps: int
    cramp_night_share: Proportion | None
    cramp_nights_per_week: float | None
    cramp_nights_per_week_low: float | None
    cramp_nights_per_week_high: float | None
    last_cramp_night: dt.date | None
    days_since_last_cramp: int | None
    recent: RecentWindow
    cramps_per_cramp_night: NumberSummary | None
    duration_seconds: NumberSummary | None
    severity: NumberSummary | None
    weekly: list[WeekPoint]
    trend: Trend
    time_of_night: TimeOfNight
    legs: list[CountItem]
    muscles: list[CountItem]
    relief: list[ReliefStat]
    triggers: Triggers
    caveat: str = CAVEAT
    # What the latest assessment (when the reader may see it) says of a doctor setting how much this
    # person drinks: the low-fluids factor is worded by it (assess.facts.fluid_standing).
    fluid_standing: FluidStanding = "not_ruled_out"

    def summary(self) -> list[str]:
        """Plain sentences for people (see :func:`summary_sentences`)."""
        return summary_sentences(self)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _num(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def _summary(values: Sequence[float]) -> NumberSummary | None:
    if not values:
        return None
    arr = np.asarray(values, dtype=float)
    return NumberSummary(
        n=int(arr.size),
        mean=float(arr.mean()),
        median=float(np.median(arr)),
        min=float(arr.min()),
        max=float(arr.max()),
    )


def _merge_nights(nights: Iterable[NightRecord]) -> dict[dt.date, list]:
    """Date -> cramps, merging several records of one night."""
    merged: dict[dt.date, list] = {}
    for n in nights:
        merged.setdefault(n.date, []).extend(n.cramps)
    return merged


# Numbers in sentences go through Babel in the current language (1.5 / 1,5; 23% / 23 %).
def _pct(x: float) -> str:
    return current_localizer().percent(x)


def _fixed(x: float, digits: int) -> str:
    return current_localizer().number(x, digits=digits)


def _fmt_rr(x: float | None) -> str:
    if x is None:
        return "?"
    return _fixed(x, 2) if x < 10 else _fixed(x, 0)


def risk_ratio_text(test: TriggerTest) -> str:
    """A test's risk ratio and 95 % CI as its factor's sentence writes them ("1.19 (95% CI 1.04–1.37)",
    "1,19 (95 % ДИ 1,04–1,37)"), for a table beside that sentence; "—" for a test not run."""
    if test.risk_ratio is None:
        return "—"
    text = _fmt_rr(test.risk_ratio)
    if test.rr_low is not None and test.rr_high is not None:
        text += f" ({_ci(_fmt_rr(test.rr_low), _fmt_rr(test.rr_high))})"
    return text


def _fmt_ratio(x: float) -> str:
    return _fixed(x, 3) if abs(x - 1) < 0.01 else _fixed(x, 2)


def _range(low: str, high: str) -> str:
    return _("{low}–{high}", low=low, high=high)


def _ci(low: str, high: str) -> str:
    return _("95% CI {low}–{high}", low=low, high=high)


def _hour_label(h: int) -> str:
    return f"{h:02d}:00"


# --------------------------------------------------------------------------------------------
# Parts
# --------------------------------------------------------------------------------------------


def _weekly_and_trend(dates: np.ndarray, cramp: np.ndarray, counts: np.ndarray) -> tuple[list[WeekPoint], Trend]:
    """Weekly series and the logistic trend; ``dates`` are ordinals of logged nights (sorted)."""
    if dates.size == 0:
        return [], Trend(status="not_enough_data", message=_("No nights logged yet."))
    first_monday = int(dates[0]) - dt.date.fromordinal(int(dates[0])).weekday()
    week = (dates - first_monday) // 7
    n_weeks = int(week[-1]) + 1
    logged = np.bincount(week, minlength=n_weeks)
    cn = np.bincount(week, weights=cramp, minlength=n_weeks).astype(int)
    cc = np.bincount(week, weights=counts, minlength=n_weeks).astype(int)

    t_weeks = (dates - dates[0]) / 7.0
    span = float(t_weeks[-1])
    fit = None
    status: TrendStatus = "not_enough_data"
    if dates.size >= MIN_TREND_NIGHTS and span >= MIN_TREND_WEEKS - 1:
        fit = stats.logistic_trend(t_weeks, cramp)
    week_mid = (first_monday + 7 * np.arange(n_weeks) + 3 - dates[0]) / 7.0
    band: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    if fit is not None:
        f, lo, hi = fit.predict(np.clip(week_mid, 0.0, span))
        band = (7 * f, 7 * lo, 7 * hi)

    points = []
    for w in np.nonzero(logged)[0]:
        points.append(
            WeekPoint(
                week_start=dt.date.fromordinal(first_monday + 7 * int(w)),
                nights_logged=int(logged[w]),
                cramp_nights=int(cn[w]),
                cramps=int(cc[w]),
                per_week=float(7 * cn[w] / logged[w]),
                fitted_per_week=None if band is None else float(band[0][w]),
                fitted_low=None if band is None else float(band[1][w]),
                fitted_high=None if band is None else float(band[2][w]),
            )
        )

    if dates.size < MIN_TREND_NIGHTS or span < MIN_TREND_WEEKS - 1:
        need = max(0, MIN_TREND_NIGHTS - int(dates.size))
        if need:
            msg = ngettext(
                "Not enough data yet for a trend: it needs at least {nights} nights over {weeks} weeks (log {n} more night).",
                "Not enough data yet for a trend: it needs at least {nights} nights over {weeks} weeks (log {n} more nights).",
                need, nights=MIN_TREND_NIGHTS, weeks=MIN_TREND_WEEKS)
        else:
            msg = _("Not enough data yet for a trend: it needs at least {nights} nights over {weeks} weeks.",
                    nights=MIN_TREND_NIGHTS, weeks=MIN_TREND_WEEKS)
        return points, Trend(status="not_enough_data", message=msg, weeks=span)
    if fit is None:
        msg = (
            _("No clear change over time (every logged night was the same, so there is no trend to measure).")
            if cramp.min() == cramp.max()
            else _("No clear change over time (the data do not support fitting a trend).")
        )
        return points, Trend(status="no_clear_change", message=msg, weeks=span)

    lo_s, hi_s = fit.slope_ci()
    z = fit.slope / fit.slope_se if fit.slope_se > 0 else 0.0
    p = math.erfc(abs(z) / math.sqrt(2))
    start_pw, end_pw = (float(7 * v) for v in fit.predict(np.array([0.0, span]))[0])
    if lo_s > 0:
        status = "getting_worse"
        head = N_("Cramp nights seem to be getting more frequent over {weeks} weeks")
    elif hi_s < 0:
        status = "getting_better"
        head = N_("Cramp nights seem to be getting less frequent over {weeks} weeks")
    else:
        status = "no_clear_change"
        head = N_("No clear change in how often cramps come over {weeks} weeks")
    msg = _(head, weeks=_fixed(span, 0)) + _(
        ": about {start} a week at the start and {end} now (odds ×{ratio} per 4 weeks, {ci}).",
        start=_fixed(start_pw, 1), end=_fixed(end_pw, 1), ratio=_fmt_ratio(math.exp(4 * fit.slope)),
        ci=_ci(_fmt_ratio(math.exp(4 * lo_s)), _fmt_ratio(math.exp(4 * hi_s))),
    )
    return points, Trend(
        status=status,
        message=msg,
        weeks=span,
        odds_ratio_per_4_weeks=math.exp(4 * fit.slope),
        or_low=math.exp(4 * lo_s),
        or_high=math.exp(4 * hi_s),
        p_value=p,
        start_per_week=start_pw,
        end_per_week=end_pw,
    )


def _time_of_night(start_minutes: list[int]) -> TimeOfNight:
    order = [(NIGHT_START_HOUR + i) % 24 for i in range(24)]
    if not start_minutes:
        return TimeOfNight(total=0, buckets=[HourBucket(hour=h, label=_hour_label(h), count=0) for h in order])
    mins = np.asarray(start_minutes)
    hours = mins // 60
    counts = np.bincount(hours, minlength=24)
    buckets = [HourBucket(hour=h, label=_hour_label(h), count=int(counts[h])) for h in order]
    # Night-relative minutes (after 18:00) so quartiles do not break at midnight.
    rel = (mins - NIGHT_START_HOUR * 60) % 1440
    q1, q3 = np.percentile(rel, [25, 75])

    def clock(m: float) -> str:
        total = (int(round(m)) + NIGHT_START_HOUR * 60) % 1440
        return f"{total // 60:02d}:{total % 60:02d}"

    peak = max(order, key=lambda h: (counts[h], -order.index(h)))
    return TimeOfNight(
        total=int(mins.size),
        buckets=buckets,
        peak_hour=int(peak),
        typical_from=clock(q1),
        typical_to=clock(q3),
        share_1_to_5am=float(((hours >= 1) & (hours < 5)).mean()),
    )


def _counts(counter: Counter, names: Sequence[str], total: int) -> list[CountItem]:
    items = [CountItem(name=n, count=counter[n], share=counter[n] / total if total else 0.0) for n in names]
    return sorted((i for i in items if i.count), key=lambda i: -i.count)


def _relief(helped_minutes: dict[str, list[float]], helped_counts: Counter) -> list[ReliefStat]:
    out = []
    for method in RELIEFS:
        if not helped_counts[method]:
            continue
        mins = helped_minutes.get(method, [])
        out.append(
            ReliefStat(
                method=method,
                times_helped=helped_counts[method],
                timed=len(mins),
                median_minutes=float(np.median(mins)) if mins else None,
                min_minutes=float(min(mins)) if mins else None,
                max_minutes=float(max(mins)) if mins else None,
            )
        )
    return sorted(out, key=lambda r: (r.median_minutes is None, r.median_minutes or 0.0, -r.times_helped, r.method))


def _need_message(factor: str, label: str, with_n: int, without_n: int) -> str:
    more_with = max(0, MIN_NIGHTS_EACH - with_n)
    more_without = max(0, MIN_NIGHTS_EACH - without_n)
    if factor.startswith(MEDICINE_PREFIX):
        # Never "log 4 more days with it" (or without it) about a medicine: that reads as "take it" or
        # "stop it" to find out, and a prescription medicine is the doctor's to start or stop.
        return _("{label}: not enough data yet to compare days with it and without it ({with_n} with it, "
                 "{without_n} without; at least {least} of each are needed). Never start, stop or change a medicine "
                 "to find out: talk to your doctor.", label=label, with_n=with_n, without_n=without_n,
                 least=MIN_NIGHTS_EACH)
    if more_with and more_without:
        ask = ngettext("log {n} more day with it and {without_it} more without it",
                       "log {n} more days with it and {without_it} more without it", more_with, without_it=more_without)
    elif more_with:
        ask = ngettext("log {n} more day with it", "log {n} more days with it", more_with)
    else:
        ask = ngettext("log {n} more day without it", "log {n} more days without it", more_without)
    return _("{label}: not enough data yet, {ask} (each with that night's diary).", label=label, ask=ask)


def _triggers(night_dates: np.ndarray, cramp: np.ndarray, table: FactorTable, fluids: FluidStanding) -> Triggers:
    """Trigger tests. ``night_dates`` are ordinals of logged nights, ``cramp`` their 0/1 outcome;
    ``fluids`` words the low-fluids factor (the tests are the same whatever it is)."""
    if table.start is None or night_dates.size == 0:
        paired = 0
    else:
        t0 = table.start.toordinal()
        idx = night_dates - t0
        inside = (idx >= 0) & (idx < table.n_dates)
        paired = int(table.logged[idx[inside]].sum())
    if paired < MIN_PAIRED_NIGHTS:
        need = MIN_PAIRED_NIGHTS - paired
        # Nights logged already, only their days missing: "log 28 more days and nights" asked for nights
        # that were there.
        ask = (ngettext("log the day of {n} more of the nights you logged (at least {least} in all).",
                        "log the days of {n} more of the nights you logged (at least {least} in all).",
                        need, least=MIN_PAIRED_NIGHTS)
               if night_dates.size - paired >= need else
               ngettext("log {n} more day and night (at least {least} in all).",
                        "log {n} more days and nights (at least {least} in all).", need, least=MIN_PAIRED_NIGHTS))
        return Triggers(
            status="not_enough_data",
            paired_nights=paired,
            message=ngettext(
                "Not enough data yet to look for triggers: {n} logged night with its day logged too; ",
                "Not enough data yet to look for triggers: {n} logged nights with their days logged too; ",
                paired,
            ) + ask,
        )

    # Dense outcome over the table's dates extended to the last night.
    assert table.start is not None
    t0 = table.start.toordinal()
    first = min(t0, int(night_dates[0]))
    last = max(t0 + table.n_dates - 1, int(night_dates[-1]))
    n = last - first + 1
    y = np.full(n, MISSING, dtype=np.int8)
    y[night_dates - first] = cramp
    tab = table.window(dt.date.fromordinal(first), n)
    F = tab.values  # (n, K)
    K = F.shape[1]
    y_ok = y >= 0
    y_one = y == 1
    # Blocks of BLOCK_DAYS counted back from the last date, so the most recent block is whole.
    block = (n - 1 - np.arange(n)) // BLOCK_DAYS
    block = block.max() - block

    # One test per factor and timing; columns of the (n, tests) masks below.
    factor_of = np.repeat(np.arange(K), len(LAGS))
    lag_of = np.tile(np.array(LAGS), K)
    shifted = np.full((n, factor_of.size), MISSING, dtype=np.int8)
    for j, lag in enumerate(LAGS):
        if lag < n:
            shifted[lag:, j :: len(LAGS)] = F[: n - lag]
    # Whole blocks in which no test sees a night or a day (months without a diary; one night mistyped
    # as 1900 before a year of diary) are left out: the shuffles, the spells and the weeks counted all
    # work block by block, so every figure is the same without them, but the shuffled copies of the
    # nights had a column for each of their days (126 years: 14 times the CPU and 100 MB more).
    seen = y_ok | (shifted >= 0).any(axis=1)
    kept = (np.bincount(block, weights=seen, minlength=int(block.max()) + 1) > 0)[block]
    if not kept.all():
        y, y_ok, y_one, shifted = y[kept], y_ok[kept], y_one[kept], shifted[kept]
        block = np.unique(block[kept], return_inverse=True)[1]
    valid = (shifted >= 0) & y_ok[:, None]
    with_ = valid & (shifted == PRESENT)
    without = valid & (shifted == 0)
    n1, n0 = with_.sum(0), without.sum(0)
    a = (with_ & y_one[:, None]).sum(0)
    c = (without & y_one[:, None]).sum(0)
    enough = (n1 >= MIN_NIGHTS_EACH) & (n0 >= MIN_NIGHTS_EACH)
    rr, rr_lo, rr_hi, corrected = stats.risk_ratio(a, n1, c, n0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_with = a / n1
        rate_without = c / n0
    more = rate_with >= rate_without

    p_raw = np.full(factor_of.size, np.nan)
    p_adj = np.full(factor_of.size, np.nan)
    if enough.any():
        p_raw[enough], p_adj[enough] = _permutation_tests(
            y, block, with_[:, enough], shifted[:, enough], more[enough],
            np.array([tab.ids[int(k)] in FACTOR_IDS for k in factor_of[enough]], dtype=bool), lag_of[enough],
        )
    weeks = np.array([_span_weeks(valid[:, i]) for i in range(factor_of.size)])

    tests_by_factor: dict[int, list[TriggerTest]] = {}
    labels = {fid: _fluid_label() if fid == "low_fluids" and fluids in NOT_LOW_UNDER_THRESHOLD else factor_label(fid)
              for fid in tab.ids}
    for i in range(factor_of.size):
        k = int(factor_of[i])
        fid = tab.ids[k]
        verdict: Verdict
        if not enough[i]:
            verdict = "not_enough_data"
        elif more[i] and p_adj[i] < LEVEL and rr[i] > 1:
            verdict = "seems_linked"
        elif not more[i] and p_adj[i] < LEVEL and rr[i] < 1:
            verdict = "seems_protective"
        else:
            verdict = "no_clear_link"
        tests_by_factor.setdefault(k, []).append(
            TriggerTest(
                factor=fid,
                label=labels[fid],
                lag=int(lag_of[i]),
                timing=TIMING[int(lag_of[i])],
                nights_with=int(n1[i]),
                cramp_nights_with=int(a[i]),
                nights_without=int(n0[i]),
                cramp_nights_without=int(c[i]),
                weeks=float(weeks[i]),
                rate_with=_num(rate_with[i]) if n1[i] else None,
                rate_without=_num(rate_without[i]) if n0[i] else None,
                risk_ratio=_num(rr[i]) if enough[i] else None,
                rr_low=_num(rr_lo[i]) if enough[i] else None,
                rr_high=_num(rr_hi[i]) if enough[i] else None,
                haldane_corrected=bool(corrected[i]) and bool(enough[i]),
                p_value=_num(p_raw[i]) if enough[i] else None,
                adjusted_p=_num(p_adj[i]) if enough[i] else None,
                verdict=verdict,
            )
        )

    tests_run = int(enough.sum())
    results = [_factor_result(tests, tests_run, fluids) for _, tests in sorted(tests_by_factor.items())]
    rank = {"seems_linked": 0, "seems_protective": 1, "no_clear_link": 2, "not_enough_data": 3}
    results.sort(key=lambda r: (rank[r.verdict], _best_adjusted_p(r), r.label))
    linked = [r.factor for r in results if r.verdict == "seems_linked"]
    protective = [r.factor for r in results if r.verdict == "seems_protective"]
    # Nights some test compares: when all had a cramp (or none did), no factor can differ, whatever is logged.
    compared = y_one[valid.any(axis=1)]
    if not K:
        message = _("No day factors logged yet: log fluids, activity, stress and the rest on your day entries.")
    elif compared.size and compared.all():
        message = _("Every night logged with its day had a cramp, so no factor can stand out yet: a link shows "
                    "only as more or fewer cramp nights after days with it than without it.")
    elif compared.size and not compared.any():
        message = _("No night logged with its day had a cramp, so no factor can stand out yet: a link shows "
                    "only as more or fewer cramp nights after days with it than without it.")
    elif tests_run == 0:
        message = _("Not enough data yet for any factor: each needs at least {least} logged days with it and {least} without.",
                    least=MIN_NIGHTS_EACH)
    elif linked or protective:
        found = len(linked) + len(protective)
        message = _checked(tests_run) + ngettext(
            "{n} factor stands out after allowing for checking many at once.",
            "{n} factors stand out after allowing for checking many at once.", found)
    else:
        message = _checked(tests_run) + _(
            "no factor stands out yet after allowing for checking many at once.")
    return Triggers(
        status="ok",
        message=message,
        paired_nights=paired,
        tests_run=tests_run,
        factors=results,
        linked=linked,
        protective=protective,
    )


def _checked(tests: int) -> str:
    return ngettext("Checked {n} factor and timing combination; ", "Checked {n} factor and timing combinations; ", tests)


def _span_weeks(used: np.ndarray) -> float:
    """The weeks of diary a test rests on: the 7-day spans, counted from the first night it used,
    that hold a night it used (0 when it used none). Months without a diary between two spells are
    not weeks it rests on: 6 weeks in January and 6 in October are 12 weeks, not 45."""
    idx = np.nonzero(used)[0]
    return float(np.unique((idx - idx[0]) // 7).size) if idx.size else 0.0


def _permutation_tests(
    y: np.ndarray,
    block: np.ndarray,
    with_: np.ndarray,
    shifted: np.ndarray,
    more: np.ndarray,
    article: np.ndarray,
    lag: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Raw and adjusted p-values (in the direction seen) of the tests in the columns of ``with_``.

    See the module docstring for the method. ``shifted`` holds each test's day factor moved onto
    the night it is paired with (MISSING where the day was not logged), ``more`` whether the rate
    with the factor is at least the rate without, ``article`` whether the factor is one the article
    names (a one-sided "more cramps" primary hypothesis), ``lag`` the timing.
    """
    tests = with_.shape[1]
    y_ok = y >= 0
    y_val = np.where(y_ok, y, 0).astype(np.float64)
    blocks = int(block.max()) + 1
    # Per block: observed nights (population), cramp nights (successes), nights with the factor (draws).
    population = np.bincount(block[y_ok], minlength=blocks)
    successes = np.bincount(block[y_ok], weights=y_val[y_ok], minlength=blocks)
    draws = np.bincount(
        (block[:, None] * tests + np.arange(tests)[None, :])[with_], minlength=blocks * tests
    ).reshape(blocks, tests).T
    null = stats.StratifiedSumNull(
        np.broadcast_to(population, draws.shape), np.broadcast_to(successes, draws.shape), draws
    )
    observed = y_val @ with_
    # Spells in both series widen the spread of the observed count around its null mean; shrinking
    # the distance to the mean by the square root of the inflation compares it fairly with the
    # shuffled nights, which have no spells.
    r_y = stats.lag1_autocorrelation(y_val, y_ok, block)
    r_x = stats.lag1_autocorrelations((shifted == PRESENT).astype(float), shifted >= 0, block)
    inflation = np.array([stats.autocorrelation_inflation(float(r), r_y) for r in r_x])
    deflated = null.mean + (observed - null.mean) / np.sqrt(inflation)
    p_more_obs, p_fewer_obs = null.p_more(deflated), null.p_fewer(deflated)

    count = int(np.clip(PERMUTATION_BUDGET // max(int(y_ok.sum()), 1), MIN_PERMUTATIONS, MAX_PERMUTATIONS))
    shuffled = stats.block_permutations(y, block, count, np.random.default_rng(PERMUTATION_SEED))
    counts = shuffled @ with_  # (count, tests)
    p_more_null, p_fewer_null = null.p_more(counts), null.p_fewer(counts)

    # Weights: the z-value each test would expect if the factor raised the cramp rate by
    # REFERENCE_RISK_RATIO (from the numbers of nights with and without it and the overall rate,
    # which the shuffles keep fixed).
    rate = float(y_val[y_ok].mean())
    n_with = with_.sum(0).astype(float)
    n_without = ((shifted >= 0) & y_ok[:, None]).sum(0) - n_with
    rate_with = min(REFERENCE_RISK_RATIO * rate, 0.95)
    pooled = (n_with * rate_with + n_without * rate) / np.maximum(n_with + n_without, 1)
    effect_z = (rate_with - rate) / np.sqrt(
        np.maximum(pooled * (1 - pooled), 1e-9) * (1 / np.maximum(n_with, 1) + 1 / np.maximum(n_without, 1))
    )

    # Hypotheses: every test "more cramps" then every test "fewer cramps".
    p_obs = np.concatenate([p_more_obs, p_fewer_obs])
    weights = np.tile(effect_z, 2)
    p_null = np.concatenate([p_more_null, p_fewer_null], axis=1)
    is_more = np.arange(2 * tests) < tests
    primary = np.tile(lag == 0, 2) & (is_more | ~np.tile(article, 2))
    adjusted = np.full(2 * tests, np.nan)
    adjusted[primary] = stats.westfall_young(
        p_obs[primary], p_null[:, primary], stats.power_weights(weights[primary], LEVEL)
    )
    # Serial gatekeeping: the secondary family is tested only once every primary hypothesis is
    # rejected, so its adjusted p is at least the largest primary one.
    gate = float(adjusted[primary].max()) if primary.any() else 0.0
    secondary = ~primary
    adjusted[secondary] = np.maximum(
        stats.westfall_young(p_obs[secondary], p_null[:, secondary], stats.power_weights(weights[secondary], LEVEL)),
        gate,
    )
    raw = np.where(more, p_more_obs, p_fewer_obs)
    adj = np.where(more, adjusted[:tests], adjusted[tests:])
    return raw, adj


def _best_adjusted_p(result: FactorResult) -> float:
    ps = [t.adjusted_p for t in result.tests if t.adjusted_p is not None]
    return min(ps) if ps else 2.0


#: Who says how much is drunk where under 1.5 L a day is not "low": a care team (it may be their
#: limit), or a young child's age (it is usual for them, efsa-water-2010).
NOT_LOW_UNDER_THRESHOLD: frozenset[FluidStanding] = frozenset({"limited", "by_age"})


def _fluid_label() -> str:
    """The low-fluids factor named by its threshold alone, for someone whose care team sets how much
    they drink, or a young child: under 1.5 L may be their limit, or usual, not "low"."""
    return _("Fluids under {litres} L", litres=current_localizer().number(LOW_FLUIDS_ML / 1000))


#: The knowledge base's claim said beside the low-fluids factor, by what is known of a fluid limit.
FLUID_CLAIMS: dict[FluidStanding, str] = {"limited": "diary_fluids.set_by_team", "by_age": "diary_fluids.child_by_age",
                                          "not_ruled_out": "diary_fluids.ask_first"}


def _fluid_note(fluids: FluidStanding, shown_alone: bool) -> tuple[str | None, str | None]:
    """The knowledge base's word beside the low-fluids factor, with its evidence and sources, and
    that claim's id (or two ``None``): with a limit (or heart failure, kidney disease) the team's
    say, and for a young child what they drink by age, always; with the conditions not known, "ask
    first" beside a finding or a call for more days (``shown_alone``); otherwise nothing."""
    ref = FLUID_CLAIMS.get(fluids)
    if ref is None or (fluids == "not_ruled_out" and not shown_alone):
        return None, None
    from crampcare.i18n.wording import caution_words, text
    from crampcare.knowledge import load_knowledge

    kb = load_knowledge()
    key, claim = kb.claim(ref)
    return caution_words(kb, text(kb, f"{key}.text"), claim.evidence, claim.sources), ref


def _factor_result(tests: list[TriggerTest], tests_run: int, fluids: FluidStanding) -> FactorResult:
    primary = next(t for t in tests if t.lag == 0)
    label = primary.label
    tested = [t for t in tests if t.adjusted_p is not None]
    # Low fluids when how much to drink may be a care team's to say, or a young child's age: never
    # "log more days without it" (days over 1.5 L), nor "low fluids seems linked" alone (see _fluid_note).
    fluid_words = primary.factor == "low_fluids" and fluids != "not_limited"
    said: FluidStanding = fluids if fluid_words else "not_limited"
    if not tested:
        note, note_claim = _fluid_note(said, True)
        if fluid_words:
            message = _("{label}: not enough data yet to compare ({with_n} days under {litres} L, {without_n} at or "
                        "over it; at least {least} of each are needed). Never drink more or less than you usually "
                        "do, or than your care team advises, to find out.", label=label, with_n=primary.nights_with,
                        without_n=primary.nights_without, litres=current_localizer().number(LOW_FLUIDS_ML / 1000),
                        least=MIN_NIGHTS_EACH)
        else:
            message = _need_message(primary.factor, label, primary.nights_with, primary.nights_without)
        return FactorResult(
            factor=primary.factor,
            label=label,
            verdict="not_enough_data",
            message=message,
            tests=tests,
            lag=primary.lag,
            note=note,
            note_claim=note_claim,
        )
    flagged = [t for t in tested if t.verdict in ("seems_linked", "seems_protective")]
    # Without a finding, show the test whose raw 95 % CI leaves out 1 if there is one, so the
    # message can say why that is not a link.
    excluding = [t for t in tested if (t.rr_low or 0) > 1 or (t.rr_high if t.rr_high is not None else 2) < 1]
    best = min(flagged or excluding or tested, key=lambda t: (t.adjusted_p or 0.0, t.lag))
    verdict: Verdict = best.verdict if flagged else "no_clear_link"
    counts = _(
        "cramps on {with_cramps} of {with_nights} nights ({with_share}) after days with it vs {without_cramps} "
        "of {without_nights} ({without_share}) without",
        with_cramps=best.cramp_nights_with, with_nights=best.nights_with, with_share=_pct(best.rate_with or 0),
        without_cramps=best.cramp_nights_without, without_nights=best.nights_without,
        without_share=_pct(best.rate_without or 0),
    )
    ci = _("risk ratio {ratio}, {ci}", ratio=_fmt_rr(best.risk_ratio), ci=_ci(_fmt_rr(best.rr_low), _fmt_rr(best.rr_high)))
    when = _(TIMING[best.lag])
    basis = ngettext("over {n} week of your diary", "over {n} weeks of your diary", max(1, int(round(best.weeks))))
    if verdict == "seems_linked" and fluid_words and fluids in NOT_LOW_UNDER_THRESHOLD:
        message = _("{label}: more cramp nights after these days ({when}): {counts} {basis}; {ci}.", label=label,
                    when=when, counts=counts, basis=basis, ci=ci)
    elif verdict == "seems_protective" and fluid_words and fluids in NOT_LOW_UNDER_THRESHOLD:
        message = _("{label}: fewer cramp nights after these days ({when}): {counts} {basis}; {ci}.", label=label,
                    when=when, counts=counts, basis=basis, ci=ci)
    elif verdict == "seems_linked":
        message = _("{label} seems linked to more cramps ({when}): {counts} {basis}; {ci}.", label=label, when=when,
                    counts=counts, basis=basis, ci=ci)
    elif verdict == "seems_protective":
        message = _("{label} seems linked to fewer cramps ({when}): {counts} {basis}; {ci}.", label=label, when=when,
                    counts=counts, basis=basis, ci=ci)
    raw_excludes_1 = verdict == "no_clear_link" and bool(excluding)
    note, note_claim = _fluid_note(said, verdict != "no_clear_link" or raw_excludes_1)
    if verdict == "no_clear_link":
        message = _("{label}: no clear link so far ({ci}, {when}).", label=label, ci=ci, when=when)
        if raw_excludes_1:
            # One test checked: the reason is the spells alone, not checking many at once.
            message += " " + (_(
                "Its 95% CI alone leaves out 1, but allowing for cramps and habits that come in spells, a gap this "
                "size turns up by chance too often to call it a link.") if tests_run == 1 else _(
                "Its 95% CI alone leaves out 1, but with {tests} factor and timing combinations checked at once, "
                "and cramps and habits that come in spells, a gap this size turns up by chance too often to call "
                "it a link.", tests=tests_run))
    return FactorResult(
        factor=primary.factor,
        label=label,
        verdict=verdict,
        message=message,
        tests=tests,
        lag=best.lag,
        raw_interval_excludes_1=raw_excludes_1,
        note=note,
        note_claim=note_claim,
    )


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def compute_insights(
    nights: Iterable[NightRecord],
    days: Iterable[DayRecord],
    *,
    today: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fluid_target_ml: int | None = None,
    fluids: FluidStanding = "not_ruled_out",
) -> Insights:
    """Insights over a diary.

    ``start``/``end`` limit the nights (and the counts of days) analysed; the day before ``start``
    is still used as the "day before" of the first night when it is given. ``today`` (default: the
    current date) anchors "recent" figures. ``fluid_target_ml`` is the person's own fluid target for
    the low-fluids factor (default 1500 ml). ``fluids``: what the latest assessment says of a doctor
    setting how much the person drinks (:func:`crampcare.assess.facts.fluid_standing`; by default
    not ruled out, as nothing is known); with ``limited`` no personal target is used (one saved
    before heart failure and kidney disease lost theirs) and the factor is worded as the team's say;
    with ``by_age`` (a young child) it is worded as what a child of that age drinks.
    """
    today = today or dt.date.today()
    day_list = list(days)
    night_map = _merge_nights(
        n for n in nights if (start is None or n.date >= start) and (end is None or n.date <= end)
    )
    known_from = None
    if start is not None or end is not None:
        lag_floor = None if start is None else start - dt.timedelta(days=max(LAGS))
        if lag_floor is not None:
            # A tag or medicine first recorded before the period is known all through it.
            known_from = first_recorded(d for d in day_list if d.date < lag_floor)
        day_list = [
            d for d in day_list if (lag_floor is None or d.date >= lag_floor) and (end is None or d.date <= end)
        ]

    night_dates_sorted = sorted(night_map)
    night_ord = np.fromiter((d.toordinal() for d in night_dates_sorted), dtype=np.int64, count=len(night_map))
    cramp_lists = [night_map[d] for d in night_dates_sorted]
    counts = np.fromiter((len(c) for c in cramp_lists), dtype=np.int64, count=len(cramp_lists))
    cramp = (counts > 0).astype(np.int8)

    # Per-cramp figures.
    durations: list[int] = []
    severities: list[int] = []
    start_minutes: list[int] = []
    # Plain lists in the loop and one Counter each at the end: a 10-year diary has thousands of
    # cramps, and Counter.update per cramp cost more than the rest of this loop.
    leg_list: list[str] = []
    muscle_list: list[str] = []
    helped_list: list[str] = []
    helped_minutes: dict[str, list[float]] = {}
    for cl in cramp_lists:
        for c in cl:
            durations.append(c.duration_s)
            severities.append(c.severity)
            start_minutes.append(c.start.hour * 60 + c.start.minute)
            leg_list.append(c.leg)
            muscle_list.extend(c.muscles)
            helped_list.extend(c.helped)
            if c.minutes_to_relief is not None:
                for h in c.helped:
                    helped_minutes.setdefault(h, []).append(c.minutes_to_relief)
    legs, muscles, helped_counts = Counter(leg_list), Counter(muscle_list), Counter(helped_list)
    total_cramps = len(durations)

    in_range_days = {d.date for d in day_list if start is None or d.date >= start}
    table = day_factors(day_list, fluid_target_ml=None if fluids in NOT_LOW_UNDER_THRESHOLD else fluid_target_ml,
                        known_from=known_from)
    n_nights = int(night_ord.size)
    n_cramp = int(cramp.sum())

    share = None
    per_week = per_week_lo = per_week_hi = None
    if n_nights:
        est, lo, hi = stats.wilson_interval(n_cramp, n_nights)
        share = Proportion(count=n_cramp, total=n_nights, estimate=est, low=lo, high=hi)
        per_week, per_week_lo, per_week_hi = 7 * est, 7 * lo, 7 * hi

    last_cramp = night_dates_sorted[int(np.nonzero(cramp)[0][-1])] if n_cramp else None
    # A diary accepts tomorrow's date (a person a time zone or a flight ahead of this machine is on it
    # already): the last days run to the latest night logged when that is after today, so that night
    # counts in them and the last cramp is never "-1 days" ago.
    recent_end = max(today, night_dates_sorted[-1]) if night_dates_sorted else today
    recent_start = recent_end - dt.timedelta(days=RECENT_DAYS - 1)
    recent_mask = (night_ord >= recent_start.toordinal()) & (night_ord <= recent_end.toordinal())
    weekly, trend = _weekly_and_trend(night_ord, cramp, counts)
    triggers = _triggers(night_ord, cramp, table, fluids)

    all_dates = night_dates_sorted + sorted(in_range_days)
    return Insights(
        today=today,
        period_start=min(all_dates) if all_dates else None,
        period_end=max(all_dates) if all_dates else None,
        asked_start=start,
        asked_end=end,
        nights_logged=n_nights,
        days_logged=len(in_range_days),
        paired_nights=triggers.paired_nights,
        cramp_nights=n_cramp,
        quiet_nights=n_nights - n_cramp,
        total_cramps=total_cramps,
        cramp_night_share=share,
        cramp_nights_per_week=per_week,
        cramp_nights_per_week_low=per_week_lo,
        cramp_nights_per_week_high=per_week_hi,
        last_cramp_night=last_cramp,
        days_since_last_cramp=max(0, (today - last_cramp).days) if last_cramp else None,
        recent=RecentWindow(
            days=RECENT_DAYS,
            start=recent_start,
            end=recent_end,
            nights_logged=int(recent_mask.sum()),
            cramp_nights=int(cramp[recent_mask].sum()),
        ),
        cramps_per_cramp_night=_summary(counts[counts > 0].tolist()),
        duration_seconds=_summary(durations),
        severity=_summary(severities),
        weekly=weekly,
        trend=trend,
        time_of_night=_time_of_night(start_minutes),
        legs=_counts(legs, LEGS, total_cramps),
        muscles=_counts(muscles, MUSCLES, total_cramps),
        relief=_relief(helped_minutes, helped_counts),
        triggers=triggers,
        fluid_standing=fluids,
    )


# --------------------------------------------------------------------------------------------
# Plain-text summary
# --------------------------------------------------------------------------------------------


def summary_sentences(ins: Insights) -> list[str]:
    """The insights as short plain sentences, most useful first, in the current language."""
    loc = current_localizer()
    out: list[str] = []
    if not ins.nights_logged:
        if ins.asked_start or ins.asked_end:  # the diary may hold nights, just not in the period asked for
            out.append(_("No nights are logged in the chosen period."))
        else:
            out.append(_("No nights logged yet. Log every night, with or without a cramp, to see how often they come."))
        if ins.days_logged:
            out.append(ngettext("{n} day is logged; its night is needed too.", "{n} days are logged; their nights are needed too.",
                                ins.days_logged))
        return out
    sh = ins.cramp_night_share
    assert sh is not None and ins.period_start and ins.period_end
    out.append(
        (_("You logged {nights} on {date}: ", nights=loc.nights(ins.nights_logged), date=loc.date(ins.period_start))
         if ins.period_start == ins.period_end else
         _("You logged {nights} from {start} to {end}: ", nights=loc.nights(ins.nights_logged),
           start=loc.date(ins.period_start), end=loc.date(ins.period_end)))
        + _("{cramp} with a cramp and {quiet} without ({share} of nights, {ci}; about {per_week} cramp nights a week).",
            cramp=ins.cramp_nights, quiet=ins.quiet_nights, share=_pct(sh.estimate), ci=_ci(_pct(sh.low), _pct(sh.high)),
            per_week=_fixed(ins.cramp_nights_per_week or 0, 1))
    )
    if ins.recent.nights_logged:
        out.append(
            ngettext("In the last {days} days: {n} cramp night out of {logged} logged.",
                     "In the last {days} days: {n} cramp nights out of {logged} logged.",
                     ins.recent.cramp_nights, days=ins.recent.days, logged=ins.recent.nights_logged)
        )
    cpn = ins.cramps_per_cramp_night
    if ins.total_cramps == 1 and ins.duration_seconds and ins.severity:
        # One cramp: its length and pain, not "1.0 cramps on average (range 1–1)" and "range 1 min to 1 min".
        out.append(_("The one cramp lasted {duration}; pain was {pain} of 10.",
                     duration=formatting.duration(ins.duration_seconds.median),
                     pain=formatting.figure(ins.severity.median)))
    elif cpn and cpn.min == cpn.max:  # not "1.0 cramps on average (median 1, range 1–1)"
        out.append(ngettext("{n} cramp on every cramp night; {total} in all.", "{n} cramps on every cramp night; {total} in all.",
                            int(cpn.min), total=loc.cramps(ins.total_cramps)))
    elif cpn:
        out.append(
            _("On a cramp night you had {mean} cramps on average (median {median}, range {range}); {total} in all.",
              mean=_fixed(cpn.mean, 1), median=formatting.figure(cpn.median), range=_range(_fixed(cpn.min, 0), _fixed(cpn.max, 0)),
              total=loc.cramps(ins.total_cramps))
        )
    if ins.total_cramps > 1 and ins.duration_seconds and ins.severity:
        d, s = ins.duration_seconds, ins.severity
        # Not "range 1 min to 1 min" nor "range 5–5" when every cramp was logged alike.
        if d.min == d.max and s.min == s.max:
            out.append(_("Every cramp lasted {duration}; pain was {pain} of 10 every time.",
                         duration=formatting.duration(d.median), pain=formatting.figure(s.median)))
        elif d.min == d.max:
            out.append(_("Every cramp lasted {duration}; pain was {pain} of 10 as a median (range {range}).",
                         duration=formatting.duration(d.median), pain=formatting.figure(s.median),
                         range=_range(_fixed(s.min, 0), _fixed(s.max, 0))))
        elif s.min == s.max:
            out.append(_("Cramps lasted {median} as a median (range {low} to {high}); pain was {pain} of 10 every time.",
                         median=formatting.duration(d.median), low=formatting.duration(d.min),
                         high=formatting.duration(d.max), pain=formatting.figure(s.median)))
        else:
            out.append(
                _("Cramps lasted {median} as a median (range {low} to {high}); pain was {pain} of 10 as a median (range {range}).",
                  median=formatting.duration(d.median), low=formatting.duration(d.min), high=formatting.duration(d.max),
                  pain=formatting.figure(s.median), range=_range(_fixed(s.min, 0), _fixed(s.max, 0)))
            )
    out.append(ins.trend.message)
    tn = ins.time_of_night
    if tn.total == 1:  # "half of the cramps started between 03:10 and 03:10" said nothing
        out.append(_("The cramp started at {time}.", time=tn.typical_from))
    elif tn.total and tn.peak_hour is not None:
        hour = _range(_hour_label(tn.peak_hour), _hour_label((tn.peak_hour + 1) % 24))
        share = _pct(tn.share_1_to_5am or 0)
        if tn.typical_from == tn.typical_to:  # not "between 03:00 and 03:00"
            out.append(_("At least half of the cramps started at {start}; the busiest hour was {hour} "
                         "({share} started between 01:00 and 05:00).", start=tn.typical_from, hour=hour, share=share))
        else:
            out.append(_("Half of the cramps started between {start} and {end}; the busiest hour was {hour} "
                         "({share} started between 01:00 and 05:00).",
                         start=tn.typical_from, end=tn.typical_to, hour=hour, share=share))
    if ins.muscles and ins.legs:
        m = ", ".join(f"{diary_word(i.name)} {_pct(i.share)}" for i in ins.muscles)
        leg = ", ".join(f"{diary_word(i.name)} {_pct(i.share)}" for i in ins.legs)
        out.append(_("Where: {muscles} of cramps; leg: {legs}.", muscles=m, legs=leg))
    # Ranked as the insights page ranks them: one quick time is not "fastest" (it came first here).
    timed = [r for r in ins.relief if r.median_minutes is not None and r.timed >= MIN_TIMED_FOR_RANK]
    if timed:
        parts = ", ".join(
            _("{method} (median {minutes} min, {times})", method=in_sentence(relief_word(r.method)),
              minutes=formatting.figure(r.median_minutes or 0), times=ngettext("{n} time", "{n} times", r.timed))
            for r in timed[:3]
        )
        out.append(_("Fastest relief: {methods}.", methods=parts))
    tr = ins.triggers
    out.append(tr.message)
    if tr.status == "ok":
        for f in tr.factors:
            if f.verdict in ("seems_linked", "seems_protective"):
                out.append(f.message)
                out += [f.note] if f.note else []
        for f in tr.factors:
            if f.raw_interval_excludes_1:
                out.append(f.message)
                out += [f.note] if f.note else []
        unclear = [
            f.label[:1].lower() + f.label[1:]
            for f in tr.factors
            if f.verdict == "no_clear_link" and not f.raw_interval_excludes_1
        ]
        if unclear:
            out.append(_("No clear link so far with: {factors}.", factors=", ".join(unclear)))
        thin = [f for f in tr.factors if f.verdict == "not_enough_data"]
        for f in thin:
            out.append(f.message)
            out += [f.note] if f.note else []
        # A note of a factor only listed above (the team's say beside "no clear link with fluids under 1.5 L").
        out += [f.note for f in tr.factors if f.note and f.note not in out]
        out.append(_(tr.caveat))
    return out
