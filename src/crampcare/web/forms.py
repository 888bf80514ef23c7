"""Turning HTML form fields into answers and diary records, with a message per bad field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from crampcare.assess.answers import AnswerError, check_answer, parse_number_answer
from crampcare.diary.dates import check_date
from crampcare.digits import OtherDigitsError, refuse_other_digits
from crampcare.i18n.context import _
from crampcare.i18n.validation import typed_limit_text, validation_text
from crampcare.knowledge.loader import KnowledgeBase

MAX_FIELD = 4000


class FormErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip()[:MAX_FIELD]


def values(form: FormData, name: str) -> list[str]:
    return [v.strip()[:MAX_FIELD] for v in form.getlist(name) if isinstance(v, str) and v.strip()]


# --------------------------------------------------------------------------- interview


def answers_from_form(kb: KnowledgeBase, form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """(valid answers, errors by question id). Unanswered questions are left out."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in kb.questions.values():
        qid = question.id
        try:
            if question.type == "multiple":
                chosen = values(form, qid)
                if chosen:
                    answers[qid] = check_answer(question, chosen)
                continue
            raw = text(form, qid)
            if not raw:
                continue
            if question.type == "yes_no":
                if raw not in ("yes", "no"):
                    raise AnswerError(qid, _("choose yes or no"))
                answers[qid] = raw == "yes"
            elif question.type == "number":
                answers[qid] = parse_number_answer(question, raw)  # as the CLI prompt reads it
            else:
                answers[qid] = check_answer(question, raw)
        except AnswerError as exc:
            errors[qid] = exc.message
    return answers, errors


# --------------------------------------------------------------------------- diary


def parse_date(raw: str, field: str, errors: dict[str, str], default: dt.date | None = None) -> dt.date | None:
    if not raw:
        if default is None:
            errors[field] = _("choose a date")
        return default
    try:
        value = dt.date.fromisoformat(refuse_other_digits(raw))
    except OtherDigitsError as exc:
        errors[field] = str(exc)
        return None
    except ValueError:
        errors[field] = _("write the date as YYYY-MM-DD")
        return None
    try:
        return check_date(value)
    except ValueError as exc:
        errors[field] = str(exc)
        return None


def blank_cramp(form: FormData, prefix: str) -> bool:
    """Nothing chosen in a cramp row (the edit form's "add a cramp" row left empty): not a cramp."""
    return not any((text(form, prefix + "leg"), values(form, prefix + "muscles"), text(form, prefix + "severity"),
                    values(form, prefix + "helped"), text(form, prefix + "minutes_to_relief")))


def cramp_from_form(form: FormData, prefix: str = "") -> tuple[dict[str, Any], dict[str, str]]:
    """Values for a :class:`Cramp` from the night form (``prefix`` for the edit form's rows)."""
    from crampcare.diary import units

    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    start = text(form, prefix + "start")
    try:
        out["start"] = units.parse_time(start) if start else dt.datetime.now().time().replace(second=0, microsecond=0)
    except (ValueError, OverflowError) as exc:
        errors[prefix + "start"] = str(exc)
    duration = text(form, prefix + "duration") or text(form, prefix + "duration_other")
    try:
        if not duration:
            raise ValueError(_("choose how long it lasted"))
        # The form's choices send whole seconds; anything else is read as typed (other scripts' digits refused there).
        out["duration_s"] = (int(duration) if duration.isascii() and duration.isdigit() and len(duration) < 7
                             else units.parse_duration_s(duration))
    except (ValueError, OverflowError) as exc:
        errors[prefix + "duration"] = str(exc)
    out["leg"] = text(form, prefix + "leg") or None
    out["muscles"] = values(form, prefix + "muscles")
    severity = text(form, prefix + "severity")
    try:
        out["severity"] = units.parse_severity(severity) if severity else None
    except (ValueError, OverflowError) as exc:
        errors[prefix + "severity"] = str(exc)
    out["helped"] = values(form, prefix + "helped")
    relief = text(form, prefix + "minutes_to_relief")
    if relief:
        try:  # as `crampcare log night --relief-minutes` reads it
            out["minutes_to_relief"] = units.parse_decimal(relief, what=_("minutes to relief"), unit="m")
        except (ValueError, OverflowError) as exc:
            errors[prefix + "minutes_to_relief"] = str(exc)
    return out, errors


