"""Realistic synthetic diaries with a known (planted) trigger, for tests, benchmarks and demos.

A simulated person logs most evenings. Each day's factors are drawn with plausible
values (fluids in ml, sitting hours, stress level, ...). One factor, the *planted trigger*, is
present on about ``trigger_share`` of days and multiplies that evening's night cramp probability
by ``rr``; every other logged factor does nothing. Cramp nights get one or a few cramps with
realistic clock times (mostly 1-5 a.m.), log-normal durations (30 s to 10 min), legs, muscles
(mostly the calf), severity, what helped and how fast. Some dates are not logged at all, some
only the night or only the day, and a few single entries are left blank: all of that is missing
data, which the analysis must not read as "no". Optionally cramps and habits come in spells
(persistence from one day to the next) and swing with the seasons, as in real diaries.

Pure: the same arguments (including ``seed`` and ``end``) give the same diary.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping

import numpy as np

from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.insights.factors import (
    ALCOHOL_UNITS,
    FACTOR_IDS,
    LONG_SITTING_HOURS,
    LOW_FLUIDS_ML,
    TAG_PREFIX,
    TEMP_SWING_C,
)

__all__ = ["DEFAULT_PREVALENCE", "SIMULATABLE_FACTORS", "simulate_diary"]

#: Typical share of days on which each do-nothing factor is present.
DEFAULT_PREVALENCE: dict[str, float] = {
    "low_fluids": 0.25,
    "high_activity": 0.2,
    "unusual_activity": 0.1,
    "long_sitting": 0.3,
    "cold_exposure": 0.15,
    "temp_swing_over_10": 0.12,
    "high_stress": 0.15,
    "uncomfortable_shoes": 0.12,
    "protein_diet": 0.12,
    "strict_diet": 0.08,
    "alcohol": 0.15,
    "caffeine": 0.6,
    "no_exercises": 0.4,
}
_EXTRA_TAGS = ("gardening", "long_drive", "travel", "dancing", "swimming", "late_dinner")
SIMULATABLE_FACTORS: tuple[str, ...] = FACTOR_IDS
assert set(DEFAULT_PREVALENCE) == set(FACTOR_IDS)

_MUSCLES = ("calf", "foot", "toes", "thigh")
_MUSCLE_P = (0.74, 0.1, 0.07, 0.09)
_LEGS = ("left", "right", "both")
_LEG_P = (0.42, 0.4, 0.18)
_RELIEFS = ("stretch", "walk", "massage", "warmth", "pain_reliever", "other")
_RELIEF_P = (0.7, 0.35, 0.3, 0.1, 0.03, 0.04)
# How much longer than the cramp itself relief takes, by the fastest method used.
_RELIEF_SLOWDOWN = {"stretch": 1.0, "walk": 1.25, "massage": 1.4, "warmth": 1.9, "pain_reliever": 6.0, "other": 1.6}


def _fill_factor(fid: str, present: bool, rng: np.random.Generator, fields: dict) -> None:
    """Write plausible raw DayRecord values for factor ``fid`` being present or absent."""
    u = rng.random()
    if fid == "low_fluids":
        lo, hi = (600, LOW_FLUIDS_ML - 50) if present else (LOW_FLUIDS_ML, 3200)
        fields["fluids_ml"] = int(round((lo + u * (hi - lo)) / 50) * 50)
    elif fid == "high_activity":
        fields["activity"] = "high" if present else ("low" if u < 0.3 else "normal")
    elif fid == "unusual_activity":
        fields["unusual_activity"] = present
    elif fid == "long_sitting":
        hours = LONG_SITTING_HOURS + u * 4 if present else 1 + u * (LONG_SITTING_HOURS - 1.5)
        fields["sitting_hours"] = round(hours * 2) / 2
    elif fid == "cold_exposure":
        fields["cold_exposure"] = present
    elif fid == "temp_swing_over_10":
        swing = TEMP_SWING_C + 0.5 + u * 8 if present else u * TEMP_SWING_C
        fields["temperature_swing_c"] = round(swing, 1)
    elif fid == "high_stress":
        fields["stress"] = "high" if present else ("none" if u < 0.5 else "some")
    elif fid == "uncomfortable_shoes":
        fields["uncomfortable_shoes"] = present
    elif fid in ("protein_diet", "strict_diet"):
        if present:
            fields.setdefault("diet", []).append(fid)
    elif fid == "alcohol":
        if present:
            fields["alcohol_units"] = round(ALCOHOL_UNITS + u * 4, 1)
        else:
            fields["alcohol_units"] = 0.0 if u < 0.7 else round(0.5 + u * 1.0, 1)
    elif fid == "caffeine":
        fields["caffeine"] = present
    elif fid == "no_exercises":
        fields["exercises_done"] = not present
    elif fid.startswith(TAG_PREFIX):
        if present:
            fields.setdefault("tags", []).append(fid[len(TAG_PREFIX) :])
    else:  # pragma: no cover - guarded by the caller
        raise ValueError(fid)


def _clock(minutes_after_18: float) -> dt.time:
    m = int(round(minutes_after_18)) % (24 * 60)
    total = (18 * 60 + m) % (24 * 60)
    return dt.time(total // 60, total % 60)


def _cramp(rng: np.random.Generator, start_min: float) -> Cramp:
    duration = float(np.clip(rng.lognormal(math.log(100), 0.75), 30, 600))
    leg = _LEGS[rng.choice(3, p=_LEG_P)]
    muscles = [_MUSCLES[rng.choice(4, p=_MUSCLE_P)]]
    if rng.random() < 0.15:
        muscles.append(_MUSCLES[rng.choice(4, p=_MUSCLE_P)])
    severity = int(np.clip(round(rng.normal(5.5 + 1.2 * math.log(duration / 100), 1.6)), 1, 10))
    signs = [s for s, p in (("hard_knot", 0.6), ("twitching", 0.15), ("whole_limb", 0.05)) if rng.random() < p]
    helped: list[str] = []
    if rng.random() < 0.88:
        helped = [r for r, p in zip(_RELIEFS, _RELIEF_P, strict=True) if rng.random() < p]
        if not helped:
            helped = ["stretch"]
    minutes = None
    if helped and rng.random() < 0.8:
        slow = min(_RELIEF_SLOWDOWN[h] for h in helped)
        minutes = round(max(0.5, duration / 60 * slow * rng.lognormal(0, 0.3)) * 2) / 2
    return Cramp(
        start=_clock(start_min),
        duration_s=int(round(duration)),
        leg=leg,
        muscles=muscles,
        severity=severity,
        signs=signs,
        helped=helped,
        minutes_to_relief=minutes,
    )


def _night_times(rng: np.random.Generator, count: int) -> list[float]:
    """Cramp start times as minutes after 18:00: mostly 1-5 a.m., some any time in bed."""
    times = []
    for _ in range(count):
        if rng.random() < 0.8:
            t = float(np.clip(rng.normal(9 * 60, 75), 4 * 60, 14 * 60))  # around 03:00
        else:
            t = float(rng.uniform(4 * 60, 13.5 * 60))  # 22:00-07:30
        times.append(t)
    return sorted(times)


def _spells(rng: np.random.Generator, p: np.ndarray, keep: float) -> np.ndarray:
    """Yes/no per day with P(yes) = ``p`` each day, where each day keeps the previous day's value
    with probability ``keep`` and otherwise draws afresh (a two-state Markov chain whose
    lag-1 autocorrelation is ``keep`` when ``p`` is constant)."""
    fresh = rng.random(p.size) < p
    if keep <= 0 or p.size == 0:
        return fresh
    kept = rng.random(p.size) < keep
    kept[0] = False
    # Each day copies the last fresh draw at or before it.
    last_fresh = np.maximum.accumulate(np.where(kept, 0, np.arange(p.size)))
    return fresh[last_fresh]


def simulate_diary(
    days: int,
    *,
    trigger: str | None,
    rr: float,
    base_rate: float = 0.3,
    trigger_share: float = 0.3,
    other_factors: int = 10,
    seed: int,
    end: dt.date | None = None,
    seasonal: float = 0.0,
    cramp_persistence: float = 0.0,
    factor_persistence: float = 0.0,
    persistence_by_factor: Mapping[str, float] | None = None,
    factor_seasonal: float = 0.0,
    skip_share: float = 0.06,
    field_missing: float = 0.03,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[NightRecord], list[DayRecord]]:
    """A synthetic diary of ``days`` consecutive dates ending on ``end`` (default: today).

    - ``base_rate``: probability of a cramp night when the trigger is absent (before seasonality).
    - ``trigger``: a factor id from :data:`crampcare.insights.factors.FACTOR_IDS` (or ``tag:<text>``)
      present on about ``trigger_share`` of days; on the night after it the cramp probability is
      multiplied by ``rr`` (capped at 0.95). ``None`` plants nothing.
    - ``other_factors``: how many other factors are logged; they have no effect. The remaining
      fixed factors are never logged (missing), so they cannot be tested.
    - ``seasonal``: relative amplitude of a yearly cycle in the cramp rate (peak in July).
    - ``cramp_persistence``: cramps come in spells: each night keeps the previous night's state
      (cramp or not) with this probability and otherwise draws afresh (lag-1 autocorrelation about
      this value; the share of cramp nights is unchanged). 0 draws every night independently.
    - ``factor_persistence``: the same for every factor's days; ``persistence_by_factor`` overrides
      it for the factor ids it names.
    - ``factor_seasonal``: relative amplitude of a yearly cycle in every factor's share of days,
      peaking in July like the cramps: the hardest case for the analysis, since a factor that does
      nothing then rises and falls with the cramps.
    - ``skip_share``: share of dates with neither night nor day logged (plus about half as many
      with only one of the two); ``field_missing``: share of single entries left blank.
    - ``progress``: called now and then with the number of days built so far (for a progress bar);
      it does not change the result.

    Returns ``(nights, days)`` sorted by date.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    if not 0 < base_rate < 1:
        raise ValueError("base_rate must be between 0 and 1")
    if rr <= 0:
        raise ValueError("rr must be positive")
    if not 0 < trigger_share < 1:
        raise ValueError("trigger_share must be between 0 and 1")
    for name, value in (("cramp_persistence", cramp_persistence), ("seasonal", seasonal),
                        ("factor_seasonal", factor_seasonal)):
        if not 0 <= value < 1:
            raise ValueError(f"{name} must be at least 0 and below 1")
    persistence_of = {**dict(persistence_by_factor or {})}
    bad = [f for f, v in persistence_of.items() if not 0 <= v < 1]
    if bad or not 0 <= factor_persistence < 1:
        raise ValueError(f"factor persistence must be at least 0 and below 1 (check {', '.join(bad) or 'the default'})")
    if trigger is not None and trigger not in FACTOR_IDS and not trigger.startswith(TAG_PREFIX):
        raise ValueError(f"unknown trigger {trigger!r}; choose one of: {', '.join(FACTOR_IDS)} or tag:<text>")
    rng = np.random.default_rng(seed)
    end = end or dt.date.today()
    start = end - dt.timedelta(days=days - 1)

    pool = [f for f in FACTOR_IDS if f != trigger]
    order = rng.permutation(len(pool))
    others = [pool[i] for i in order[: max(0, other_factors)]]
    extra = max(0, other_factors - len(pool))
    others += [TAG_PREFIX + t for t in _EXTRA_TAGS[:extra] if TAG_PREFIX + t != trigger]
    prevalence = {f: float(np.clip(DEFAULT_PREVALENCE.get(f, 0.1) * rng.uniform(0.7, 1.3), 0.02, 0.9)) for f in others}
    factors = ([trigger] if trigger else []) + others
    if trigger:
        prevalence[trigger] = trigger_share

    # Which dates are logged: both, neither, night only, day only.
    u = rng.random(days)
    night_logged = u >= skip_share
    day_logged = u >= skip_share
    only = (u >= skip_share) & (u < skip_share * 1.5)
    night_only = only & (rng.random(days) < 0.5)
    day_logged &= ~night_only
    night_logged &= ~(only & ~night_only)

    doy = np.array([(start + dt.timedelta(days=i)).timetuple().tm_yday for i in range(days)], dtype=float)
    cycle = np.cos(2 * np.pi * (doy - 196) / 365.25)  # 1 in mid-July, -1 in mid-January

    def persistence(f: str) -> float:
        return float(persistence_of.get(f, factor_persistence))

    present = {
        f: _spells(rng, np.clip(prevalence[f] * (1.0 + factor_seasonal * cycle), 0.0, 0.95), persistence(f))
        for f in factors
    }
    blank = {f: rng.random(days) < field_missing for f in factors}

    p_night = base_rate * (1.0 + seasonal * cycle)
    if trigger:
        p_night = np.where(present[trigger], p_night * rr, p_night)
    p_night = np.clip(p_night, 0.0, 0.95)
    cramp_night = _spells(rng, p_night, cramp_persistence)

    nights: list[NightRecord] = []
    day_records: list[DayRecord] = []
    for i in range(days):
        date = start + dt.timedelta(days=i)
        if day_logged[i]:
            fields: dict = {}
            for f in factors:
                if blank[f][i]:
                    continue  # not logged today: stays None (or just absent from a list)
                _fill_factor(f, bool(present[f][i]), rng, fields)
            day_records.append(DayRecord(date=date, **fields))
        if night_logged[i]:
            cramps: list[Cramp] = []
            if cramp_night[i]:
                count = 1 + min(3, int(rng.poisson(0.35)))
                cramps = [_cramp(rng, t) for t in _night_times(rng, count)]
            nights.append(NightRecord(date=date, cramps=cramps, sleep_disturbed=bool(cramps)))
        if progress is not None and (i + 1) % 64 == 0:
            progress(i + 1)
    if progress is not None:
        progress(days)
    return nights, day_records
