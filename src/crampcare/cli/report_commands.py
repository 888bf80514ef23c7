"""Report commands: ``report`` (HTML or PDF for the doctor) and ``reminders`` (.ics calendar).

Thin: parse the flags, call :mod:`crampcare.services.report`, write the file. WeasyPrint, matplotlib
and icalendar are imported inside the commands, so ``crampcare --help`` stays fast.

Refused input (a bad date, ``--from`` after ``--to``, an unknown file type, a file that
cannot be written) ends with one line on stderr and exit code 2, never a traceback.
Failures that are not the person's input (an unreachable database) exit with 1; set
``CRAMPCARE_DEBUG=1`` to see the traceback.
"""

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from crampcare.cli.errors import Refused as _Refused
from crampcare.cli.errors import friendly_errors as _friendly_errors
from crampcare.cli.options import DbOption
from crampcare.i18n.context import _

__all__ = ["register"]

REPORT_SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def _date(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    from crampcare.diary.units import parse_date

    try:
        return parse_date(text, allow_future=True)
    except ValueError as exc:
        raise _Refused(f"{flag}: {exc}") from None


def _not_a_folder(path: Path, example: str) -> None:
    if path.is_dir():
        raise _Refused(_("--out {path}: is a folder; give a file name such as {example}", path=path, example=path / example))


def _check_writable(path: Path) -> None:
    """Refuse early (before any slow work) a path that cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise _Refused(_("--out {path}: the folder {folder} does not exist", path=path, folder=folder))
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise _Refused(_("--out {path}: cannot write there (permission denied)", path=path))


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in one step: a crash never leaves half a file."""
    folder = path.parent if str(path.parent) else Path(".")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; give it a normal file's mode
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        from crampcare.i18n.wording import os_reason

        raise _Refused(_("--out {path}: cannot write: {reason}", path=path, reason=os_reason(exc))) from None


def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write it: a .pdf or .html file.")] = Path(
        "crampcare-report.pdf"
    ),
    start: Annotated[
        str | None, typer.Option("--from", help="First date (YYYY-MM-DD, today, yesterday).", show_default=False)
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last date (inclusive).", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """A one- to two-page report for your doctor (PDF or HTML): how often, how long, where, what helped,
    possible triggers, medicines, and your latest assessment with its sources."""
    with _friendly_errors():
        _not_a_folder(out, "report.pdf")
        kind = REPORT_SUFFIXES.get(out.suffix.lower())
        if kind is None and not out.suffix:
            raise _Refused(_("--out {path}: the file name has no extension; use a .pdf or .html file name", path=out))
        if kind is None:
            raise _Refused(_("--out {path}: '{suffix}' is not a report type; use a .pdf or .html file name", path=out,
                             suffix=out.suffix))
        first, last = _date(start, "--from"), _date(end, "--to")
        if first and last and first > last:
            raise _Refused(_("--from {first} is after --to {last}", first=first.isoformat(), last=last.isoformat()))
        _check_writable(out)

        from rich.console import Console

        from crampcare.services import report
        from crampcare.services.diary import open_diary

        console = Console(stderr=True)
        with console.status(_("Opening the diary…")) as status:
            store = open_diary(db)
            try:
                if kind == "pdf":
                    data = report.report_pdf(store, first, last, progress=status.update)
                else:
                    data = report.report_html(store, first, last, progress=status.update).encode("utf-8")
            finally:
                store.close()
            status.update(_("Saving…"))
            _write(out, data)
        typer.echo(_("Wrote the report to {path} ({size} KB).", path=out, size=len(data) // 1024 + 1))


def reminders_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="The calendar file to write (.ics).")] = Path(
        "crampcare.ics"
    ),
    exercises: Annotated[
        str, typer.Option("--exercises", help="Time of the bedtime-exercise reminder, or 'off'.")
    ] = "21:30",
    diary: Annotated[str, typer.Option("--diary", help="Time of the evening diary reminder, or 'off'.")] = "21:45",
    start: Annotated[str | None, typer.Option("--start", help="First day (default today).", show_default=False)] = None,
) -> None:
    """Daily calendar reminders (.ics) for the bedtime exercises and the evening diary;
    import the file into your phone's or computer's calendar."""
    with _friendly_errors():
        _not_a_folder(out, "crampcare.ics")
        if not out.suffix:
            raise _Refused(_("--out {path}: the file name has no extension; use a name ending in .ics", path=out))
        if out.suffix.lower() not in (".ics", ".ical", ".ifb", ".icalendar"):
            raise _Refused(_("--out {path}: '{suffix}' is not a calendar file; use a name ending in .ics", path=out,
                             suffix=out.suffix))
        first = _date(start, "--start")
        _check_writable(out)

        from crampcare.services.report import reminders as reminders_ics

        def when(text: str) -> str | None:
            return None if text.strip().lower() in ("off", "none", "no") else text

        data = reminders_ics(when(exercises), when(diary), first)
        _write(out, data)
        parts = []
        if when(exercises):
            parts.append(_("bedtime exercises at {time}", time=exercises))
        if when(diary):
            parts.append(_("diary at {time}", time=diary))
        typer.echo(_("Wrote daily reminders ({what}) to {path}; open it with your calendar app.",
                     what=_(" and ").join(parts), path=out))


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``reminders`` to ``app`` (the main ``crampcare`` app or a test app)."""
    app.command("report")(report_command)
    app.command("reminders")(reminders_command)