# The form's name for a record's field where they differ: the form takes what people type (1.5 L,
# 3 min), the record keeps millilitres and seconds. An error keyed by the form's name is shown beside
# its field (and the field marked invalid), not only in the list at the top.
_FORM_FIELDS = {"fluids_ml": "fluids", "duration_s": "duration"}


def validation_messages(exc: ValidationError, cramp_prefixes: Sequence[str] = ()) -> dict[str, str]:
    """The record's refusals by the form field they belong to. ``cramp_prefixes``: the form's prefix of
    each cramp in the record, in order ("" for the night form's one cramp, ``c2_`` for an edit form's
    third row); a cramp without one is named ``cramp<i>_<field>``."""
    found: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        if not loc:
            name = "form"
        elif loc[0] == "cramps" and len(loc) >= 3:
            index = int(loc[1])
            row = cramp_prefixes[index] if index < len(cramp_prefixes) else f"cramp{index}_"
            name = row + _FORM_FIELDS.get(loc[2], loc[2])
        else:
            name = _FORM_FIELDS.get(loc[0], loc[0])
        found.setdefault(name, (typed_limit_text(error, loc[-1]) if loc else None) or validation_text(error))
    return found


def yes_no(form: FormData, name: str, errors: dict[str, str]) -> bool | None:
    """A yes / no / not logged choice: ``None`` when left empty (not logged is not "no")."""
    raw = text(form, name)
    if raw and raw not in ("yes", "no"):
        errors[name] = _("choose yes or no")
        return None
    return raw == "yes" if raw else None


DAY_BOOLS = ("unusual_activity", "cold_exposure", "uncomfortable_shoes", "caffeine", "exercises_done")


def day_from_form(form: FormData, date: dt.date) -> dict[str, Any]:
    """Values for a :class:`DayRecord`; empty fields stay ``None`` (not logged)."""
    from crampcare.diary import units

    errors: dict[str, str] = {}
    out: dict[str, Any] = {"date": date}
    fluids = text(form, "fluids")
    if fluids:
        try:
            out["fluids_ml"] = units.parse_volume_ml(fluids)
        except (ValueError, OverflowError) as exc:
            errors["fluids"] = str(exc)
    for name in ("activity", "stress"):
        out[name] = text(form, name) or None
    for name in DAY_BOOLS:
        answer = yes_no(form, name, errors)
        if answer is not None:
            out[name] = answer
    # Read as `crampcare log day --sitting/--temp-swing/--alcohol` reads them.
    for name, parse in (("sitting_hours", units.parse_hours),
                        ("temperature_swing_c", lambda t: units.parse_decimal(t, what=_("temperature swing"), unit="c")),
                        ("alcohol_units", lambda t: units.parse_decimal(t, what=_("alcohol units")))):
        raw = text(form, name)
        if raw:
            try:
                out[name] = parse(raw)
            except (ValueError, OverflowError) as exc:
                errors[name] = str(exc)
    week = text(form, "pregnancy_week")
    if week:
        try:
            refuse_other_digits(week)
        except OtherDigitsError as exc:
            errors["pregnancy_week"] = str(exc)
        else:
            if week.isdigit() and len(week) < 4:
                out["pregnancy_week"] = int(week)
            else:
                errors["pregnancy_week"] = _("write a whole number of weeks")
    out["diet"] = values(form, "diet")
    out["medicines"] = values(form, "medicines")
    out["tags"] = [t.strip() for t in text(form, "tags").split(",") if t.strip()]
    out["notes"] = text(form, "notes")
    if errors:
        raise FormErrors(errors)
    return out


def form_dict(form: FormData) -> dict[str, Any]:
    """The submitted values, to re-fill a form after an error (lists for repeated names)."""
    out: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = items if len(items) != 1 else items[0]
    return out


def as_list(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
