"""Insight commands: ``insights`` (what the diary shows) and ``simulate`` (a made-up diary).

Thin: parse, read the diary through :class:`~crampcare.diary.store.DiaryStore`, call
:func:`crampcare.insights.compute_insights`, render with Rich (or JSON). Everything heavy is
imported inside the commands, since this module is imported whenever ``crampcare`` starts.

Refused input: one line on stderr, exit code 2; other failures (database unreachable) exit 1.
"""

import datetime as dt
import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crampcare.cli.errors import Refused as _Refused
from crampcare.cli.errors import friendly_errors as _friendly_errors
from crampcare.cli.options import DbOption
from crampcare.digits import refuse_other_digits
from crampcare.i18n.context import _

if TYPE_CHECKING:
    from rich.console import Console

    from crampcare.services.insights import Insights

__all__ = ["register"]


class InsightsFormat(str, Enum):
    text = "text"
    json = "json"


def _date(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    from crampcare.diary import units

    try:
        return units.parse_date(text)
    except ValueError as exc:
        raise _Refused(f"{flag}: {exc}") from None


# --------------------------------------------------------------------------- insights


def insights_command(
    db: DbOption = None,
    start: Annotated[str | None, typer.Option("--from", help="First night (inclusive).", show_default=False)] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last night (inclusive).", show_default=False)] = None,
    output_format: Annotated[InsightsFormat, typer.Option("--format", help="text or json.")] = InsightsFormat.text,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also draw the charts to FILE.png or FILE.svg.", show_default=False)
    ] = None,
) -> None:
    """How often and how bad, the trend, time of night, what helped, and possible triggers."""
    with _friendly_errors():
        first, last = _date(start, "--from"), _date(end, "--to")
        if first and last and first > last:
            raise _Refused(_("--from {first} is after --to {last}", first=first.isoformat(), last=last.isoformat()))
        if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
            raise _Refused(_("--chart: the file must end in .png or .svg, not {name!r}", name=chart.name))

        from crampcare.services import insights as insights_service
        from crampcare.services.diary import open_diary

        with open_diary(db) as store:
            result = insights_service.insights(store, first, last)

        if output_format is InsightsFormat.json:
            typer.echo(json.dumps(insights_service.insights_json(result), indent=2, ensure_ascii=False))
        else:
            _render_text(result)
        if chart is not None:
            insights_service.write_chart(result, chart)
            typer.echo(_("Chart written to {path}", path=chart), err=output_format is InsightsFormat.json)


def _console() -> "Console":
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _pct(x: float | None) -> str:
    from crampcare.i18n.context import current_localizer

    return "-" if x is None else current_localizer().percent(x)


def _num(x: float | None, digits: int = 1) -> str:
    from crampcare.i18n.context import current_localizer

    return "-" if x is None else current_localizer().number(x, digits=digits)


def _g(x: float) -> str:
    from crampcare.i18n.context import current_localizer

    return current_localizer().number(x)


