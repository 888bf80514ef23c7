"""JSON text that a person or another program wrote, read with one refusal for every way it can fail.

``json.loads`` raises :class:`json.JSONDecodeError` for bad syntax, but :class:`RecursionError`
for deep nesting (``[[[[…`` 100,000 deep) and a plain :class:`ValueError` for an integer longer
than Python's 4,300-digit limit. Callers that caught only the first answered the other two with a
traceback (CLI) or a 500 (web); every reader of outside JSON goes through :func:`loads` instead.
"""

from __future__ import annotations

import json
from typing import Any

from crampcare.i18n.context import _

__all__ = ["UnreadableJsonError", "loads"]


class UnreadableJsonError(ValueError):
    """Why the text is not JSON crampcare can read; ``line`` and ``column`` when the syntax is wrong."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: ``{"nights": [...], "nights": []}`` kept only the
    last list, so an import said "Imported 0 nights" and dropped the rest without a word."""
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        raise _DuplicateKeyError(next(key for key, _value in pairs if key in seen or seen.add(key)))  # type: ignore[func-returns-value]
    return document


def loads(text: str) -> Any:
    """``json.loads(text)``, or :class:`UnreadableJsonError` (a ``ValueError``) saying why not."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKeyError as exc:
        raise UnreadableJsonError(_("the key {key} appears twice in one object", key=json.dumps(exc.key[:80]))) from None
    except json.JSONDecodeError as exc:
        raise UnreadableJsonError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise UnreadableJsonError(_("it is nested too deeply")) from None
    except ValueError:  # only an integer over sys.get_int_max_str_digits() gets here
        raise UnreadableJsonError(_("a number in it is longer than 4,300 digits")) from None
