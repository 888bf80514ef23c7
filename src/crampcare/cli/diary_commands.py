"""Diary commands: ``log night|day``, ``diary list|show|edit|delete|undo``, ``export``, ``import``.

The module is deliberately thin: it parses flags with :mod:`crampcare.diary.units`, builds
records, calls one function of :mod:`crampcare.services.diary` or
:mod:`crampcare.services.transfer`, and renders. Heavy imports (SQLAlchemy, pydantic, Rich)
happen inside the commands so ``crampcare --help`` stays fast.

Any refused input ends the same way: one line on stderr, exit code 2, nothing stored
changed, no traceback. (Failures that are not the person's input, such as an unreachable
database, exit with 1; set ``CRAMPCARE_DEBUG=1`` to see the traceback.)
"""

import datetime as dt
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crampcare.cli.errors import Refused as _Refused
from crampcare.cli.errors import friendly_errors, validation_message
from crampcare.cli.options import DbOption
from crampcare.digits import refuse_other_digits
from crampcare.i18n import formatting
from crampcare.i18n.context import _, current_localizer
from crampcare.i18n.wording import cramp_place, diary_word, helped_words

if TYPE_CHECKING:
    from crampcare.diary.records import Cramp, DayRecord, NightRecord
    from crampcare.services.diary import Diary

__all__ = ["register"]


# --------------------------------------------------------------------------- options

DateOption = Annotated[
    str | None, typer.Option("--date", help="YYYY-MM-DD, today, tonight or yesterday.", show_default=False)
]
FromOption = Annotated[str | None, typer.Option("--from", help="First date (inclusive).", show_default=False)]
ToOption = Annotated[str | None, typer.Option("--to", help="Last date (inclusive).", show_default=False)]
NotesOption = Annotated[str | None, typer.Option("--notes", help="Free text.", show_default=False)]

# Night / cramp flags
TimeOption = Annotated[
    str | None,
    typer.Option("--time", help="When it began: 03:10, 3:10, 0310, now (default now).", show_default=False),
]
DurationOption = Annotated[
    str | None, typer.Option("--duration", help="How long: 90s, 3m, 1m30s, 2 min.", show_default=False)
]
LegOption = Annotated[str | None, typer.Option("--leg", help="left, right or both.", show_default=False)]
MuscleOption = Annotated[
    list[str] | None,
    typer.Option("--muscle", help="calf, foot, toes, thigh or other (repeat for several).", show_default=False),
]
SeverityOption = Annotated[str | None, typer.Option("--severity", help="Pain 0-10.", show_default=False)]
HelpedOption = Annotated[
    list[str] | None,
    typer.Option("--helped", help="stretch, walk, massage, warmth, pain_reliever, other (repeat).", show_default=False),
]
ReliefOption = Annotated[
    str | None, typer.Option("--relief-minutes", help="Minutes until it eased.", show_default=False)
]
SignOption = Annotated[
    list[str] | None,
    typer.Option("--sign", help="hard_knot, twitching, whole_limb (repeat).", show_default=False),
]
CrampOption = Annotated[
    list[str] | None,
    typer.Option(
        "--cramp",
        help="A whole cramp in one go: TIME,DURATION,LEG,MUSCLE[+MUSCLE],SEVERITY[,HELPED[+HELPED][,RELIEF_MIN]] "
        "(repeat for several).",
        show_default=False,
    ),
]
NoneOption = Annotated[bool, typer.Option("--none", help="A quiet night: no cramp.")]
SleepOption = Annotated[
    bool | None, typer.Option("--sleep-disturbed/--no-sleep-disturbed", help="Did it disturb your sleep?")
]

# Day flags
FluidsOption = Annotated[
    str | None, typer.Option("--fluids", help="Drunk today: 1.5L, 1,5 l, 1500ml.", show_default=False)
]
ActivityOption = Annotated[str | None, typer.Option("--activity", help="low, normal or high.", show_default=False)]
UnusualOption = Annotated[
    bool | None,
    typer.Option("--unusual-activity/--no-unusual-activity", help="First activity in a while, or much more."),
]
SittingOption = Annotated[str | None, typer.Option("--sitting", help="Hours sitting: 9, 8.5.", show_default=False)]
ColdOption = Annotated[bool | None, typer.Option("--cold/--no-cold", help="Legs got cold.")]
SwingOption = Annotated[str | None, typer.Option("--temp-swing", help="Temperature swing in °C.", show_default=False)]
StressOption = Annotated[str | None, typer.Option("--stress", help="none, some or high.", show_default=False)]
ShoesOption = Annotated[bool | None, typer.Option("--shoes/--no-shoes", help="Wore uncomfortable shoes.")]
DietOption = Annotated[
    list[str] | None, typer.Option("--diet", help="protein_diet, strict_diet (repeat).", show_default=False)
]
AlcoholOption = Annotated[str | None, typer.Option("--alcohol", help="Units of alcohol.", show_default=False)]
CaffeineOption = Annotated[bool | None, typer.Option("--caffeine/--no-caffeine", help="Had coffee, tea or cola.")]
MedicineOption = Annotated[
    list[str] | None,
    typer.Option("--medicine", help="Medicine id, e.g. statin, diuretic (repeat; 'none' clears).", show_default=False),
]
PregnancyOption = Annotated[
    str | None, typer.Option("--pregnancy-week", help="Week of pregnancy, 1-42.", show_default=False)
]
ExercisesOption = Annotated[bool | None, typer.Option("--exercises/--no-exercises", help="Did the bedtime exercises.")]
TagOption = Annotated[list[str] | None, typer.Option("--tag", help="Your own label (repeat).", show_default=False)]

