"""`crampcare db upgrade|status`: schema migrations for a server's shared database."""

from collections.abc import Callable
from typing import TypeVar

import typer

from crampcare.i18n.context import _

T = TypeVar("T")

db_app = typer.Typer(help="Database schema: apply migrations (server mode) or show the version.",
                     no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(
    db: str | None = typer.Option(None, "--db", envvar="CRAMPCARE_DB", help="Database path or URL."),
) -> None:
    """Apply every pending Alembic migration (safe to repeat)."""
    from crampcare.services.database import upgrade_schema

    before = _safe(upgrade_schema, db)
    typer.echo(_("schema at {head} (was {before})", head=before.head, before=before.current or _("empty")))


@db_app.command("status")
def status_command(
    db: str | None = typer.Option(None, "--db", envvar="CRAMPCARE_DB", help="Database path or URL."),
) -> None:
    """Show the schema version and whether it is up to date; exit 1 when it is not."""
    from crampcare.services.database import schema_status

    status = _safe(schema_status, db)
    typer.echo(_("schema {current}; this crampcare needs {head}", current=status.current or _("empty"), head=status.head))
    if not status.up_to_date:
        typer.echo(_("run `crampcare db upgrade` to bring it up to date"), err=True)
        raise typer.Exit(1)


def _safe(function: Callable[[str | None], T], db: str | None) -> T:
    from crampcare.services.database import DatabaseUnreachableError, SchemaOutOfDateError

    try:
        return function(db)
    except (DatabaseUnreachableError, SchemaOutOfDateError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