def _render_text(ins: "Insights") -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    from crampcare.i18n.context import current_localizer
    from crampcare.i18n.wording import relief_word

    loc = current_localizer()
    console = _console()
    console.print(Panel(escape("\n".join(f"• {s}" for s in ins.summary())), title=_("Your diary"), expand=False))
    if not ins.nights_logged:
        return

    def ci(low: str, high: str) -> str:
        return _("95% CI {low}–{high}", low=low, high=high)

    overview = Table(title=_("Overview"), show_header=False, box=None, padding=(0, 2))
    overview.add_column(style="bold")
    overview.add_column()
    share = ins.cramp_night_share
    assert ins.period_start and ins.period_end
    overview.add_row(_("Period"), _("{start} to {end}", start=loc.date(ins.period_start), end=loc.date(ins.period_end)))
    overview.add_row(_("Nights logged"), _("{nights} ({cramp} with cramps, {quiet} quiet)", nights=ins.nights_logged,
                                           cramp=ins.cramp_nights, quiet=ins.quiet_nights))
    if share is not None:
        overview.add_row(_("Cramp nights"), f"{_pct(share.estimate)} ({ci(_pct(share.low), _pct(share.high))})")
        overview.add_row(
            _("Per week"),
            f"{_num(ins.cramp_nights_per_week)} ({ci(_num(ins.cramp_nights_per_week_low), _num(ins.cramp_nights_per_week_high))})",
        )
    if ins.cramps_per_cramp_night:
        c = ins.cramps_per_cramp_night
        overview.add_row(_("Cramps per cramp night"), _("mean {mean}, median {median}, range {low}–{high}", mean=_num(c.mean),
                                                        median=_g(c.median), low=_g(c.min), high=_g(c.max)))
    if ins.duration_seconds:
        d = ins.duration_seconds
        overview.add_row(_("Duration (s)"), _("median {median}, range {low}–{high}", median=_g(d.median), low=_g(d.min), high=_g(d.max)))
    if ins.severity:
        s = ins.severity
        overview.add_row(_("Severity (0-10)"), _("mean {mean}, median {median}, range {low}–{high}", mean=_num(s.mean),
                                                 median=_g(s.median), low=_g(s.min), high=_g(s.max)))
    trends = {"getting_better": _("getting better"), "getting_worse": _("getting worse"),
              "no_clear_change": _("no clear change"), "not_enough_data": _("not enough data yet")}
    overview.add_row(_("Trend"), trends[ins.trend.status])
    console.print(overview)

    if ins.relief:
        relief = Table(title=_("What helped (fastest first)"))
        columns = (_("Method"), _("Times helped"), _("Timed"), _("Median min"), _("Range min"))
        for number, col in enumerate(columns):
            relief.add_column(col, justify="left" if number == 0 else "right", overflow="fold")  # never cut off
        for r in ins.relief:
            rng = "-" if r.min_minutes is None else f"{_g(r.min_minutes)}–{_g(r.max_minutes or 0)}"
            relief.add_row(
                relief_word(r.method),
                str(r.times_helped),
                str(r.timed),
                "-" if r.median_minutes is None else _g(r.median_minutes),
                rng,
            )
        console.print(relief)

    tr = ins.triggers
    if tr.status == "ok" and tr.factors:
        table = Table(title=_("Possible triggers: cramp nights after days with vs without"))
        adjusted = _("Adjusted p")
        trigger_columns = (_("Factor"), _("Night"), _("With"), _("Without"), _("Risk ratio (95% CI)"), adjusted,
                           _("Verdict"))
        for col in trigger_columns:
            table.add_column(col, justify="right" if col == adjusted else "left", overflow="fold")
        style = {"seems_linked": "bold red", "seems_protective": "bold green", "not_enough_data": "dim"}
        verdicts = {
            "seems_linked": _("seems linked"),
            "seems_protective": _("fewer cramps"),
            "no_clear_link": _("no clear link"),
            "not_enough_data": _("too little data"),
        }
        for f in tr.factors:
            for t in sorted(f.tests, key=lambda t: t.lag):
                rr = "-" if t.risk_ratio is None else f"{_num(t.risk_ratio, 2)} ({_num(t.rr_low, 2)}–{_num(t.rr_high, 2)})"
                table.add_row(
                    escape(f.label) if t.lag == 0 else "",  # a tag's label is the person's text, not markup
                    _("same") if t.lag == 0 else _("next"),
                    f"{t.cramp_nights_with}/{t.nights_with}",
                    f"{t.cramp_nights_without}/{t.nights_without}",
                    rr,
                    "-" if t.adjusted_p is None else _num(t.adjusted_p, 3),
                    verdicts[t.verdict],
                    style=style.get(t.verdict, ""),
                )
        console.print(table)
        console.print(f"[dim]{escape(_(tr.caveat))}[/dim]")


# --------------------------------------------------------------------------- simulate


