"""What a help page shows for an option's value: ``--from DATE``, ``--out FILE``, ``--leg LEG``,
nothing after a flag such as ``--save`` or ``--help``, and the choices of ``--format``.

Typer (from 0.29) shows the Python type instead — ``--date <str>``, ``--save <bool>``,
``--muscle <list[str]>`` — which tells a person nothing they can type. An option's own ``metavar``
wins, so the names are set once on the built command tree (``LanguageGroup``) rather than repeated
on some sixty options.
"""

from typing import Any

import typer


def _described(param: Any, kind: str) -> bool:
    """Whether Typer describes the option's type as ``kind`` (``is_choice``, ``is_path``, ``is_file``)."""
    return bool(getattr(getattr(param, "type_descriptor", None), kind, False))


# Options named for where a period starts or ends take a date.
_DATES = frozenset({"date", "from", "to", "start", "end"})


def value_name(param: Any) -> str | None:
    """The name an option's value is shown by (None: leave the option as it is)."""
    # Duck-typed: Typer builds its options on its own copy of Click, not on click.Option.
    if param.metavar is not None or getattr(param, "param_type_name", None) != "option" or _described(param, "is_choice"):
        return None
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    if _described(param, "is_path") or _described(param, "is_file"):
        return "FILE"
    name = max(param.opts, key=len).lstrip("-")
    return "DATE" if name in _DATES else name.replace("-", "_").upper()


def name_option_values(command: Any) -> None:
    """Set the value names of ``command``'s options, its ``--help`` and every subcommand's."""
    for param in (*command.params, command.get_help_option(typer.Context(command))):
        if param is not None and (name := value_name(param)) is not None:
            param.metavar = name
    for sub in getattr(command, "commands", {}).values():
        name_option_values(sub)
