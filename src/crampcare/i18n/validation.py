"""Pydantic's refusals in the reader's language.

Pydantic writes its messages in English only. Our own validators raise messages that are already
translated (``ValueError(_("…"))``); for pydantic's built-in checks the error ``type`` (stable
across pydantic versions) and its ``ctx`` say what was wrong, and the common ones have a gettext
message here. In English, and for a type not listed, pydantic's own message is kept unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crampcare.i18n.context import N_, _, current_language, current_localizer, ngettext
from crampcare.i18n.languages import DEFAULT_LANGUAGE

_BY_TYPE = {
    "missing": N_("this field is required"),
    "extra_forbidden": N_("this field is not expected here"),
    "int_parsing": N_("expected a whole number"),
    "int_type": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "float_parsing": N_("expected a number"),
    "float_type": N_("expected a number"),
    "finite_number": N_("expected a number"),
    "bool_parsing": N_("expected true or false"),
    "bool_type": N_("expected true or false"),
    "string_type": N_("expected text"),
    "list_type": N_("expected a list"),
    "dict_type": N_("expected an object"),
    "model_type": N_("expected an object"),
    "model_attributes_type": N_("expected an object"),
    "json_invalid": N_("not valid JSON"),
    "json_type": N_("not valid JSON"),
    "date_parsing": N_("write the date as YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("write the date as YYYY-MM-DD"),
    "date_type": N_("write the date as YYYY-MM-DD"),
    "time_parsing": N_("write the time as HH:MM"),
    "time_type": N_("write the time as HH:MM"),
    "greater_than_equal": N_("must be at least {ge}"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
    "string_pattern_mismatch": N_("is not in the expected form"),
    "literal_error": N_("must be one of: {expected}"),
    "enum": N_("must be one of: {expected}"),
}


def validation_text(error: Mapping[str, Any]) -> str:
    """The message of one pydantic error (an item of ``ValidationError.errors()``)."""
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    kind = str(error.get("type", ""))
    if current_language() == DEFAULT_LANGUAGE or kind not in (*_BY_TYPE, *_COUNTED):
        return message
    context = {key: value for key, value in (error.get("ctx") or {}).items() if isinstance(value, (int, float, str))}
    for key, value in context.items():  # limits as the reader writes numbers: "24", "1,5" (not "24.0", "1.5")
        if isinstance(value, float):
            context[key] = current_localizer().number(int(value) if value.is_integer() else value)
    if isinstance(context.get("expected"), str):  # pydantic lists choices as "'a', 'b' or 'c'", with an English "or"
        context["expected"] = str(context["expected"]).replace("' or '", "', '")
    if kind in _COUNTED:
        return _counted(kind, int(error.get("ctx", {})[_COUNTED[kind]]))
    try:
        return _(_BY_TYPE[kind]).format(**context)
    except (KeyError, IndexError):  # a context value the message does not have: the plain sentence
        return message


# Length limits, counted: «не короче 1 символа», «не больше 20 элементов» (the count's plural form).
_COUNTED = {"string_too_short": "min_length", "string_too_long": "max_length", "too_short": "min_length",
            "too_long": "max_length"}


def _counted(kind: str, n: int) -> str:
    if kind == "string_too_short":
        return ngettext("must be at least {n} character long", "must be at least {n} characters long", n)
    if kind == "string_too_long":
        return ngettext("must be at most {n} character long", "must be at most {n} characters long", n)
    if kind == "too_short":
        return ngettext("must have at least {n} item", "must have at least {n} items", n)
    return ngettext("must have at most {n} item", "must have at most {n} items", n)


# Diary fields whose limit a person who typed the value (the CLI's options, the web's forms) is told
# with a unit, in the unit they type: ``--fluids 99L`` is "at most 15 L (got 99 L)", not "at most
# 15000 (got 99000)" in the millilitres it is stored in. Not for the API, whose clients send the
# stored units (fluids_ml). The value is (stored units in one shown unit, the shown unit).
_SHOWN_IN: dict[str, tuple[int, str]] = {
    "fluids_ml": (1000, N_("L")),
    "duration_s": (60, N_("min")),
    "minutes_to_relief": (1, N_("min")),
    "sitting_hours": (1, N_("h")),
    "temperature_swing_c": (1, "°C"),
    "alcohol_units": (1, N_("units of alcohol")),
}
_BOUNDS = {"le": N_("must be at most {limit} {unit} (got {value} {unit})"),
           "ge": N_("must be at least {limit} {unit} (got {value} {unit})")}


def typed_limit_text(error: Mapping[str, Any], field: str) -> str | None:
    """A range error of a field in ``_SHOWN_IN``, said in its unit (None for any other error)."""
    shown = _SHOWN_IN.get(field)
    bound = next((key for key in _BOUNDS if key in (error.get("ctx") or {})), None)
    if shown is None or bound is None or not isinstance(error.get("input"), (int, float)):
        return None
    per_unit, unit = shown
    localizer = current_localizer()

    def said(amount: float) -> str:
        value = round(amount / per_unit, 2)
        return str(localizer.number(int(value) if float(value).is_integer() else value))

    return _(_BOUNDS[bound], limit=said(error["ctx"][bound]), value=said(error["input"]), unit=_(unit))
