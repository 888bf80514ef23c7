"""The last few results of slow, deterministic work (a chart, a PDF), kept by what they are made from.

A process keeps nothing else between requests. A key must cover everything the result depends on,
so a hit is exactly what the work would give again; :func:`digest` makes a short key of long text.
Safe to share between a web server's threads.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["Kept", "digest"]

V = TypeVar("V")


def digest(text: str) -> str:
    """A key for ``text`` (a SHA-256 hex digest): a megabyte of HTML need not be kept to be recognised."""
    return hashlib.sha256(text.encode()).hexdigest()


class Kept(Generic[V]):
    """The ``size`` most recently used values, by key; the least recently used goes first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
