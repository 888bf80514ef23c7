"""``--lang`` and ``--region`` on every command, whichever module defines it, and ``--help`` in the language.

Each command gets the two options when the app is built (``LanguageGroup``), so no command can
forget them; they are eager, so the language is chosen before any other option is read and even
error lines come out in it."""

import copy
import functools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from crampcare.cli.help_values import name_option_values
from crampcare.i18n.context import N_, _, activate, current_language
from crampcare.i18n.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, choose_language
from crampcare.i18n.regions import REGIONS


def _set_language(ctx: typer.Context, value: str | None) -> None:
    # ctx.meta is shared by the whole command chain: `crampcare --lang ru log night` chooses once,
    # and a level without the flag keeps what an outer level chose.
    if value is None and "crampcare.lang" in ctx.meta:
        return
    if value is None and _started_in is not None:
        # The flag may come later on the line (`crampcare log --nope --lang ru`): a refusal of what
        # comes before it is already said in the language the run was started in.
        ctx.meta["crampcare.lang"] = _started_in
        activate(_started_in, ctx.meta.get("crampcare.region"))
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
_HELP_VALUES = {"languages": _LANGUAGES, "regions": _REGIONS}


def _options_template(
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", expose_value=False, is_eager=True,
                                    callback=_set_language, show_default=False,
                                    help="Language ({languages}); default: CRAMPCARE_LANG, then the system locale."),
    region: str | None = typer.Option(None, "--region", metavar="REGION", expose_value=False, is_eager=True,
                                      callback=_set_region, show_default=False,
                                      help="Whose emergency numbers to show ({regions}); "
                                      "default: CRAMPCARE_REGION, then the locale."),
) -> None:
    # Only its parameters are used: Typer builds them as for any command.
    return None


@functools.cache
def _built_language_options() -> tuple[Any, ...]:
    # Typer builds a whole command to make two options: once per process, not once per command
    # (about 30 commands, a third of a second of every in-process run).
    # add_completion=False: else Typer adds --install-completion and --show-completion to the
    # template, and they would be copied onto every command (crampcare has no shell completion).
    template = typer.Typer(add_completion=False)
    template.command()(_options_template)
    return tuple(typer.main.get_command(template).params)


def language_options() -> list[Any]:
    """Fresh copies of ``--lang`` and ``--region`` for one command: their help is translated in place."""
    params: list[Any] = [copy.copy(param) for param in _built_language_options()]
    for param in params:
        param.help_message = param.help  # the gettext message, its values filled in where shown
        param.help = _(param.help_message, **_HELP_VALUES)
    return params


# Texts Click and Typer write themselves, in English, for the catalog (--help).
LIBRARY_HELP_TEXTS = (
    N_("Options"), N_("Commands"), N_("Arguments"), N_("[required]"), N_("[default: {}]"), N_("[env var: {}]"),
    N_("Show this message and exit."),
)


# The language ``crampcare`` was started with (its command line and environment), for ``--help``.
_started_in: str | None = None


@contextmanager
def started_with(argv: list[str]) -> Iterator[None]:
    """For one run: note the language of ``--lang``/``CRAMPCARE_LANG``/the locale from the whole
    command line, so ``--help`` is written in it even when it comes before ``--lang`` (Click runs the
    eager options in the order they were typed). ``--lang``'s own callback says once if the language
    is missing. Forgotten afterwards, so a later run in the same process chooses afresh."""
    global _started_in
    requested = None
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            requested = argv[index + 1]
        elif arg.startswith("--lang="):
            requested = arg.split("=", 1)[1]
    _started_in = choose_language(requested).code
    try:
        yield
    finally:
        _started_in = None


def help_language(ctx: Any) -> str:
    """The language the whole command line and environment give (``crampcare``), else ``--lang`` if
    it was read before ``--help`` (a test runner's invocation), else the environment's."""
    chosen = ctx.meta.get("crampcare.lang") if ctx is not None else None
    return _started_in or chosen or choose_language(None).code


def translated_help(ctx: Any) -> str:
    """The help page of ``ctx``'s command in the help language."""
    activate(help_language(ctx), ctx.meta.get("crampcare.region"))
    translate_help(ctx.command)
    _localize_help_formatter()
    return str(ctx.get_help())


def _localize_help_formatter() -> None:
    """Typer's panel titles and notes are module settings of its help formatter (English as shipped):
    set them for each help page, English included, so one run's language does not stay for the next."""
    from typer import rich_utils

    rich_utils.OPTIONS_PANEL_TITLE, rich_utils.COMMANDS_PANEL_TITLE = _("Options"), _("Commands")
    rich_utils.ARGUMENTS_PANEL_TITLE, rich_utils.REQUIRED_LONG_STRING = _("Arguments"), _("[required]")
    rich_utils.DEFAULT_STRING, rich_utils.ENVVAR_STRING = _("[default: {}]"), _("[env var: {}]")


def _show_help(ctx: Any, _param: Any, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    typer.echo(translated_help(ctx), color=ctx.color)
    ctx.exit()


def translate_help(command: Any) -> None:
    """The help texts of ``command`` in the current language (gettext messages extracted from the
    code by scripts/babel/cli_help.py; English is the code's own text). Each command is built anew
    for every run, so translating in place touches nothing else."""
    if current_language() == DEFAULT_LANGUAGE:
        return
    for item in (command, *command.params):
        if getattr(item, "help_message", None):
            item.help = _(item.help_message, **_HELP_VALUES)
        elif getattr(item, "help", None):
            item.help = _(item.help)
    if getattr(command, "short_help", None):
        command.short_help = _(command.short_help)
    help_option = command.get_help_option(typer.Context(command))
    if help_option is not None and help_option.help:
        help_option.help = _(help_option.help)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)


def use_translated_help(command: Any) -> None:
    """``--help`` of ``command`` and every subcommand shows the help in the help language."""
    help_option = command.get_help_option(typer.Context(command))
    if help_option is not None:
        help_option.callback = _show_help
    for sub in getattr(command, "commands", {}).values():
        use_translated_help(sub)


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
        # Built in the language the run was started in, so every help text is written in it (a help
        # page can be printed while the command line is parsed, before any option's callback).
        activate(help_language(None))
        add_language_options(self)
        name_option_values(self)
        translate_help(self)
        use_translated_help(self)
        if current_language() != DEFAULT_LANGUAGE or "typer.rich_utils" in sys.modules:
            _localize_help_formatter()  # English runs that show no help never load the formatter
