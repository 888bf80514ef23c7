"""Options shared by several commands, so they read and behave the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="CRAMPCARE_DB",
        show_envvar=True,
        show_default=False,
        help="Diary database: a SQLite file path, sqlite:///… or postgresql+psycopg://… URL "
        "(default: crampcare.db in your user data folder).",
    ),
]
