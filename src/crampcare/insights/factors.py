"""Turn logged days into binary day factors (present / absent / missing).

Each factor is a yes/no question about one day ("drank under 1.5 l?", "sat 8 hours or more?").
A value that was not logged is *missing*, never "no": a day without a fluids entry says nothing
about fluids. List-valued entries (diet ticks, medicines, free tags) are known from the first day
that entry was ever recorded: on a logged day after that without it, it is absent; before that it
is missing. A person who starts tagging "wine" in week 6 was not saying "no wine" in weeks 1-5, so
those weeks are not the comparison; from week 6 on, a day without the tag is a day without wine.
(Starting from the first day with *any* tag would read weeks 1-5 as "no wine" whenever another tag
was in use then, and a trigger is still found from the days after its first use: at a typical 30 %
of days that costs only the few days before it first comes up. Which days are known depends on the
factor alone, never on the nights, so the trigger test's error control is unchanged.) A tag used
once is known from that day, so it waits for more days with it, not for days without it.

The table is dense over calendar dates so that "the day before a night" is an array shift.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

import numpy as np

from crampcare.diary.records import DayRecord
from crampcare.i18n.context import N_, _
from crampcare.plaintext import visible_text

MISSING, ABSENT, PRESENT = -1, 0, 1

LOW_FLUIDS_ML = 1500
LONG_SITTING_HOURS = 8.0
TEMP_SWING_C = 10.0  # the article: "sudden temperature fluctuations - more than 10 degrees"
ALCOHOL_UNITS = 2.0

MEDICINE_PREFIX = "medicine:"
TAG_PREFIX = "tag:"

# Fixed factors: id -> (label, the DayRecord field it is read from, test on a numpy column).
# Numeric fields become float columns (NaN = not logged), booleans/choices object columns
# (None = not logged); the test gives True/False per logged day.
_FIXED: dict[str, tuple[str, str, Callable[[np.ndarray, int], np.ndarray]]] = {
    "low_fluids": (N_("Low fluids"), "fluids_ml", lambda v, target: v < target),
    "high_activity": (N_("High activity"), "activity", lambda v, _t: v == "high"),
    "unusual_activity": (N_("Unusual activity"), "unusual_activity", lambda v, _t: v == True),  # noqa: E712
    "long_sitting": (N_("Sitting 8 h or more"), "sitting_hours", lambda v, _t: v >= LONG_SITTING_HOURS),
    "cold_exposure": (N_("Cold exposure"), "cold_exposure", lambda v, _t: v == True),  # noqa: E712
    "temp_swing_over_10": (N_("Temperature swing over 10 °C"), "temperature_swing_c", lambda v, _t: v > TEMP_SWING_C),
    "high_stress": (N_("High stress"), "stress", lambda v, _t: v == "high"),
    "uncomfortable_shoes": (N_("Uncomfortable shoes"), "uncomfortable_shoes", lambda v, _t: v == True),  # noqa: E712
    "protein_diet": (N_("Protein diet"), "diet", lambda v, _t: v == "protein_diet"),
    "strict_diet": (N_("Strict diet"), "diet", lambda v, _t: v == "strict_diet"),
    "alcohol": (N_("Alcohol (2 units or more)"), "alcohol_units", lambda v, _t: v >= ALCOHOL_UNITS),
    "caffeine": (N_("Caffeine"), "caffeine", lambda v, _t: v == True),  # noqa: E712
    "no_exercises": (N_("No bedtime exercises"), "exercises_done", lambda v, _t: v == False),  # noqa: E712
}
_NUMERIC_FIELDS = frozenset({"fluids_ml", "sitting_hours", "temperature_swing_c", "alcohol_units"})

#: Factors read from list entries: missing before the first day they were recorded, absent (not
#: missing) on a logged day without them after it, and only reported once used at least once.
LIST_FACTORS = frozenset({"protein_diet", "strict_diet"})

#: Free tags compared with the nights: the most used ones only, so a diary with many one-off tags
#: (or an old diary from before the limit of 200) keeps the insights' time and size bounded.
MAX_ANALYSED_TAGS = 30


def tag_key(tag: str) -> str:
    """A tag as the insights compare it: one Unicode form, single spaces, case folded, so that
    "Coffee", "coffee  " and "COFFEE" (or "café" typed with a combining accent) are one factor, not
    several that split its days between them."""
    return unicodedata.normalize("NFKC", " ".join(tag.split()).casefold())


def _tag_groups(records: Sequence[DayRecord]) -> tuple[dict[str, str], list[frozenset[str]]]:
    """The :data:`MAX_ANALYSED_TAGS` most used tags (days with any spelling; ties by name): their
    :func:`tag_key` -> the spelling shown (the one used most, single-spaced), by that spelling; and
    each record's set of tag keys. Keys are worked out once per distinct spelling, not per use."""
    spellings = Counter(chain.from_iterable(record.tags for record in records))
    key_of = {tag: tag_key(tag) for tag in spellings}
    keys_per_record = [frozenset(map(key_of.__getitem__, record.tags)) for record in records]
    days_with = Counter(chain.from_iterable(keys_per_record))
    shown_counts: dict[str, Counter[str]] = {}
    for tag, uses in spellings.items():
        shown_counts.setdefault(key_of[tag], Counter())[unicodedata.normalize("NFC", " ".join(tag.split()))] += uses
    shown = {key: min(found, key=lambda text: (-found[text], text)) for key, found in shown_counts.items()}
    top = sorted(days_with, key=lambda key: (-days_with[key], shown[key]))[:MAX_ANALYSED_TAGS]
    return {key: shown[key] for key in sorted(top, key=lambda key: shown[key])}, keys_per_record


