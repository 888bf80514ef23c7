"""`crampcare db upgrade|status`: schema migrations for a server's shared database."""

from __future__ import annotations

import typer

from crampcare.i18n.context import _

db_app = typer.Typer(help="Database schema: apply migrations (server mode) or show the version.",
                     no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(
    db: str | None = typer.Option(None, "--db", envvar="CRAMPCARE_DB", help="Database path or URL."),
) -> None:
    """Apply every pending Alembic migration (safe to repeat)."""
    from crampcare.diary.database import current_revision, head_revision, resolve_db_url, upgrade

    url = resolve_db_url(db)
    before = _safe(current_revision, url)
    upgrade(url)
    typer.echo(_("schema at {head} (was {before})", head=head_revision(), before=before or _("empty")))


@db_app.command("status")
def status_command(
    db: str | None = typer.Option(None, "--db", envvar="CRAMPCARE_DB", help="Database path or URL."),
) -> None:
    """Show the schema version and whether it is up to date; exit 1 when it is not."""
    from crampcare.diary.database import current_revision, head_revision, resolve_db_url

    url = resolve_db_url(db)
    current = _safe(current_revision, url)
    head = head_revision()
    typer.echo(_("schema {current}; this crampcare needs {head}", current=current or _("empty"), head=head))
    if current != head:
        typer.echo(_("run `crampcare db upgrade` to bring it up to date"), err=True)
        raise typer.Exit(1)


def _safe(function, url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return function(url)
    except SQLAlchemyError as exc:
        typer.echo(f"error: cannot reach the database: {exc.__class__.__name__}: {str(exc.orig if hasattr(exc, 'orig') else exc).strip().splitlines()[0]}", err=True)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
