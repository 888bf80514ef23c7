"""Diary errors: each is a person-readable message, safe to print as one line.

Kept apart from the store so import/export code and the CLI can catch them without
importing SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt

from crampcare.i18n.context import _, ngettext

__all__ = ["ChangedMeanwhileError", "ConflictError", "CrampNotYetError", "DiaryError", "DuplicateRecordError", "ImportFormatError", "NotFoundError", "TagLimitError", "UndoStaleError", "VersionRequiredError"]


class DiaryError(Exception):
    """Base class: the operation was refused and nothing stored changed."""


class DuplicateRecordError(DiaryError):
    """A record for that date already exists (use edit / put instead of add)."""

    def __init__(self, kind: str, date: dt.date) -> None:
        self.kind, self.date = kind, date
        message = (_("a night record for {date} already exists", date=date.isoformat()) if kind == "night"
                   else _("a day record for {date} already exists", date=date.isoformat()))
        super().__init__(message)


class NotFoundError(DiaryError):
    """The requested record (or an undoable change) does not exist for this owner."""


class UndoStaleError(DiaryError):
    """The change an undo named is no longer the diary's last (another device or window changed the diary
    since, or it was undone already): nothing was undone, so a change confirmed saved is never taken back."""

    def __init__(self) -> None:
        super().__init__(_("the diary changed since that change (perhaps on another device), so it is no longer "
                           "the last one; nothing was undone"))


class ConflictError(DiaryError):
    """A bulk write holds a record that differs from the stored one for the same date."""

    def __init__(self, kind: str, date: dt.date, detail: str = "") -> None:
        self.kind, self.date = kind, date
        message = (_("the night of {date} differs from the one already stored", date=date.isoformat())
                   if kind == "night" else _("the day of {date} differs from the one already stored", date=date.isoformat()))
        super().__init__(f"{message} ({detail})" if detail else message)


class NightFullError(ConflictError):
    """Cramps added to a night already logged would take it past the most one night holds: nothing was added."""

    def __init__(self, date: dt.date, adding: int, limit: int) -> None:
        self.kind, self.date = "night", date
        DiaryError.__init__(self, ngettext(
            "the night of {date} is logged already, and with {n} more cramp it would hold more than {limit} cramps, "
            "more than one night can hold; nothing was added (edit the night to correct it)",
            "the night of {date} is logged already, and with {n} more cramps it would hold more than {limit} cramps, "
            "more than one night can hold; nothing was added (edit the night to correct it)",
            adding, date=date.isoformat(), limit=limit))


class ChangedMeanwhileError(ConflictError):
    """An edit was made from a record that another program or window changed since: nothing was written.

    ``stored_version``, when known: the version of the record stored now (``""``: none is logged)."""

    def __init__(self, kind: str, date: dt.date, stored_version: str | None = None) -> None:
        self.stored_version = stored_version
        super().__init__(kind, date, _("it was changed meanwhile by another program or window; this edit was not saved: "
                                       "look at it again and repeat the edit"))


class VersionRequiredError(DiaryError):
    """A client that must say which version of a stored record it replaces or deletes did not: nothing was written."""

    def __init__(self, kind: str, date: dt.date) -> None:
        self.kind, self.date = kind, date
        super().__init__(
            _("the night of {date} is already logged: say which version of it you replace or delete, so that a "
              "change saved meanwhile is not lost", date=date.isoformat()) if kind == "night"
            else _("the day of {date} is already logged: say which version of it you replace or delete, so that a "
                   "change saved meanwhile is not lost", date=date.isoformat()))


class CrampNotYetError(DiaryError):
    """A night holds a cramp that has not happened yet (its message names the night and the time)."""


class ImportFormatError(DiaryError):
    """A file to import is malformed; ``location`` names the row/column or JSON path."""

    def __init__(self, location: str, message: str) -> None:
        self.location, self.message = location, message
        super().__init__(f"{location}: {message}" if location else message)


class TagLimitError(DiaryError):
    """The write would give the diary more different tags than it keeps apart (bad input, not a conflict)."""

    def __init__(self, count: int, limit: int, example: str) -> None:
        self.count, self.limit = count, limit
        super().__init__(_("the diary would have {count} different tags (at most {limit}; the first new one is "
                           "{example}); reuse the tags you have", count=count, limit=limit, example=repr(example[:40])))