NARROW_COLUMNS = 60  # below this width ``diary list`` prints one block a date instead of a table

# ``diary edit --clear NAME``: the option's name (without --) for each answer that can be set back to
# "not logged". Which fields are clearable is the diary service's rule (clearable_fields); the test
# tests/diary/test_diary_edit_clear.py keeps this table equal to it.
CLEAR_NAMES: dict[str, tuple[str, str]] = {
    "sleep-disturbed": ("night", "sleep_disturbed"),
    "fluids": ("day", "fluids_ml"),
    "activity": ("day", "activity"),
    "unusual-activity": ("day", "unusual_activity"),
    "sitting": ("day", "sitting_hours"),
    "cold": ("day", "cold_exposure"),
    "temp-swing": ("day", "temperature_swing_c"),
    "stress": ("day", "stress"),
    "shoes": ("day", "uncomfortable_shoes"),
    "alcohol": ("day", "alcohol_units"),
    "caffeine": ("day", "caffeine"),
    "pregnancy-week": ("day", "pregnancy_week"),
    "exercises": ("day", "exercises_done"),
    "relief-minutes": ("cramp", "minutes_to_relief"),
}
ClearOption = Annotated[
    list[str] | None,
    typer.Option(
        "--clear", metavar="NAME", show_default=False,
        help="Set an answer back to 'not logged' (repeat): sleep-disturbed, fluids, activity, unusual-activity, "
        "sitting, cold, temp-swing, stress, shoes, alcohol, caffeine, pregnancy-week, exercises, and a cramp's "
        "relief-minutes (--cramp-number says which).",
    ),
]


# --------------------------------------------------------------------------- error handling


_FLAGS = {
    "start": "--time",
    "duration_s": "--duration",
    "leg": "--leg",
    "muscles": "--muscle",
    "severity": "--severity",
    "signs": "--sign",
    "helped": "--helped",
    "minutes_to_relief": "--relief-minutes",
    "date": "--date",
    "cramps": "--cramp",
    "sleep_disturbed": "--sleep-disturbed",
    "notes": "--notes",
    "fluids_ml": "--fluids",
    "activity": "--activity",
    "unusual_activity": "--unusual-activity",
    "sitting_hours": "--sitting",
    "cold_exposure": "--cold",
    "temperature_swing_c": "--temp-swing",
    "stress": "--stress",
    "uncomfortable_shoes": "--shoes",
    "diet": "--diet",
    "alcohol_units": "--alcohol",
    "caffeine": "--caffeine",
    "medicines": "--medicine",
    "pregnancy_week": "--pregnancy-week",
    "exercises_done": "--exercises",
    "tags": "--tag",
}


def _open(db: str | None) -> "Diary":
    """The local owner's diary, migrated to the current schema (local CLI only; servers must not)."""
    from crampcare.services.diary import open_diary

    return open_diary(db)


def _interactive() -> bool:
    """True when a person is at the keyboard (tests patch this)."""
    return sys.stdin.isatty()


# --------------------------------------------------------------------------- parsing helpers


def _now() -> dt.datetime:
    return dt.datetime.now()


def _date_arg(text: str, flag: str = "DATE") -> dt.date:
    from crampcare.diary import units

    try:
        return units.parse_date(text)
    except ValueError as exc:
        raise _Refused(f"{flag}: {exc}") from None


def _optional_date(text: str | None, flag: str) -> dt.date | None:
    return _date_arg(text, flag) if text else None


def _date_range(start: str | None, end: str | None) -> tuple[dt.date | None, dt.date | None]:
    """``--from`` and ``--to``, refused when reversed (as insights, report and the API do, rather
    than answering "Nothing logged yet" for a diary that has nights)."""
    first, last = _optional_date(start, "--from"), _optional_date(end, "--to")
    if first and last and first > last:
        raise _Refused(_("--from {first} is after --to {last}", first=first.isoformat(), last=last.isoformat()))
    return first, last


def _parsed(flag: str, text: str | None, parser: Callable[[str], Any]) -> Any:
    """``parser(text)``, with the flag named in the error; ``None`` when the flag was not given."""
    if text is None:
        return None
    try:
        return parser(text)
    except ValueError as exc:
        raise _Refused(f"{flag}: {exc}") from None


def _list_option(values: Sequence[str] | None) -> list[str] | None:
    """Repeated flag values (``a,b`` also splits); ``None`` if not given, ``[]`` for ``none``."""
    if not values:
        return None
    items = [part.strip().lower() for value in values for part in value.split(",") if part.strip()]
    return [] if items == ["none"] else items


def _decimal(what: str, unit: str = "") -> Callable[[str], float]:
    from crampcare.diary import units

    return lambda text: units.parse_decimal(text, what=what, unit=unit)


def _int_in(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"\d{1,4}", refuse_other_digits(text).strip()) or not low <= int(text) <= high:
            raise ValueError(_("{what} {text} must be a whole number from {low} to {high}", what=what, text=repr(text[:40]),
                               low=low, high=high))
        return int(text)

    return parse