def simulate_command(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            show_default=False,
            help="Diary database to fill. Required, and never taken from $CRAMPCARE_DB, so made-up nights "
            "do not land in your real diary by accident.",
        ),
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=36500, help="How many days to simulate.")] = 84,
    trigger: Annotated[
        str | None,
        typer.Option(
            "--trigger", help="Factor id to plant as a trigger (e.g. low_fluids); omit for none.", show_default=False
        ),
    ] = None,
    rr: Annotated[float, typer.Option("--rr", min=0.01, help="Risk ratio of the planted trigger.")] = 2.5,
    base_rate: Annotated[
        float, typer.Option("--base-rate", min=0.001, max=0.999, help="Cramp-night probability without the trigger.")
    ] = 0.3,
    trigger_share: Annotated[
        float, typer.Option("--trigger-share", min=0.01, max=0.99, help="Share of days with the trigger.")
    ] = 0.3,
    seasonal: Annotated[float, typer.Option("--seasonal", min=0.0, max=0.9, help="Yearly swing in the rate.")] = 0.0,
    cramp_persistence: Annotated[
        float,
        typer.Option(
            "--cramp-persistence", min=0.0, max=0.99,
            help="Cramps in spells: chance that a night repeats the previous night (0 = independent nights).",
        ),
    ] = 0.0,
    factor_persistence: Annotated[
        list[str] | None,
        typer.Option(
            "--factor-persistence", show_default=False,
            help="Factors in spells, as for --cramp-persistence: a number for every factor, or FACTOR=NUMBER "
            "for one (repeatable).",
        ),
    ] = None,
    factor_seasonal: Annotated[
        float,
        typer.Option(
            "--factor-seasonal", min=0.0, max=0.9,
            help="Yearly swing in how often every factor happens, peaking with the cramps.",
        ),
    ] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same diary).")] = 0,
    end: Annotated[str | None, typer.Option("--end", help="Last date (default today).", show_default=False)] = None,
) -> None:
    """Fill a diary with realistic made-up nights and days (for demos and for checking the insights)."""
    with _friendly_errors():
        if not db:
            raise _Refused(_("give --db FILE (a separate diary): simulate writes made-up records"))
        from crampcare.services.insights import FACTOR_IDS, TAG_PREFIX

        trigger_id = None if trigger is not None and trigger.strip().lower() in ("", "none") else trigger
        if trigger_id is not None and trigger_id not in FACTOR_IDS and not trigger_id.startswith(TAG_PREFIX):
            raise _Refused(
                _("--trigger: unknown factor {factor!r}; choose one of {choices} or tag:<text>", factor=trigger_id,
                  choices=", ".join(FACTOR_IDS))
            )
        last = _date(end, "--end") or dt.date.today()
        every_factor, by_factor = _persistence(factor_persistence or [], FACTOR_IDS, TAG_PREFIX)

        from crampcare.cli.progress import progress_bars
        from crampcare.services import insights as insights_service
        from crampcare.services.diary import open_diary

        with progress_bars() as progress:
            sim_task = progress.add_task(_("Simulating days"), total=days)
            write_tasks: list[tuple[Any, int]] = []

            def start_writing(total: int) -> None:
                write_tasks.append((progress.add_task(_("Writing records"), total=total), total))

            with open_diary(db) as store:
                # One transaction: all of the diary is written, or none of it.
                result = insights_service.simulate(
                    store,
                    days,
                    trigger=trigger_id,
                    rr=rr,
                    base_rate=base_rate,
                    trigger_share=trigger_share,
                    seed=seed,
                    end=last,
                    seasonal=seasonal,
                    cramp_persistence=cramp_persistence,
                    factor_persistence=every_factor,
                    persistence_by_factor=by_factor,
                    factor_seasonal=factor_seasonal,
                    progress=lambda n: progress.update(sim_task, completed=n),
                    writing=start_writing,
                )
            for task, total in write_tasks:
                progress.update(task, completed=total)

        from crampcare.i18n.context import current_localizer

        loc = current_localizer()
        planted = (_("planted trigger {trigger} (risk ratio {ratio})", trigger=trigger_id, ratio=loc.number(rr))
                   if trigger_id else _("no planted trigger"))
        typer.echo(
            _("Added {nights} and {days} ({unchanged} already there), {planted}, seed {seed}.",
              nights=loc.nights(result.nights_added), days=loc.days(result.days_added),
              unchanged=result.nights_unchanged + result.days_unchanged, planted=planted, seed=seed)
        )
        typer.echo(_("See what the insights find: {command}", command="crampcare insights --db " + str(db)))


def _persistence(items: list[str], factor_ids: tuple[str, ...], tag_prefix: str) -> tuple[float, dict[str, float]]:
    """``--factor-persistence`` values: one plain number for every factor, FACTOR=NUMBER for one."""
    every, by_factor = 0.0, {}
    for item in items:
        name, _sep, text = item.rpartition("=")
        try:
            value = float(refuse_other_digits(text))
        except ValueError:
            raise _Refused("--factor-persistence: " + _("{item} is not a number or FACTOR=NUMBER", item=repr(item))) from None
        if not 0 <= value < 1:
            raise _Refused("--factor-persistence: " + _("{item} must be at least 0 and below 1", item=repr(item)))
        if not name:
            every = value
        elif name in factor_ids or name.startswith(tag_prefix):
            by_factor[name] = value
        else:
            raise _Refused("--factor-persistence: " + _("unknown factor {factor}; choose one of {choices}",
                                                         factor=repr(name), choices=", ".join(factor_ids)))
    return every, by_factor


def register(app: typer.Typer) -> None:
    """Add ``insights`` and ``simulate`` to the ``crampcare`` app."""
    app.command("insights")(insights_command)
    app.command("simulate")(simulate_command)
