"""How every CLI command refuses: one clear line on stderr and an exit code, never a traceback.

Exit 2 means the person's input cannot be used (and nothing stored changed); exit 1 means
something else failed (an unreachable database, a full disk). ``CRAMPCARE_DEBUG=1`` shows
the traceback of an unexpected failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn

import typer

from crampcare.i18n.context import _
from crampcare.i18n.validation import typed_limit_text, validation_text

BAD_INPUT = 2
FAILURE = 1


class Refused(Exception):
    """The person's input cannot be used; the message is one sentence."""


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def validation_message(error: Any, flags: Mapping[str, str] | None = None, label: str | None = None) -> str:
    """The first pydantic error as ``--flag: what is wrong (got …)``."""
    first = error.errors()[0]
    names = [part for part in first["loc"] if isinstance(part, str)]
    flag = label or ((flags or {}).get(names[-1], names[-1]) if names else "input")
    if names and (in_unit := typed_limit_text(first, names[-1])) is not None:
        return f"{flag}: {in_unit}"
    message = validation_text(first)
    if first["type"] not in ("value_error", "missing"):
        message += _(" (got {value})", value=repr(first["input"]))
    return f"{flag}: {message}"


@contextmanager
def friendly_errors(flags: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn every expected failure into one line on stderr and an exit code.

    ``flags`` maps record field names to the command's option names, so a validation
    error names the option the person typed.
    """
    from pydantic import ValidationError

    from crampcare.diary.errors import DiaryError

    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except ValidationError as exc:
        fail(validation_message(exc, flags))
    except (DiaryError, Refused, ValueError) as exc:
        fail(str(exc))
    except Exception as exc:
        if os.environ.get("CRAMPCARE_DEBUG"):
            raise
        from crampcare.services.database import (
            DatabaseUnavailableError,
            DatabaseUnreachableError,
            SchemaOutOfDateError,
            unsaved_reason,
        )
        from crampcare.services.diary import DatabaseBusyError

        if isinstance(exc, (SchemaOutOfDateError, DatabaseBusyError, DatabaseUnreachableError)):
            fail(str(exc), FAILURE)
        if isinstance(exc, DatabaseUnavailableError) and (reason := unsaved_reason(exc)):
            fail(reason, FAILURE)
        if isinstance(exc, OSError):
            from crampcare.i18n.wording import os_reason

            fail(f"{exc.filename}: {os_reason(exc)}" if exc.filename else os_reason(exc), FAILURE)
        detail = str(exc).splitlines()[0] if str(exc) else ""
        fail(f"{type(exc).__name__}: {detail} " + _("(set {variable} for details)", variable="CRAMPCARE_DEBUG=1"),
             FAILURE)