def _duration(text: str) -> int:
    from crampcare.diary import units
    from crampcare.diary.records import MAX_CRAMP_SECONDS

    seconds = units.parse_duration_s(text)
    if seconds > MAX_CRAMP_SECONDS:
        raise ValueError(_("duration {text} is over {hours} h; cramps last seconds to minutes", text=repr(text),
                           hours=MAX_CRAMP_SECONDS // 3600))
    return seconds


def _cramp_changes(
    time: str | None,
    duration: str | None,
    leg: str | None,
    muscle: list[str] | None,
    severity: str | None,
    helped: list[str] | None,
    relief_minutes: str | None,
    sign: list[str] | None,
) -> dict[str, Any]:
    """The cramp fields given as separate flags (only those given)."""
    from crampcare.diary import units

    changes: dict[str, Any] = {
        "start": _parsed("--time", time, units.parse_time),
        "duration_s": _parsed("--duration", duration, _duration),
        "leg": leg.strip().lower() if leg is not None else None,
        "muscles": _list_option(muscle),
        "severity": _parsed("--severity", severity, units.parse_severity),
        "helped": _list_option(helped),
        "minutes_to_relief": _parsed("--relief-minutes", relief_minutes, _decimal(_("minutes to relief"), "m")),
        "signs": _list_option(sign),
    }
    return {name: value for name, value in changes.items() if value is not None}


def _make_cramp(values: dict[str, Any], label: str | None = None) -> "Cramp":
    from pydantic import ValidationError

    from crampcare.diary.records import Cramp

    try:
        return Cramp.model_validate(values)
    except ValidationError as exc:
        raise _Refused(_validation_message(exc, label)) from None


def _spec_cramps(specs: list[str] | None) -> list["Cramp"]:
    from crampcare.diary import units

    cramps = []
    for spec in specs or []:
        try:
            values = units.parse_cramp_spec(spec, now=_now())
        except ValueError as exc:
            raise _Refused(f"--cramp: {exc}") from None
        cramps.append(_make_cramp(values, f"--cramp {spec!r}"))
    return cramps


def _check_not_future(night: dt.date, cramps: Sequence["Cramp"]) -> None:
    """The service's refusal of a cramp still to come (with its few minutes' tolerance, as the API and
    the web form have it), said before the night is built so the message names ``--time``."""
    from crampcare.diary import units
    from crampcare.services.diary import CLOCK_TOLERANCE

    latest = _now() + CLOCK_TOLERANCE
    for cramp in cramps:
        try:
            units.check_happened(night, cramp.start, latest)
        except ValueError as exc:
            raise _Refused(f"--time: {exc}") from None


def _day_changes(
    fluids: str | None,
    activity: str | None,
    unusual_activity: bool | None,
    sitting: str | None,
    cold: bool | None,
    temp_swing: str | None,
    stress: str | None,
    shoes: bool | None,
    diet: list[str] | None,
    alcohol: str | None,
    caffeine: bool | None,
    medicine: list[str] | None,
    pregnancy_week: str | None,
    exercises: bool | None,
    tag: list[str] | None,
) -> dict[str, Any]:
    """The day fields given as flags (only those given)."""
    from crampcare.diary import units

    changes: dict[str, Any] = {
        "fluids_ml": _parsed("--fluids", fluids, units.parse_volume_ml),
        "activity": activity.strip().lower() if activity is not None else None,
        "unusual_activity": unusual_activity,
        "sitting_hours": _parsed("--sitting", sitting, units.parse_hours),
        "cold_exposure": cold,
        "temperature_swing_c": _parsed("--temp-swing", temp_swing, _decimal(_("temperature swing"), "c")),
        "stress": stress.strip().lower() if stress is not None else None,
        "uncomfortable_shoes": shoes,
        "diet": _list_option(diet),
        "alcohol_units": _parsed("--alcohol", alcohol, _decimal(_("alcohol units"))),
        "caffeine": caffeine,
        "medicines": _list_option(medicine),
        "pregnancy_week": _parsed("--pregnancy-week", pregnancy_week, _int_in(1, 42, _("pregnancy week"))),
        "exercises_done": exercises,
        "tags": [t for t in tag if t.strip()] if tag else None,
    }
    if tag and [t.strip().lower() for t in tag] == ["none"]:
        changes["tags"] = []
    return {name: value for name, value in changes.items() if value is not None}


# --------------------------------------------------------------------------- interactive forms


def _ask(prompt: str, default: str, parse: Callable[[str], Any]) -> Any:
    """Prompt until ``parse`` accepts the answer; Enter takes ``default``. The refusal is our own
    ``error:`` line, because Click's prompt writes its "Error:" in English only."""
    while True:
        text = typer.prompt(prompt, default=default)
        try:
            return parse(text)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)


def _yes_no(text: str) -> bool:
    """A yes/no answer in any language crampcare speaks (y, yes, д, да…)."""
    from crampcare.i18n.wording import yes_no

    said = yes_no(text)
    if said is None:
        raise ValueError(_("answer {yes} or {no}", yes=_("yes"), no=_("no")))
    return said


def _confirm(question: str, default: bool) -> bool:
    return bool(_ask(question, _("yes") if default else _("no"), _yes_no))


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """``parse``, and Enter or "-" leaves the question not logged (missing, not "no")."""
    return lambda text: None if text.strip() in ("", "-") else parse(text)


def _ask_night_form(date_text: str | None) -> tuple[dt.date, list["Cramp"], bool | None]:
    """A quick form: Enter accepts every default (a cramp now, left calf, 1 minute, severity 5)."""
    from crampcare.diary import units

    cramps: list[Cramp] = []
    if _confirm(_("Any cramp?"), default=True):
        while True:
            now = _now()
            values = {
                "start": _ask(_("Time"), now.strftime("%H:%M"), units.parse_time),
                "duration_s": _ask(_("How long"), "1m", _duration),
                "leg": _ask(_("Leg (left/right/both)"), "left", str.lower),
                "muscles": _ask(_("Muscle (calf/foot/toes/thigh/other, + for several)"), "calf", _split_plus),
                "severity": _ask(_("Severity 0-10"), "5", units.parse_severity),
                "helped": _ask(
                    _("What helped (stretch/walk/massage/warmth/pain_reliever/other, - for nothing)"),
                    "-",
                    lambda t: [] if t.strip() in ("", "-") else _split_plus(t),
                ),
            }
            try:
                cramps.append(_make_cramp(values))
            except _Refused as exc:
                typer.echo(f"error: {exc}", err=True)
                continue
            if not _confirm(_("Another cramp?"), default=False):
                break
    if date_text:
        night = _date_arg(date_text, "--date")
    else:
        default = units.night_date_for(cramps[0].start, _now()) if cramps else units.default_night_date(_now())
        night = _ask(_("Night of (the evening's date)"), default.isoformat(), units.parse_date)
    disturbed = _ask(_("Sleep disturbed? (y/n)"), "-", _optional(_yes_no))
    return night, cramps, disturbed


def _split_plus(text: str) -> list[str]:
    return [part.strip().lower() for part in text.replace(",", "+").split("+") if part.strip()]


def _ask_day_form() -> dict[str, Any]:
    """A quick day form; Enter leaves a factor unlogged (missing, not "no")."""
    from crampcare.diary import units

    questions: list[tuple[str, str, Callable[[str], Any]]] = [
        ("fluids_ml", _("Fluids drunk (e.g. 1.5L)"), units.parse_volume_ml),
        ("activity", _("Activity (low/normal/high)"), str.lower),
        ("unusual_activity", _("Unusual activity? (y/n)"), _yes_no),
        ("sitting_hours", _("Hours sitting"), units.parse_hours),
        ("stress", _("Stress (none/some/high)"), str.lower),
        ("cold_exposure", _("Legs got cold? (y/n)"), _yes_no),
        ("alcohol_units", _("Alcohol units"), _decimal(_("alcohol units"))),
        ("caffeine", _("Caffeine? (y/n)"), _yes_no),
        ("exercises_done", _("Bedtime exercises done? (y/n)"), _yes_no),
    ]
    answers = {field: _ask(prompt, "-", _optional(parse)) for field, prompt, parse in questions}
    return {name: value for name, value in answers.items() if value is not None}


# --------------------------------------------------------------------------- rendering


def _fmt_number(value: float) -> str:
    return current_localizer().number(value)


def _cramp_line(cramp: "Cramp") -> str:
    parts = [
        cramp.start.strftime("%H:%M"),
        formatting.duration(cramp.duration_s),
        cramp_place(cramp.leg, cramp.muscles),
        _("severity {severity}", severity=cramp.severity),
    ]
    if cramp.signs:
        parts.append(_("signs: {signs}", signs=", ".join(diary_word(s) for s in cramp.signs)))
    if cramp.helped:
        parts.append(_("helped: {methods}", methods=helped_words(cramp.helped)))
    if cramp.minutes_to_relief is not None:
        parts.append(_("eased after {minutes} min", minutes=_fmt_number(cramp.minutes_to_relief)))
    return " · ".join(parts)


def _night_summary(night: "NightRecord") -> str:
    if not night.cramps:
        text = _("quiet night")
    else:
        worst = max(c.severity for c in night.cramps)
        longest = max(c.duration_s for c in night.cramps)
        text = _("{cramps}, worst {worst}/10, longest {longest}", cramps=current_localizer().cramps(len(night.cramps)),
                 worst=worst, longest=formatting.duration(longest))
    if night.sleep_disturbed is None:
        return text
    return text + (_(", sleep disturbed") if night.sleep_disturbed else _(", sleep not disturbed"))


def _day_summary(day: "DayRecord") -> str:
    parts: list[str] = []
    if day.fluids_ml is not None:
        parts.append(_("fluids {litres} L", litres=_fmt_number(day.fluids_ml / 1000)))
    if day.activity is not None:
        parts.append(_("activity {level}", level=diary_word(day.activity)))
    flags = [
        (day.unusual_activity, _("unusual activity"), _("no unusual activity")),
        (day.cold_exposure, _("cold"), _("no cold")),
        (day.uncomfortable_shoes, _("uncomfortable shoes"), _("no uncomfortable shoes")),
        (day.caffeine, _("caffeine"), _("no caffeine")),
        (day.exercises_done, _("exercises done"), _("no exercises done")),
    ]
    for value, yes, no in flags:
        if value is not None:
            parts.append(yes if value else no)
    if day.sitting_hours is not None:
        parts.append(_("sitting {hours} h", hours=_fmt_number(day.sitting_hours)))
    if day.temperature_swing_c is not None:
        parts.append(_("temperature swing {degrees} °C", degrees=_fmt_number(day.temperature_swing_c)))
    if day.stress is not None:
        parts.append(_("stress {level}", level=diary_word(day.stress)))
    if day.alcohol_units is not None:
        parts.append(_("alcohol {units} units", units=_fmt_number(day.alcohol_units)))
    if day.pregnancy_week is not None:
        parts.append(_("pregnancy week {week}", week=day.pregnancy_week))
    if day.diet:
        parts.append(_("diet {values}", values=", ".join(diary_word(d) for d in day.diet)))
    if day.medicines:
        parts.append(_("medicines {values}", values=", ".join(day.medicines)))
    if day.tags:
        parts.append(_("tags {values}", values=", ".join(day.tags)))
    return ", ".join(parts) or _("nothing logged")


# --------------------------------------------------------------------------- commands: log


def log_night(
    date: DateOption = None,
    none: NoneOption = False,
    time: TimeOption = None,
    duration: DurationOption = None,
    leg: LegOption = None,
    muscle: MuscleOption = None,
    severity: SeverityOption = None,
    helped: HelpedOption = None,
    relief_minutes: ReliefOption = None,
    sign: SignOption = None,
    cramp: CrampOption = None,
    sleep_disturbed: SleepOption = None,
    notes: NotesOption = None,
    db: DbOption = None,
) -> None:
    """Log a night: a cramp (--time 03:10 --duration 3m --leg left --muscle calf --severity 7), --cramp …, or --none.

    Nights are keyed by the evening's date: a cramp at 03:10 belongs to the previous evening.
    Without --date, the most recent night in which that time has passed is used.
    """
    with _friendly_errors():
        from crampcare.diary import units
        from crampcare.diary.records import NightRecord
        from crampcare.services import diary as diary_service

        flag_values = _cramp_changes(time, duration, leg, muscle, severity, helped, relief_minutes, sign)
        cramps = _spec_cramps(cramp)
        if none and (cramps or flag_values):
            raise _Refused(_("--none records a night without cramps; leave out the cramp details or --none"))
        if flag_values:
            missing = [_FLAGS[name] for name in ("duration_s", "leg", "muscles", "severity") if name not in flag_values]
            if missing:
                raise _Refused(
                    _("a cramp also needs {options} (e.g. --duration 3m --leg left --muscle calf --severity 7), "
                      "or use --none for a quiet night", options=", ".join(missing))
                )
            flag_values.setdefault("start", units.parse_time("now", now=_now()))
            cramps.append(_make_cramp(flag_values))
        disturbed = sleep_disturbed  # None without --sleep-disturbed/--no-sleep-disturbed: not logged
        if cramps or none:
            if date:
                night = _date_arg(date, "--date")
            elif cramps:
                night = units.night_date_for(cramps[0].start, _now())
            else:
                night = units.default_night_date(_now())
        elif _interactive():
            night, cramps, disturbed = _ask_night_form(date)
            if sleep_disturbed is not None:
                disturbed = sleep_disturbed
        else:
            raise _Refused(
                _("say what happened: --time 03:10 --duration 3m --leg left --muscle calf --severity 7, "
                  "--cramp 03:10,3m,left,calf,7 or --none for a quiet night")
            )
        _check_not_future(night, cramps)
        record = NightRecord(date=night, cramps=cramps, sleep_disturbed=disturbed, notes=notes or "")
        store = _open(db)
        try:
            logged = diary_service.log_night(store, record)
            change = diary_service.change_made(store)
        finally:
            store.close()
        if logged.outcome == "created":
            typer.echo(_("Logged the night of {date}: {summary}.", date=night, summary=_night_summary(record)))
            _say_how_to_undo(change)
        elif logged.outcome == "appended":
            typer.echo(_("Added to the night of {date}, now: {summary}.", date=night, summary=_night_summary(logged.night)))
            _say_how_to_undo(change)
        else:
            typer.echo(
                _("The night of {date} is already logged ({summary}); a quiet night does not erase cramps. "
                  "To remove them: crampcare diary edit {date} --none", date=night, summary=_night_summary(logged.night))
            )


def log_day(
    date: DateOption = None,
    fluids: FluidsOption = None,
    activity: ActivityOption = None,
    unusual_activity: UnusualOption = None,
    sitting: SittingOption = None,
    cold: ColdOption = None,
    temp_swing: SwingOption = None,
    stress: StressOption = None,
    shoes: ShoesOption = None,
    diet: DietOption = None,
    alcohol: AlcoholOption = None,
    caffeine: CaffeineOption = None,
    medicine: MedicineOption = None,
    pregnancy_week: PregnancyOption = None,
    exercises: ExercisesOption = None,
    tag: TagOption = None,
    notes: NotesOption = None,
    db: DbOption = None,
) -> None:
    """Log a day's factors (default: today), e.g. --fluids 1.5L --activity high --stress some.

    Factors you leave out are stored as "not logged", which insights treat as missing, not as "no".
    """
    with _friendly_errors():
        from crampcare.diary.records import DayRecord
        from crampcare.services import diary as diary_service

        day = _date_arg(date, "--date") if date else dt.date.today()
        values = _day_changes(
            fluids, activity, unusual_activity, sitting, cold, temp_swing, stress, shoes,
            diet, alcohol, caffeine, medicine, pregnancy_week, exercises, tag,
        )  # fmt: skip
        if not values and notes is None:
            if not _interactive():
                raise _Refused(_("give at least one factor, e.g. --fluids 1.5L --activity normal (see --help)"))
            values = _ask_day_form()
        record = DayRecord(date=day, notes=notes or "", **values)
        store = _open(db)
        try:
            _add_or_explain(lambda: diary_service.log_day(store, record), "day", day)
            change = diary_service.change_made(store)
        finally:
            store.close()
        typer.echo(_("Logged the day of {date}: {summary}.", date=day, summary=_day_summary(record)))
        _say_how_to_undo(change)


def _add_or_explain(add: Callable[[], None], kind: str, date: dt.date) -> None:
    from crampcare.diary.errors import DuplicateRecordError

    try:
        add()
    except DuplicateRecordError:
        raise _Refused(
            _("the {what} of {date} is already logged; change it with 'crampcare diary edit {date}' "
              "or remove it with 'crampcare diary delete {date} --kind {kind}'",
              what={"night": _("night"), "day": _("day")}.get(kind, kind), date=date, kind=kind)
        ) from None


# --------------------------------------------------------------------------- commands: diary


def diary_list(
    start: FromOption = None,
    end: ToOption = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    db: DbOption = None,
) -> None:
    """List logged nights and days, oldest first."""
    with _friendly_errors():
        from crampcare.services import diary as diary_service

        first, last = _date_range(start, end)
        if fmt not in ("text", "json"):
            raise _Refused(_("--format {value!r} is not known; use text or json", value=fmt))
        store = _open(db)
        try:
            if fmt == "json":
                from crampcare.services.transfer import export_diary

                sys.stdout.write(export_diary(store, "json", first, last).text)
                return
            records = diary_service.list_records(store, first, last)
        finally:
            store.close()
        _print_table(records.nights, records.days)


def _print_table(nights: list["NightRecord"], days: list["DayRecord"]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    if not nights and not days:
        console.print(_("Nothing logged yet. Start with: crampcare log night --none  (or --time 03:10 …)"))
        return
    by_night = {n.date: n for n in nights}
    by_day = {d.date: d for d in days}
    if console.width < NARROW_COLUMNS:
        # A phone-sized terminal: four columns of 8 characters cut most words ("activ…", "caffe…"); one block a date.
        for date in sorted(by_night.keys() | by_day.keys()):
            typer.echo("\n".join(_date_lines(date, by_night.get(date), by_day.get(date), notes=False)))
    else:
        table = Table(title=_("crampcare diary"), show_lines=False)
        table.add_column(_("Date"), no_wrap=True)
        for title in (_("Night"), _("Cramps"), _("Day")):
            table.add_column(title, overflow="fold")  # a long word is folded, never cut off
        for date in sorted(by_night.keys() | by_day.keys()):
            night, day = by_night.get(date), by_day.get(date)
            table.add_row(  # the person's own tags are text, not Rich markup ("[/x]" stopped the listing)
                date.isoformat(),
                escape(_night_summary(night)) if night else "—",
                escape("\n".join(_cramp_line(c) for c in night.cramps)) if night else "",
                escape(_day_summary(day)) if day else "—",
            )
        console.print(table)
    with_cramps = sum(1 for n in nights if n.cramps)
    loc = current_localizer()
    console.print(_("{nights} ({cramps} with cramps), {days}.", nights=loc.nights(len(nights)), cramps=with_cramps,
                    days=loc.days(len(days))))


def diary_show(
    date: Annotated[str, typer.Argument(help="YYYY-MM-DD, today, yesterday.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    db: DbOption = None,
) -> None:
    """Show everything logged for one date."""
    with _friendly_errors():
        from crampcare.services import diary as diary_service

        day_date = _date_arg(date)
        if fmt not in ("text", "json"):
            raise _Refused(_("--format {value!r} is not known; use text or json", value=fmt))
        store = _open(db)
        try:
            night, day = diary_service.get_date(store, day_date)
        finally:
            store.close()
        if night is None and day is None:
            raise _Refused(_("nothing is logged for {date}", date=day_date))
        if fmt == "json":
            import json

            document = {
                "date": day_date.isoformat(),
                "night": night.model_dump(mode="json") if night else None,
                "day": day.model_dump(mode="json") if day else None,
            }
            typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
            return
        typer.echo("\n".join(_date_lines(day_date, night, day, notes=True)))


def _date_lines(date: dt.date, night: "NightRecord | None", day: "DayRecord | None", *, notes: bool) -> list[str]:
    """One date as lines (``diary show``, and ``diary list`` on a narrow terminal)."""
    lines = [date.isoformat()]
    if night is not None:
        lines.append("  " + _("Night: {summary}", summary=_night_summary(night)))
        lines += [f"    {index}. {_cramp_line(cramp)}" for index, cramp in enumerate(night.cramps, start=1)]
        if notes and night.notes:
            lines.append("    " + _("notes: {notes}", notes=night.notes))
    else:
        lines.append("  " + _("Night: not logged"))
    if day is not None:
        lines.append("  " + _("Day: {summary}", summary=_day_summary(day)))
        if notes and day.notes:
            lines.append("    " + _("notes: {notes}", notes=day.notes))
    else:
        lines.append("  " + _("Day: not logged"))
    return lines


def diary_edit(
    date: Annotated[str, typer.Argument(help="The date to change.", show_default=False)],
    kind: Annotated[
        str | None, typer.Option("--kind", help="night or day (only needed for --notes).", show_default=False)
    ] = None,
    cramp_number: Annotated[
        str | None,
        typer.Option("--cramp-number", help="Which cramp the cramp flags change (1 = first).", show_default=False),
    ] = None,
    none: NoneOption = False,
    time: TimeOption = None,
    duration: DurationOption = None,
    leg: LegOption = None,
    muscle: MuscleOption = None,
    severity: SeverityOption = None,
    helped: HelpedOption = None,
    relief_minutes: ReliefOption = None,
    sign: SignOption = None,
    cramp: CrampOption = None,
    sleep_disturbed: SleepOption = None,
    fluids: FluidsOption = None,
    activity: ActivityOption = None,
    unusual_activity: UnusualOption = None,
    sitting: SittingOption = None,
    cold: ColdOption = None,
    temp_swing: SwingOption = None,
    stress: StressOption = None,
    shoes: ShoesOption = None,
    diet: DietOption = None,
    alcohol: AlcoholOption = None,
    caffeine: CaffeineOption = None,
    medicine: MedicineOption = None,
    pregnancy_week: PregnancyOption = None,
    exercises: ExercisesOption = None,
    tag: TagOption = None,
    notes: NotesOption = None,
    clear: ClearOption = None,
    db: DbOption = None,
) -> None:
    """Change only the given fields of a logged night and/or day (undo with 'diary undo').

    Cramp flags change one cramp (--cramp-number when there are several); --cramp replaces all
    cramps; --none removes them. List flags replace the list; give 'none' to clear it.
    --clear NAME sets an answer back to 'not logged'.
    """
    with _friendly_errors():
        from crampcare.diary.records import DayRecord, NightRecord
        from crampcare.services import diary as diary_service

        day_date = _date_arg(date)
        if kind not in (None, "night", "day"):
            raise _Refused(_("--kind {value!r} is not known; use night or day", value=kind))
        cramp_flags = _cramp_changes(time, duration, leg, muscle, severity, helped, relief_minutes, sign)
        new_cramps = _spec_cramps(cramp)
        day_values = _day_changes(
            fluids, activity, unusual_activity, sitting, cold, temp_swing, stress, shoes,
            diet, alcohol, caffeine, medicine, pregnancy_week, exercises, tag,
        )  # fmt: skip
        night_values: dict[str, Any] = {}
        if sleep_disturbed is not None:
            night_values["sleep_disturbed"] = sleep_disturbed
        _add_cleared(clear or [], {"night": night_values, "day": day_values, "cramp": cramp_flags})
        if none and (new_cramps or cramp_flags):
            raise _Refused(_("--none removes all cramps; do not combine it with cramp details"))
        touches_night = bool(cramp_flags or new_cramps or none or night_values or kind == "night")
        touches_day = bool(day_values or kind == "day")
        store = _open(db)
        try:
            night, day = diary_service.get_date(store, day_date)
            if notes is not None:
                target = kind or _notes_target(touches_night, touches_day, night is not None, day is not None)
                if target == "night":
                    night_values["notes"] = notes
                    touches_night = True
                else:
                    day_values["notes"] = notes
                    touches_day = True
            if not touches_night and not touches_day:
                raise _Refused(_("nothing to change; give the fields to change, e.g. --severity 5 or --fluids 2L"))
            changed_nights: list[NightRecord] = []
            changed_days: list[DayRecord] = []
            if touches_night:
                if night is None:
                    raise _Refused(
                        _("no night is logged for {date}; log it with 'crampcare log night --date {date}'", date=day_date)
                    )
                cramps = list(night.cramps)
                if none:
                    cramps = []
                if new_cramps:
                    cramps = new_cramps
                if cramp_flags:
                    number = _parsed("--cramp-number", cramp_number, _int_in(1, 99, _("cramp number")))
                    cramps = _edit_one_cramp(cramps, cramp_flags, number)
                _check_not_future(day_date, cramps)
                changed_nights.append(
                    NightRecord.model_validate({**night.model_dump(), **night_values, "cramps": cramps})
                )
            if touches_day:
                if day is None:
                    raise _Refused(
                        _("no day is logged for {date}; log it with 'crampcare log day --date {date}'", date=day_date)
                    )
                changed_days.append(DayRecord.model_validate({**day.model_dump(), **day_values}))
            read = diary_service.Records([night] if night else [], [day] if day else [])
            diary_service.edit(store, changed_nights, changed_days, read)
            change = diary_service.change_made(store)
        finally:
            store.close()
        for changed_night in changed_nights:
            typer.echo(_("Changed the night of {date}: {summary}.", date=day_date, summary=_night_summary(changed_night)))
        for changed_day in changed_days:
            typer.echo(_("Changed the day of {date}: {summary}.", date=day_date, summary=_day_summary(changed_day)))
        _say_how_to_undo(change)


def _add_cleared(names: list[str], changes: dict[str, dict[str, Any]]) -> None:
    """Add the --clear names as "not logged" (``None``) to the night's, the day's or the edited cramp's
    ``changes``; refuse unknown names and a name also given a value in the same command."""
    for raw in names:
        name = raw.strip().lower().removeprefix("--")
        if name not in CLEAR_NAMES:
            raise _Refused(_("--clear {name!r} is not known; use one of: {names}", name=raw, names=", ".join(CLEAR_NAMES)))
        kind, field = CLEAR_NAMES[name]
        values = changes[kind]
        if values.get(field) is not None:
            raise _Refused(_("--clear {name}: do not give it a value in the same command", name=name))
        values[field] = None


def _notes_target(touches_night: bool, touches_day: bool, has_night: bool, has_day: bool) -> str:
    """Which record --notes means when --kind was not given; refuse to guess when both could be meant."""
    if touches_night != touches_day:
        return "night" if touches_night else "day"
    if has_night != has_day:
        return "night" if has_night else "day"
    raise _Refused(_("--notes: say whose notes with --kind night or --kind day"))


def _edit_one_cramp(cramps: list["Cramp"], changes: dict[str, Any], number: int | None) -> list["Cramp"]:
    if not cramps:
        raise _Refused(_("this night has no cramp to change; add one with --cramp 03:10,3m,left,calf,7"))
    if number is None:
        if len(cramps) > 1:
            raise _Refused(_("this night has {count} cramps; say which with --cramp-number 1..{count}", count=len(cramps)))
        number = 1
    if not 1 <= number <= len(cramps):
        raise _Refused(_("--cramp-number {number}: this night has {cramps}", number=number, cramps=current_localizer().cramps(len(cramps))))
    edited = list(cramps)
    edited[number - 1] = _make_cramp({**cramps[number - 1].model_dump(), **changes})
    return edited


def diary_delete(
    date: Annotated[str, typer.Argument(help="The date to delete.", show_default=False)],
    kind: Annotated[
        str | None, typer.Option("--kind", help="night or day (default: both).", show_default=False)
    ] = None,
    db: DbOption = None,
) -> None:
    """Delete the night and/or day of a date (undo with 'diary undo')."""
    with _friendly_errors():
        from crampcare.services import diary as diary_service

        day_date = _date_arg(date)
        if kind not in (None, "night", "day"):
            raise _Refused(_("--kind {value!r} is not known; use night or day", value=kind))
        store = _open(db)
        try:
            deleted = diary_service.delete(store, day_date, kind)  # type: ignore[arg-type]  # checked above
            change = diary_service.change_made(store)
        finally:
            store.close()
        kinds = {"night": _("night"), "day": _("day")}
        what = _(" and ").join(kinds.get(kind, kind) for kind in deleted)
        typer.echo(_("Deleted the {what} of {date}. Undo with 'crampcare diary undo --change {change}'.", what=what,
                     date=day_date, change=change))


def _say_how_to_undo(change: int | None) -> None:
    """The line after a save: how to take back exactly this change (an undo names it, so it never takes
    back a change saved after it, say on another device)."""
    if change is not None:
        typer.echo(_("Undo with 'crampcare diary undo --change {change}'.", change=change))


def diary_undo(
    change: Annotated[int | None, typer.Option("--change", min=1, max=2**62,
                                               help="The number of the change to undo (a save message names it); "
                                                    "refused when the diary changed since.")] = None,
    db: DbOption = None,
) -> None:
    """Revert a log, edit, delete or import while it is still the last change (without --change: say
    which change is the last and, at a keyboard, ask before undoing it)."""
    with _friendly_errors():
        from crampcare.services import diary as diary_service

        store = _open(db)
        try:
            if change is None:
                latest = diary_service.latest_change(store)
                if latest is None:
                    raise _Refused(_("nothing to undo"))
                typer.echo(_("The last change (number {change}): {what}", change=latest.id, what=latest.description))
                if not _interactive():
                    raise _Refused(_("nothing was undone; to undo it, run 'crampcare diary undo --change {change}'",
                                     change=latest.id))
                if not _confirm(_("Undo it?"), default=False):
                    raise _Refused(_("nothing was undone"))
                change = latest.id
            # Refused inside the undo's transaction when the diary changed since (another device).
            message = diary_service.undo(store, change)
        finally:
            store.close()
        typer.echo(message)


# --------------------------------------------------------------------------- commands: export / import


def export_command(
    fmt: Annotated[
        str, typer.Option("--format", help="csv, json or fhir (a FHIR R4 Bundle); all re-import losslessly.")
    ] = "json",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of the screen.", show_default=False)
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    db: DbOption = None,
) -> None:
    """Export the diary (CSV: one row per date; JSON: the records as they are)."""
    with _friendly_errors():
        from crampcare.cli.progress import stage_progress
        from crampcare.services.transfer import export_diary

        first, last = _date_range(start, end)
        store = _open(db)
        try:
            with stage_progress() as progress:  # a FHIR Bundle of years takes seconds
                exported = export_diary(store, fmt, first, last, progress=progress)
        finally:
            store.close()
        if out is None:
            sys.stdout.write(exported.text)
            sys.stdout.flush()
            return
        out.write_bytes(exported.file_bytes)  # a CSV for Excel: with a byte-order mark, as the web's download
        typer.echo(_("Exported {nights} and {days} to {path}.", nights=current_localizer().nights(exported.nights),
                     days=current_localizer().days(exported.days), path=out), err=True)
        if fmt.strip().lower() == "csv":
            typer.echo(_("One row per date; a night's date is the evening it began. Column names and values stay in "
                         "English in every language, so the file imports anywhere."), err=True)


def import_command(
    file: Annotated[Path, typer.Argument(help="A CSV or JSON file exported by crampcare (or shaped like one).")],
    db: DbOption = None,
) -> None:
    """Import a CSV, JSON or FHIR diary: everything is checked first; any problem imports nothing."""
    with _friendly_errors():
        from crampcare.cli.progress import stage_progress
        from crampcare.services import diary as diary_service
        from crampcare.services.transfer import import_file

        if file.is_dir():
            raise _Refused(_("{path}: it is a folder, not a file; give the file to import", path=file))
        if not file.is_file():
            raise _Refused(_("{path}: no such file", path=file))
        store = _open(db)
        try:
            with stage_progress() as progress:  # a large FHIR Bundle takes seconds to check
                summary = import_file(store, file, progress=progress)
            change = diary_service.change_made(store)
        finally:
            store.close()
        typer.echo(summary.message)
        _say_how_to_undo(change)


# --------------------------------------------------------------------------- registration


def register(app: typer.Typer) -> None:
    """Add the diary commands to ``app`` (the main ``crampcare`` app or a test app)."""
    log_app = typer.Typer(help="Log a night or a day.", no_args_is_help=True)
    log_app.command("night")(log_night)
    log_app.command("day")(log_day)
    app.add_typer(log_app, name="log")

    diary_app = typer.Typer(help="Look at and change the diary.", no_args_is_help=True)
    diary_app.command("list")(diary_list)
    diary_app.command("show")(diary_show)
    diary_app.command("edit")(diary_edit)
    diary_app.command("delete")(diary_delete)
    diary_app.command("undo")(diary_undo)
    app.add_typer(diary_app, name="diary")

    app.command("export")(export_command)
    app.command("import")(import_command)


def _validation_message(error: Any, label: str | None = None) -> str:
    return validation_message(error, _FLAGS, label)


def _friendly_errors() -> Any:
    return friendly_errors(_FLAGS)
