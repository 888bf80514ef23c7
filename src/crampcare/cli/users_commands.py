"""`crampcare users grant|revoke|list`: clinicians and admins of a server (server mode only).

Roles are given here and nowhere else: the web never makes anyone a clinician or an admin, so
the first admin cannot be whoever reaches a new server first.
"""

from enum import Enum
from typing import Any, NoReturn

import typer

from crampcare.i18n.context import N_, _, ngettext

users_app = typer.Typer(help="Server mode: make an account a clinician or an admin, or a patient again.",
                        no_args_is_help=True)


class RoleChoice(str, Enum):
    clinician = "clinician"
    admin = "admin"


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _server_engine(db: str | None) -> Any:
    """The server's database, up to date; the local diary has no accounts to give roles to."""
    from crampcare.services.clinic import server_engine
    from crampcare.services.database import DatabaseUnreachableError, SchemaOutOfDateError

    if not db:
        _fail(_("roles exist only on a server: give its database with --db URL (or CRAMPCARE_DB)"))
    try:
        return server_engine(db)
    except SchemaOutOfDateError as exc:
        _fail(f"{exc} (`crampcare db upgrade --db ...`)")
    except DatabaseUnreachableError as exc:
        _fail(str(exc))


# A role change ends the account's sessions and tokens (clinic.roles): the operator tells the person.
LOG_IN_AGAIN = N_("Their sessions and personal API tokens have ended: they log in again.")
DbOption = typer.Option(None, "--db", envvar="CRAMPCARE_DB", help="The server's database URL.")


@users_app.command("grant")
def grant_command(
    email: str = typer.Argument(..., help="The e-mail of an existing account."),
    role: RoleChoice = typer.Option(..., "--role", help="clinician or admin."),
    db: str | None = DbOption,
) -> None:
    """Make an account a clinician or an admin (it must have signed up first)."""
    from crampcare.services.clinic import ClinicError, grant_role

    engine = _server_engine(db)
    try:
        grant_role(engine, email, role.value)
    except ClinicError as exc:
        _fail(exc.message)
    finally:
        engine.dispose()
    address = email.strip().lower()
    typer.echo(_("{email} is now an admin", email=address) if role.value == "admin"
               else _("{email} is now a clinician", email=address))
    typer.echo(_(LOG_IN_AGAIN))


@users_app.command("revoke")
def revoke_command(
    email: str = typer.Argument(..., help="The e-mail of the account."),
    db: str | None = DbOption,
) -> None:
    """Make a clinician or admin a patient again, from their next request; every share with them ends."""
    from crampcare.services.clinic import ClinicError, revoke_role

    engine = _server_engine(db)
    try:
        revoked = revoke_role(engine, email)
    except ClinicError as exc:
        _fail(exc.message)
    finally:
        engine.dispose()
    typer.echo(_("{email} is a patient (was {role})", email=email.strip().lower(), role=revoked.role))
    typer.echo(_(LOG_IN_AGAIN))
    if revoked.shares_ended:
        typer.echo(ngettext("{n} share with patients ended (each patient's sharing page says so).",
                            "{n} shares with patients ended (each patient's sharing page says so).",
                            revoked.shares_ended))


@users_app.command("list")
def list_command(db: str | None = DbOption) -> None:
    """Every clinician and admin."""
    from crampcare.services.clinic import list_roles

    engine = _server_engine(db)
    try:
        for email, role in list_roles(engine):
            typer.echo(f"{role:10} {email}")
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
