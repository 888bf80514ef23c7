"""``--lang`` and ``--region`` on every command, whichever module defines it.

Each command gets the two options when the app is built (``LanguageGroup``), so no command can
forget them; they are eager, so the language is chosen before any other option is read and even
error lines come out in it."""

from __future__ import annotations

from typing import Any

import typer

from crampcare.i18n.context import _, activate
from crampcare.i18n.languages import SUPPORTED_LANGUAGES, choose_language
from crampcare.i18n.regions import REGIONS


def _set_language(ctx: typer.Context, value: str | None) -> None:
    # ctx.meta is shared by the whole command chain: `crampcare --lang ru log night` chooses once,
    # and a level without the flag keeps what an outer level chose.
    if value is None and "crampcare.lang" in ctx.meta:
        return
    choice = choose_language(value)
    notice = choice.notice()
    if notice and ctx.meta.get("crampcare.notice") != notice:
        typer.echo(notice, err=True)  # said once per run
        ctx.meta["crampcare.notice"] = notice
    ctx.meta["crampcare.lang"] = choice.code
    activate(choice.code, ctx.meta.get("crampcare.region"))


def _set_region(ctx: typer.Context, value: str | None) -> None:
    if value is None:
        return
    if value.strip().upper() not in REGIONS:
        raise typer.BadParameter(_("unknown region {region!r}; choose from: {choices}", region=value, choices=", ".join(REGIONS)))
    ctx.meta["crampcare.region"] = value.strip().upper()
    activate(ctx.meta.get("crampcare.lang") or choose_language(None).code, ctx.meta["crampcare.region"])


_LANGUAGES = ", ".join(SUPPORTED_LANGUAGES)
_REGIONS = ", ".join(REGIONS)


def _options_template(
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", expose_value=False, is_eager=True,
                                    callback=_set_language, show_default=False,
                                    help=f"Language ({_LANGUAGES}); default: CRAMPCARE_LANG, then the system locale."),
    region: str | None = typer.Option(None, "--region", metavar="REGION", expose_value=False, is_eager=True,
                                      callback=_set_region, show_default=False,
                                      help=f"Whose emergency numbers to show ({_REGIONS}); "
                                      "default: CRAMPCARE_REGION, then the locale."),
) -> None:
    """Only its parameters are used: Typer builds them as for any command."""


def language_options() -> list[Any]:
    template = typer.Typer()
    template.command()(_options_template)
    return list(typer.main.get_command(template).params)


def add_language_options(command: Any) -> None:
    """Give ``command`` and every subcommand ``--lang`` and ``--region`` (once)."""
    names = {name for param in command.params for name in getattr(param, "opts", [])}
    if "--lang" not in names:
        command.params[:0] = language_options()
    for sub in getattr(command, "commands", {}).values():
        add_language_options(sub)


class LanguageGroup(typer.core.TyperGroup):
    """The root group: adds the language options to the whole command tree once it is built."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        add_language_options(self)
