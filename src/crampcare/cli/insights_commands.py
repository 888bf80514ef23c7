"""Insight commands: ``insights`` (what the diary shows) and ``simulate`` (a made-up diary).

Thin: parse, read the diary through :class:`~crampcare.diary.store.DiaryStore`, call
:func:`crampcare.insights.compute_insights`, render with Rich (or JSON). Everything heavy is
imported inside the commands, since this module is imported whenever ``crampcare`` starts.

Refused input: one line on stderr, exit code 2; other failures (database unreachable) exit 1.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crampcare.cli.errors import Refused as _Refused
from crampcare.cli.errors import friendly_errors as _friendly_errors
from crampcare.cli.options import DbOption

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
            raise _Refused(f"--from {first.isoformat()} is after --to {last.isoformat()}")
        if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
            raise _Refused(f"--chart: the file must end in .png or .svg, not {chart.name!r}")

        from crampcare.services import insights as insights_service
        from crampcare.services.diary import open_diary

        with open_diary(db) as store:
            result = insights_service.insights(store, first, last)

        if output_format is InsightsFormat.json:
            data = result.model_dump(mode="json")
            data["summary"] = result.summary()
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            _render_text(result)
        if chart is not None:
            insights_service.write_chart(result, chart)
            typer.echo(f"Chart written to {chart}", err=output_format is InsightsFormat.json)


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _render_text(ins: Insights) -> None:
    from rich.panel import Panel
    from rich.table import Table

    console = _console()
    console.print(Panel("\n".join(f"• {s}" for s in ins.summary()), title="Your diary", expand=False))
    if not ins.nights_logged:
        return

    overview = Table(title="Overview", show_header=False, box=None, padding=(0, 2))
    overview.add_column(style="bold")
    overview.add_column()
    share = ins.cramp_night_share
    overview.add_row("Period", f"{ins.period_start} to {ins.period_end}")
    overview.add_row("Nights logged", f"{ins.nights_logged} ({ins.cramp_nights} with cramps, {ins.quiet_nights} quiet)")
    if share is not None:
        overview.add_row("Cramp nights", f"{_pct(share.estimate)} (95% CI {_pct(share.low)}-{_pct(share.high)})")
        overview.add_row(
            "Per week",
            f"{_num(ins.cramp_nights_per_week)} "
            f"(95% CI {_num(ins.cramp_nights_per_week_low)}-{_num(ins.cramp_nights_per_week_high)})",
        )
    if ins.cramps_per_cramp_night:
        c = ins.cramps_per_cramp_night
        overview.add_row("Cramps per cramp night", f"mean {c.mean:.1f}, median {c.median:g}, range {c.min:g}-{c.max:g}")
    if ins.duration_seconds:
        d = ins.duration_seconds
        overview.add_row("Duration (s)", f"median {d.median:g}, range {d.min:g}-{d.max:g}")
    if ins.severity:
        s = ins.severity
        overview.add_row("Severity (0-10)", f"median {s.median:g}, mean {s.mean:.1f}, range {s.min:g}-{s.max:g}")
    overview.add_row("Trend", ins.trend.status.replace("_", " "))
    console.print(overview)

    if ins.relief:
        relief = Table(title="What helped (fastest first)")
        for col in ("Method", "Times helped", "Timed", "Median min", "Range min"):
            relief.add_column(col, justify="left" if col == "Method" else "right")
        for r in ins.relief:
            rng = "-" if r.min_minutes is None else f"{r.min_minutes:g}-{r.max_minutes:g}"
            relief.add_row(
                r.method.replace("_", " "),
                str(r.times_helped),
                str(r.timed),
                "-" if r.median_minutes is None else f"{r.median_minutes:g}",
                rng,
            )
        console.print(relief)

    tr = ins.triggers
    if tr.status == "ok" and tr.factors:
        table = Table(title="Possible triggers: cramp nights after days with vs without")
        for col in ("Factor", "Night", "With", "Without", "Risk ratio (95% CI)", "Adjusted p", "Verdict"):
            table.add_column(col, justify="right" if col == "Adjusted p" else "left", overflow="fold")
        style = {"seems_linked": "bold red", "seems_protective": "bold green", "not_enough_data": "dim"}
        verdicts = {
            "seems_linked": "seems linked",
            "seems_protective": "fewer cramps",
            "no_clear_link": "no clear link",
            "not_enough_data": "too little data",
        }
        for f in tr.factors:
            for t in sorted(f.tests, key=lambda t: t.lag):
                rr = "-" if t.risk_ratio is None else f"{t.risk_ratio:.2f} ({t.rr_low:.2f}-{t.rr_high:.2f})"
                table.add_row(
                    f.label if t.lag == 0 else "",
                    "same" if t.lag == 0 else "next",
                    f"{t.cramp_nights_with}/{t.nights_with}",
                    f"{t.cramp_nights_without}/{t.nights_without}",
                    rr,
                    "-" if t.adjusted_p is None else f"{t.adjusted_p:.3f}",
                    verdicts[t.verdict],
                    style=style.get(t.verdict, ""),
                )
        console.print(table)
        console.print(f"[dim]{tr.caveat}[/dim]")


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
            raise _Refused("give --db FILE (a separate diary): simulate writes made-up records")
        from crampcare.services.insights import FACTOR_IDS, TAG_PREFIX

        trigger_id = None if trigger is not None and trigger.strip().lower() in ("", "none") else trigger
        if trigger_id is not None and trigger_id not in FACTOR_IDS and not trigger_id.startswith(TAG_PREFIX):
            raise _Refused(
                f"--trigger: unknown factor {trigger_id!r}; choose one of {', '.join(FACTOR_IDS)} or tag:<text>"
            )
        last = _date(end, "--end") or dt.date.today()
        every_factor, by_factor = _persistence(factor_persistence or [], FACTOR_IDS, TAG_PREFIX)

        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from crampcare.services import insights as insights_service
        from crampcare.services.diary import open_diary

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            transient=False,
            console=_progress_console(),
        ) as progress:
            sim_task = progress.add_task("Simulating days", total=days)
            write_tasks: list[tuple[Any, int]] = []

            def start_writing(total: int) -> None:
                write_tasks.append((progress.add_task("Writing records", total=total), total))

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

        planted = f"planted trigger {trigger_id} (risk ratio {rr:g})" if trigger_id else "no planted trigger"
        typer.echo(
            f"Added {result.nights_added} nights and {result.days_added} days "
            f"({result.nights_unchanged + result.days_unchanged} already there), {planted}, seed {seed}."
        )
        typer.echo(f"See what the insights find: crampcare insights --db {db}")


def _persistence(items: list[str], factor_ids: tuple[str, ...], tag_prefix: str) -> tuple[float, dict[str, float]]:
    """``--factor-persistence`` values: one plain number for every factor, FACTOR=NUMBER for one."""
    every, by_factor = 0.0, {}
    for item in items:
        name, _, text = item.rpartition("=")
        try:
            value = float(text)
        except ValueError:
            raise _Refused(f"--factor-persistence: {item!r} is not a number or FACTOR=NUMBER") from None
        if not 0 <= value < 1:
            raise _Refused(f"--factor-persistence: {item!r} must be at least 0 and below 1")
        if not name:
            every = value
        elif name in factor_ids or name.startswith(tag_prefix):
            by_factor[name] = value
        else:
            raise _Refused(f"--factor-persistence: unknown factor {name!r}; choose one of {', '.join(factor_ids)}")
    return every, by_factor


def _progress_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add ``insights`` and ``simulate`` to the ``crampcare`` app."""
    app.command("insights")(insights_command)
    app.command("simulate")(simulate_command)