#: The ids of the fixed (non-medicine, non-tag) factors, in display order.
FACTOR_IDS: tuple[str, ...] = tuple(_FIXED)


def factor_label(factor_id: str) -> str:
    """A short human label for a factor id (fixed, ``medicine:<id>`` or ``tag:<text>``), in the current language."""
    if factor_id in _FIXED:
        return _(_FIXED[factor_id][0])
    if factor_id.startswith(MEDICINE_PREFIX):
        from crampcare.i18n.wording import medicine_name
        from crampcare.knowledge import load_knowledge

        # The knowledge base's (translated) name: "лекарство: statin" showed the id in a Russian report.
        return _("Medicine: {name}", name=medicine_name(load_knowledge(), factor_id[len(MEDICINE_PREFIX) :]))
    if factor_id.startswith(TAG_PREFIX):
        return _("Tag: {tag}", tag=_isolated(factor_id[len(TAG_PREFIX) :]))
    return factor_id.replace("_", " ").capitalize()


def _isolated(tag: str) -> str:
    """A person's tag as shown within a sentence: without direction controls (a tag stored before they
    were removed on the way in: an override left open turned the rest of a line around), and, when it
    holds right-to-left letters (Hebrew, Arabic), isolated (FSI … PDI) so the words and figures around
    it keep their order."""
    tag = visible_text(tag)
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in tag):
        return f"\u2068{tag}\u2069"
    return tag


@dataclass(frozen=True)
class FactorTable:
    """Day factors over a dense run of dates.

    ``values[i, j]`` is PRESENT (1), ABSENT (0) or MISSING (-1) for factor ``ids[j]`` on date
    ``start + i days``. ``logged[i]`` says whether any DayRecord exists for that date.
    """

    start: dt.date | None
    ids: tuple[str, ...]
    values: np.ndarray  # int8, shape (n_dates, n_factors)
    logged: np.ndarray  # bool, shape (n_dates,)

    @property
    def n_dates(self) -> int:
        return int(self.values.shape[0])

    def dates(self) -> list[dt.date]:
        if self.start is None:
            return []
        return [self.start + dt.timedelta(days=i) for i in range(self.n_dates)]

    def column(self, factor_id: str) -> np.ndarray:
        return self.values[:, self.ids.index(factor_id)]

    def window(self, start: dt.date, n_dates: int) -> FactorTable:
        """The table re-indexed onto ``n_dates`` dates from ``start`` (MISSING outside its range)."""
        values = np.full((n_dates, len(self.ids)), MISSING, dtype=np.int8)
        logged = np.zeros(n_dates, dtype=bool)
        if self.start is not None and self.n_dates:
            off = (self.start - start).days  # where our row 0 lands in the new window
            src0, dst0 = max(0, -off), max(0, off)
            count = min(self.n_dates - src0, n_dates - dst0)
            if count > 0:
                values[dst0 : dst0 + count] = self.values[src0 : src0 + count]
                logged[dst0 : dst0 + count] = self.logged[src0 : src0 + count]
        return FactorTable(start, self.ids, values, logged)


def first_recorded(days: Iterable[DayRecord]) -> dict[str, dt.date]:
    """The first date each list entry was recorded in ``days``, keyed as :func:`day_factors` keys
    them: a diet id, ``medicine:<id>``, or ``tag:`` + its :func:`tag_key`. For a diary read over a
    period, from the whole diary: a tag first used before the period is known all through it."""
    first: dict[str, dt.date] = {}
    key_of: dict[str, str] = {}
    for record in days:
        if not (record.diet or record.medicines or record.tags):
            continue
        keys = chain(record.diet, (MEDICINE_PREFIX + med for med in record.medicines),
                     (TAG_PREFIX + (key_of.get(tag) or key_of.setdefault(tag, tag_key(tag))) for tag in record.tags))
        for key in keys:
            if key not in first or record.date < first[key]:
                first[key] = record.date
    return first


