"""Insights over a person's diary: frequency, trend, time of night, relief and possible triggers.

Pure functions over :mod:`crampcare.diary.records`; charts (matplotlib) load lazily from
:mod:`crampcare.insights.charts`, synthetic diaries come from :mod:`crampcare.insights.simulate`.
"""

from crampcare.insights.analysis import CAVEAT, Insights, compute_insights, summary_sentences
from crampcare.insights.factors import FACTOR_IDS, FactorTable, day_factors, factor_label

__all__ = [
    "CAVEAT",
    "FACTOR_IDS",
    "FactorTable",
    "Insights",
    "compute_insights",
    "day_factors",
    "factor_label",
    "simulate_diary",
    "summary_sentences",
]


def __getattr__(name: str):
    if name == "simulate_diary":
        from crampcare.insights.simulate import simulate_diary

        return simulate_diary
    raise AttributeError(name)
