"""How deep the slowest searches go.

The default run samples them, so the whole suite stays within its two minutes on a 2-core
machine; ``CRAMPCARE_DEEP_TESTS=1`` (the bench job, or a developer before a release) runs them
in full: every garbage body with every content type on every route, schemathesis with its full
budget, and 2,000 examples per property (``CRAMPCARE_PROPERTY_EXAMPLES`` still wins).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")

DEEP = os.environ.get("CRAMPCARE_DEEP_TESTS", "").strip() not in ("", "0")


def combinations(first: Sequence[A], second: Sequence[B], turn: int) -> list[tuple[A, B]]:
    """Every pair of ``first`` and ``second`` when deep; otherwise each of ``first`` once, paired with
    ``second`` in rotation, starting at ``turn`` (the caller counts up, e.g. per URL), so that over
    ``len(second)`` turns every pair is still sent."""
    if DEEP:
        return list(itertools.product(first, second))
    return [(item, second[(turn + index) % len(second)]) for index, item in enumerate(first)]