def day_factors(days: Iterable[DayRecord], *, fluid_target_ml: int | None = None,
                known_from: Mapping[str, dt.date] | None = None) -> FactorTable:
    """Binary day factors for ``days``.

    ``fluid_target_ml`` is the person's own daily target (e.g. 20 ml per kg from the assessment);
    below it counts as low fluids. Without one, the fixed 1500 ml threshold is used.

    A factor appears in the table once it was logged at least once (for list entries: used at
    least once). A list entry is missing before the first day it was recorded (in ``days``, or
    earlier in ``known_from``, see :func:`first_recorded`). Several records for the same date are
    merged: present if any says present, else absent if any says absent, else missing.
    """
    recs: Sequence[DayRecord] = sorted(days, key=lambda d: d.date)
    if not recs:
        return FactorTable(None, (), np.zeros((0, 0), dtype=np.int8), np.zeros(0, dtype=bool))
    target = int(fluid_target_ml) if fluid_target_ml else LOW_FLUIDS_ML
    start = recs[0].date
    n_dates = (recs[-1].date - start).days + 1
    rows = np.fromiter(((r.date - start).days for r in recs), dtype=np.int64, count=len(recs))

    # All scalar fields are read in one pass (attrgetter runs in C): a 10-year diary has thousands
    # of records and this is the bulk of the work here.
    fields = list(dict.fromkeys(field for fid, (_l, field, _t) in _FIXED.items() if fid not in LIST_FACTORS))
    by_field = dict(zip(fields, zip(*map(attrgetter(*fields), recs), strict=True), strict=True))
    columns: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    ids: list[str] = []
    cols: list[np.ndarray] = []
    list_keys: dict[int, str] = {}  # column -> its key in known_from, for the list entries

    def list_column(key: str, present: Iterable[bool]) -> np.ndarray:
        list_keys[len(cols)] = key
        return np.fromiter(present, dtype=bool, count=len(recs)).astype(np.int8)

    for fid, (_label, field, test) in _FIXED.items():
        if fid in LIST_FACTORS:
            col = np.fromiter((fid in r.diet for r in recs), dtype=bool, count=len(recs))
            if col.any():
                ids.append(fid)
                cols.append(list_column(fid, col))
            continue
        if field not in columns:
            raw = np.array(by_field[field], dtype=object)
            missing[field] = raw == None  # noqa: E711 (elementwise on the object array)
            columns[field] = np.where(missing[field], np.nan, raw).astype(float) if field in _NUMERIC_FIELDS else raw
        raw_col, is_missing = columns[field], missing[field]
        if is_missing.all():
            continue
        with np.errstate(invalid="ignore"):
            present = np.asarray(test(raw_col, target), dtype=bool)
        ids.append(fid)
        cols.append(np.where(is_missing, MISSING, present.astype(np.int8)).astype(np.int8))

    medicines = sorted({m for r in recs for m in r.medicines})
    tags, keys_of = _tag_groups(recs)
    for med in medicines:
        ids.append(MEDICINE_PREFIX + med)
        cols.append(list_column(MEDICINE_PREFIX + med, (med in r.medicines for r in recs)))
    for key, shown in tags.items():
        ids.append(TAG_PREFIX + shown)
        cols.append(list_column(TAG_PREFIX + key, (key in keys for keys in keys_of)))

    per_record = np.column_stack(cols) if cols else np.zeros((len(recs), 0), dtype=np.int8)
    if list_keys:
        # A list entry is missing on the records dated before it was first recorded (all at once: a
        # diary has up to 30 tags and the medicines besides).
        at = np.fromiter(list_keys, dtype=np.int64, count=len(list_keys))
        entries = per_record[:, at]
        since = rows[entries.argmax(axis=0)]  # each one's first record: the records are in date order
        for j, key in enumerate(list_keys.values()):
            if known_from and key in known_from:
                since[j] = min(since[j], (known_from[key] - start).days)
        entries[rows[:, None] < since[None, :]] = MISSING
        per_record[:, at] = entries
    values = np.full((n_dates, len(ids)), MISSING, dtype=np.int8)
    # Merge duplicates: max over records gives present > absent > missing.
    np.maximum.at(values, rows, per_record)
    logged = np.zeros(n_dates, dtype=bool)
    logged[rows] = True
    return FactorTable(start, tuple(ids), values, logged)
