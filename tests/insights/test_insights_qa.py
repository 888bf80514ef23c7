"""QA of the insights "over weeks": diaries the other tests had not tried (tags typed differently,
months without a diary, a traveller a day ahead, medicines, one check only), the insights page's
table in Russian, and the CPU a web worker spends on them; then a second round (nights without
days, every night alike, a medicine every day, a feminine factor in Russian, the one-file chart,
the report over a period, a ten-month gap in the weekly chart)."""

from __future__ import annotations

import datetime as dt
import gc
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch

import pytest
from fastapi.testclient import TestClient

from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.i18n.context import use_language
from crampcare.insights import compute_insights, day_factors, factor_label
from crampcare.insights.factors import PRESENT, TAG_PREFIX
from crampcare.insights.simulate import simulate_diary

END = dt.date(2026, 11, 1)


def _cramp() -> Cramp:
    return Cramp(start=dt.time(3, 10), duration_s=60, leg="left", muscles=["calf"], severity=5)


def _night(date: dt.date, cramp: bool) -> NightRecord:
    return NightRecord(date=date, cramps=[_cramp()] if cramp else [])


# --------------------------------------------------------------------------- tags


def test_tags_that_differ_only_by_case_spaces_or_unicode_form_are_one_factor() -> None:
    """"Coffee", "coffee " and "COFFEE" were three factors, each with a third of the days; so were "café"
    typed with a combining accent and without, "red  wine" and "red wine", "Кофе" and "кофе"."""
    spellings = [("Coffee", "coffee", "COFFEE"), (unicodedata.normalize("NFD", "café"), "café"),
                 ("red  wine", "red wine"), ("Кофе", "кофе")]
    days = [DayRecord(date=END - dt.timedelta(days=i), tags=[group[i % len(group)] for group in spellings])
            for i in range(12)]
    table = day_factors(days)
    tags = [fid for fid in table.ids if fid.startswith(TAG_PREFIX)]
    assert len(tags) == 4, tags
    assert TAG_PREFIX + "red wine" in tags and TAG_PREFIX + "café" in tags  # the shown name: single spaces, one form
    for fid in tags:
        assert table.column(fid).tolist() == [PRESENT] * 12, fid


# --------------------------------------------------------------------------- weeks a link rests on


def test_the_weeks_a_link_rests_on_leave_out_months_without_a_diary() -> None:
    """Six weeks in spring and six in winter, nothing between: the link rests on 12 weeks, not the 46
    from the first night to the last that the message used to say."""
    nights, days = [], []
    for first in (END - dt.timedelta(days=321), END - dt.timedelta(days=41)):  # 280 days apart
        for i in range(42):
            date = first + dt.timedelta(days=i)
            stressed = i % 3 == 0
            nights.append(_night(date, stressed))
            days.append(DayRecord(date=date, stress="high" if stressed else "none"))
    stress = next(f for f in compute_insights(nights, days, today=END).triggers.factors if f.factor == "high_stress")
    assert stress.verdict == "seems_linked"
    assert "over 12 weeks of your diary" in stress.message, stress.message
    assert next(t for t in stress.tests if t.lag == 0).weeks == 12


# --------------------------------------------------------------------------- medicines


def test_a_medicine_factor_is_named_as_the_knowledge_base_names_it_in_each_language() -> None:
    """The label was the id ("Medicine: beta agonist"), English in a Russian sentence too."""
    assert factor_label("medicine:beta_agonist") == "Medicine: Asthma and COPD inhalers (beta-agonists)"
    with use_language("ru"):
        assert factor_label("medicine:beta_agonist") == "Лекарство: Ингаляторы от астмы и ХОБЛ (бета-агонисты)"
    assert factor_label("medicine:retired_id") == "Medicine: retired id"  # an id the knowledge base no longer has


# --------------------------------------------------------------------------- a traveller a day ahead


def test_a_night_dated_tomorrow_counts_in_the_last_28_days() -> None:
    """A diary accepts tomorrow (a person a time zone ahead is on it already). Its night was left out of
    "the last 28 days", and the last cramp was -1 days ago."""
    nights = [_night(END + dt.timedelta(days=1), True), _night(END, False)]
    ins = compute_insights(nights, [], today=END)
    assert (ins.recent.nights_logged, ins.recent.cramp_nights) == (2, 1)
    assert ins.days_since_last_cramp == 0
    assert "In the last 28 days: 1 cramp night out of 2 logged." in ins.summary()


# --------------------------------------------------------------------------- one check only


def _one_check_diary() -> tuple[list[NightRecord], list[DayRecord]]:
    """40 nights and days; caffeine on the last 5 days only, so the next night has 4 nights after it (too
    few) and only the same night is checked: cramps on 4 of those 5 nights, 12 of the other 35."""
    first = END - dt.timedelta(days=39)
    nights = [_night(first + dt.timedelta(days=i), (i >= 35 and i != 37) or (i < 35 and i % 3 == 0 and i < 36))
              for i in range(40)]
    days = [DayRecord(date=first + dt.timedelta(days=i), caffeine=i >= 35) for i in range(40)]
    return nights, days


def test_one_check_is_one_combination_and_its_reason_is_not_many_checks() -> None:
    nights, days = _one_check_diary()
    tr = compute_insights(nights, days, today=END).triggers
    assert tr.tests_run == 1
    assert tr.message.startswith("Checked 1 factor and timing combination; "), tr.message
    (caffeine,) = tr.factors
    assert caffeine.verdict == "no_clear_link" and caffeine.raw_interval_excludes_1, caffeine
    assert "1 factor and timing combinations" not in caffeine.message
    assert caffeine.message.endswith("Its 95% CI alone leaves out 1, but allowing for cramps and habits that come in "
                                     "spells, a gap this size turns up by chance too often to call it a link."), caffeine.message
    with use_language("ru"):
        assert "Проверено" in compute_insights(nights, days, today=END).triggers.message


# --------------------------------------------------------------------------- the insights page


@pytest.fixture(scope="module")
def russian_page(new_migrated_sqlite: Callable[[Path], str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The Russian /insights page of a simulated 8-week diary (seed 12) where a cold day's same-night CI
    leaves out 1 without a link, and high activity's sentence is about the next night."""
    from crampcare.services.diary import open_diary
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    url = new_migrated_sqlite(tmp_path_factory.mktemp("page") / "diary.db")
    nights, days = simulate_diary(56, trigger=None, rr=1.0, seed=12, end=dt.date.today())
    with open_diary(url) as store:
        store.put_records(nights, days)
    with TestClient(create_app(Settings(db=url))) as client:
        return client.get("/insights", headers={"accept-language": "ru"}).text


def _row(page: str, label: str) -> str:
    row = re.search(r'<tr class="verdict-[^"]*"><th scope="row">' + re.escape(label) + r"</th>(.*?)</tr>", page, re.S)
    assert row, f"no row for {label}"
    return row.group(1)


def test_the_table_shows_the_figures_its_sentence_gives_in_the_readers_language(russian_page: str) -> None:
    """High activity: "no clear link" with the next night's risk ratio. The row's figures were the same
    night's, written like "0.55× (95% CI 0.087–3.5)" with a point and English "CI" on the Russian page, and
    to two significant figures where the sentence has two decimals."""
    sentence, *cells = re.findall(r"<td[^>]*>(.*?)</td>", _row(russian_page, "Большая нагрузка"), re.S)
    ratio = re.search(r"относительный риск ([0-9,]+), 95 % ДИ ([0-9,]+)–([0-9,]+), в следующую ночь", sentence)
    assert ratio, sentence
    assert cells[-1] == f"{ratio.group(1)} (95 % ДИ {ratio.group(2)}–{ratio.group(3)})", cells[-1]
    assert all(re.search(r"[0-9]%", cell) is None for cell in cells), cells  # «60 %», as Russian writes it


def test_why_a_range_that_leaves_out_1_is_no_link_is_said_once(russian_page: str) -> None:
    """Cold exposure: its same-night CI leaves out 1 without a link. The page said why twice: the factor's
    sentence, then a second one of its own ("On its own this range leaves out 1…")."""
    row = _row(russian_page, "Переохлаждение")
    assert row.count("не включает 1") == 1, row
    # The chart's caption said only "A line that crosses 1 means no clear difference", as if a line that
    # misses 1 (this one, drawn grey) were a clear one.
    caption = re.search(r"<figcaption>(Риск ночи с судорогами[^<]*)</figcaption>", russian_page)
    assert caption and "не пересекает 1, всё равно остаётся серой (явной связи нет)" in caption.group(1), caption


# --------------------------------------------------------------------------- CPU of a web worker


def test_a_web_worker_runs_full_collections_as_rarely_as_a_command() -> None:
    """``crampcare serve --workers N``: each worker builds its app with create_app_from_env, in a new
    interpreter with Python's default thresholds, so full collections (every 10th middle one) walked the
    whole app again and again while a 10-year diary was read: about 220 ms of CPU per /api/v1/insights
    against 130 ms for one process (`crampcare serve`, which the CLI's main set to 100)."""
    from crampcare.web import app as web_app

    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        with patch.object(web_app, "create_app", lambda _settings: "the app"):
            assert web_app.create_app_from_env() == "the app"
        assert gc.get_threshold() == (700, 10, 100)
    finally:
        gc.set_threshold(*saved)


# --------------------------------------------------------------------------- charts at 360 px


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_word_of_the_weekly_and_time_of_night_charts_is_inside_them(lang: str) -> None:
    """At a phone's 324 pt the Russian title «Когда начинаются судороги (с вечера до утра)» ran off the
    time-of-night chart ("…(с вечера до утр"); only the triggers chart wrapped its title."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from crampcare.insights.charts import _RC, time_of_night_figure, weekly_figure

    nights = [_night(END - dt.timedelta(days=i), i % 3 == 0) for i in range(60)]
    with use_language(lang), matplotlib.rc_context(_RC):
        ins = compute_insights(nights, [], today=END)
        for figure in (weekly_figure(ins), time_of_night_figure(ins)):
            FigureCanvasAgg(figure).draw()
            renderer, page = figure.canvas.get_renderer(), figure.bbox
            (ax,) = figure.axes
            for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
                box = text.get_window_extent(renderer)
                assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, text.get_text()


# --------------------------------------------------------------------------- a diary of one night


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_one_night_with_one_cramp_is_told_plainly(lang: str) -> None:
    """It said "from 30 November to 30 November", "1.0 cramps on average (median 1, range 1–1)", "range 1 min
    to 1 min" and "Half of the cramps started between 03:10 and 03:10"."""
    with use_language(lang):
        summary = " ".join(compute_insights([_night(END, True)], [], today=END).summary())
    assert re.search(r"(range|разброс) 1–1|(between|между) 03:10 (and|и) 03:10|1 (min to|мин до) 1 min", summary) is None
    assert summary.count("2026") == 1, summary  # one date, said once
    assert ("The cramp started at 03:10." if lang == "en" else "Судорога началась в 03:10.") in summary
    assert ("The one cramp lasted 1 min; pain was 5 of 10." if lang == "en"
            else "Единственная судорога длилась 1 мин; сила боли — 5 из 10.") in summary, summary


# --------------------------------------------------------------------------- the JSON (CLI and API) in Russian


def test_the_insights_json_says_timings_and_an_empty_trend_in_the_readers_language() -> None:
    """Every test's ``timing`` ("the same night") and an empty diary's trend ("No nights logged yet.")
    stayed English in the Russian JSON of `crampcare insights --format json` and /api/v1/insights."""
    from crampcare.services.insights import insights_json

    nights, days = simulate_diary(56, trigger=None, rr=1.0, seed=0, end=END)
    with use_language("ru"):
        data = insights_json(compute_insights(nights, days, today=END))
        empty = insights_json(compute_insights([], [], today=END))
    timings = {t["timing"] for f in data["triggers"]["factors"] for t in f["tests"]}  # type: ignore[index]
    assert timings == {"в ту же ночь", "в следующую ночь"}, timings
    assert empty["trend"]["message"] == "Ночей пока не записано.", empty["trend"]  # type: ignore[index]


# --------------------------------------------------------------------------- plurals


def test_one_more_day_or_night_to_log_is_said_in_the_singular() -> None:
    """"log 1 more days and nights" (27 nights with their days) and "log 1 more days with it and 3 more
    without it" (a factor on 4 of 6 logged days)."""
    first = END - dt.timedelta(days=26)
    nights = [_night(first + dt.timedelta(days=i), i % 2 == 0) for i in range(27)]
    days = [DayRecord(date=first + dt.timedelta(days=i), caffeine=i < 4 if i < 6 else None) for i in range(27)]
    tr = compute_insights(nights, days, today=END).triggers
    assert tr.message.endswith("log 1 more day and night (at least 28 in all)."), tr.message
    extra = DayRecord(date=first - dt.timedelta(days=1))
    nights.append(_night(extra.date, False))
    (caffeine,) = compute_insights(nights, [*days, extra], today=END).triggers.factors
    assert "log 1 more day with it and 3 more without it" in caffeine.message, caffeine.message


# --------------------------------------------------------------------------- parity


def test_cli_api_and_web_give_the_same_insights_of_the_same_diary(new_migrated_sqlite: Callable[[Path], str],
                                                                    tmp_path: Path) -> None:
    """A Russian reader's diary with tags typed three ways and a gap of months: `crampcare insights
    --format json`, /api/v1/insights and the /insights page say the same."""
    import html
    import json

    import typer
    from typer.testing import CliRunner

    from crampcare.cli.insights_commands import register
    from crampcare.services.diary import open_diary
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    url = new_migrated_sqlite(tmp_path / "diary.db")
    today = dt.date.today()
    nights, days = simulate_diary(42, trigger=None, rr=1.0, seed=3, end=today - dt.timedelta(days=200))
    later_nights, later_days = simulate_diary(42, trigger=None, rr=1.0, seed=4, end=today)
    spellings = ("Дача", "дача ", "ДАЧА")
    days = [d.model_copy(update={"tags": [spellings[i % 3]] if i % 2 else []}) for i, d in enumerate(days + later_days)]
    with open_diary(url) as store:
        store.put_records(nights + later_nights, days)

    cli = typer.Typer()
    cli.callback()(lambda: None)
    register(cli)
    with use_language("ru"):
        result = CliRunner().invoke(cli, ["insights", "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    with TestClient(create_app(Settings(db=url))) as client:
        api = client.get("/api/v1/insights", headers={"accept-language": "ru"}).json()
        page = client.get("/insights", headers={"accept-language": "ru"}).text
    assert json.loads(result.stdout) == api
    summary = re.search(r'<ul class="summary">(.*?)</ul>', page, re.S)
    assert summary and [html.unescape(s) for s in re.findall(r"<li>(.*?)</li>", summary.group(1))] == api["summary"]
    tags = [f["factor"] for f in api["triggers"]["factors"] if f["factor"].startswith("tag:")]
    assert len(tags) == 1 and tags[0].casefold() == "tag:дача", tags


# --------------------------------------------------------------------------- what helped fastest


def test_one_quick_timing_is_not_the_fastest_relief() -> None:
    """The summary ranked by median whatever the number of timings: warmth, timed once at half a minute,
    came first as "fastest" above stretching timed four times, while the page beside it listed warmth
    under "too few timed uses to rank"."""
    def night(i: int, helped: str, minutes: float) -> NightRecord:
        cramp = Cramp(start=dt.time(3), duration_s=60, leg="left", muscles=["calf"], severity=5, helped=[helped],
                      minutes_to_relief=minutes)
        return NightRecord(date=END - dt.timedelta(days=i), cramps=[cramp])

    nights = [night(0, "warmth", 0.5), *(night(i, "stretch", 2) for i in range(1, 5))]
    summary = compute_insights(nights, [], today=END).summary()
    assert "Fastest relief: stretching (median 2 min, 4 times)." in summary, summary


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_cramps_that_all_start_at_one_time_are_not_between_it_and_itself(lang: str) -> None:
    nights = [_night(END - dt.timedelta(days=i), True) for i in range(5)]  # every cramp at 03:10
    with use_language(lang):
        summary = " ".join(compute_insights(nights, [], today=END).summary())
    assert re.search(r"(between|между) 03:10 (and|и) 03:10", summary) is None, summary
    assert ("At least half of the cramps started at 03:10" if lang == "en"
            else "Не меньше половины судорог начиналось в 03:10") in summary, summary


# --------------------------------------------------------------------------- a stray date decades away


def test_a_night_mistyped_as_1900_does_not_make_the_shuffles_span_126_years() -> None:
    """One night of 1900 before a year of diary: the shuffled copies of the nights had a column for every
    day between (46,000), 14 times the CPU (0.4 s) and 110 MB more. Blocks where no test sees a night or
    a day are left out; on 36 diaries with gaps, stray dates and days-only stretches every figure of the
    insights came out byte for byte the same."""
    from crampcare.insights import stats

    nights, days = simulate_diary(365, trigger="high_stress", rr=2.5, seed=1, end=END)
    stray = NightRecord(date=dt.date(1900, 1, 1))
    sizes: list[int] = []
    real = stats.block_permutations

    def spy(y, block, count, rng):  # type: ignore[no-untyped-def]
        sizes.append(int(y.size))
        return real(y, block, count, rng)

    with patch.object(stats, "block_permutations", spy):
        ins = compute_insights([*nights, stray], days, today=END)
    assert ins.nights_logged == len(nights) + 1 and ins.triggers.linked == ["high_stress"]
    assert sizes and max(sizes) <= 366 + 2 * 28, sizes


# --------------------------------------------------------------------------- Russian: no pronoun that disagrees with the factor


def test_russian_factor_messages_do_not_call_a_feminine_factor_him() -> None:
    """«Строгая диета: данных пока мало, запишите ещё 2 дня с ним» and «Метка: вино: похоже, связано с…»:
    the pronoun and the participle were masculine or neuter whatever the factor's gender."""
    nights, days = simulate_diary(84, trigger="strict_diet", rr=3.0, seed=11, end=END)
    with use_language("ru"):
        ins = compute_insights(nights, days, today=END)
        dates = [END - dt.timedelta(days=i) for i in range(30)]
        thin = compute_insights([_night(d, i % 2 == 0) for i, d in enumerate(dates)],
                                [DayRecord(date=d, diet=["strict_diet"] if i == 29 else []) for i, d in enumerate(dates)],
                                today=END)
    linked = next(f for f in ins.triggers.factors if f.factor == "strict_diet")
    assert linked.verdict == "seems_linked"
    assert linked.message.startswith("Строгая диета: похоже, есть связь с большим числом судорог"), linked.message
    assert "после дней с этим фактором — " in linked.message, linked.message
    (diet,) = [f for f in thin.triggers.factors if f.factor == "strict_diet"]
    assert "запишите ещё 4 дня с этим фактором (" in diet.message, diet.message
    texts = " ".join(f.message for f in (*ins.triggers.factors, *thin.triggers.factors))
    assert " с ним" not in texts and "связано" not in texts


# --------------------------------------------------------------------------- the one-file chart of `insights --chart`


def test_every_trigger_name_of_the_one_file_chart_is_inside_it() -> None:
    """`crampcare insights --chart` draws the three charts in one figure; there the triggers' plot was
    aligned with the weekly chart's, whose numbers and label on the left moved it right, so the names
    wrapped for the whole width ran off it («Алкоголь (2 порции и больше) (в ту же ноч»)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from crampcare.insights.charts import _RC, overview_figure

    nights, days = simulate_diary(84, trigger=None, rr=1.0, seed=2, end=END)
    with use_language("ru"), matplotlib.rc_context(_RC):
        figure = overview_figure(compute_insights(nights, days, today=END))
        FigureCanvasAgg(figure).draw()
        renderer, page = figure.canvas.get_renderer(), figure.bbox
        names = [text for ax in figure.axes for text in ax.texts]
        assert len(names) > 10
        for text in names:
            box = text.get_window_extent(renderer)
            assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, text.get_text()


# --------------------------------------------------------------------------- the report


def test_the_report_over_a_period_gives_the_insights_of_the_cli_and_api(new_migrated_sqlite: Callable[[Path], str],
                                                                        tmp_path: Path) -> None:
    """The report read the days from the period's start only, the others the whole diary: a tag first
    used before the period was known all through it in `crampcare insights --from` and /api/v1/insights,
    and missing in the report until its first use within the period, so their figures differed."""
    from crampcare.insights.from_diary import insights_for
    from crampcare.report.document import report_context
    from crampcare.services.diary import open_diary

    url = new_migrated_sqlite(tmp_path / "diary.db")
    nights, days = simulate_diary(120, trigger="tag:wine", rr=3.0, seed=9, end=END)
    start = END - dt.timedelta(days=59)
    # Wine from the first week on, but not on the first days of the period.
    days = [d.model_copy(update={"tags": [] if start <= d.date < start + dt.timedelta(days=10) else d.tags})
            for d in days]
    with open_diary(url) as store:
        store.put_records(nights, days)
        ins = insights_for(store, start, END, today=END)
        report = report_context(store, start, END, today=END)["diary"]["triggers"]
    wine = next(f for f in ins.triggers.factors if f.factor == "tag:wine")
    assert next(t for t in wine.tests if t.lag == 0).nights_without >= 10
    assert report["message"] == ins.triggers.message
    assert report["linked"] == [f.message for f in ins.triggers.factors if f.verdict in ("seems_linked", "seems_protective")]
    assert wine.message in report["linked"], (wine.message, report["linked"])


# --------------------------------------------------------------------------- every night alike


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_cramps_logged_alike_are_not_given_a_range_from_a_value_to_itself(lang: str) -> None:
    """One cramp a night, each logged as 1 min and pain 5: "1.0 cramps on average (median 1, range 1–1)"
    and "range 1 min to 1 min ... (range 5–5)"."""
    nights = [_night(END - dt.timedelta(days=i), i % 2 == 0) for i in range(20)]
    with use_language(lang):
        summary = " ".join(compute_insights(nights, [], today=END).summary())
        nights[0] = nights[0].model_copy(update={"cramps": [_cramp(), _cramp().model_copy(update={"severity": 7})]})
        mixed = " ".join(compute_insights(nights, [], today=END).summary())
    assert re.search(r"1–1|5–5|1 (min to|мин до) 1 (min|мин)", summary) is None, summary
    assert ("1 cramp on every cramp night; 10 cramps in all. Every cramp lasted 1 min; pain was 5 of 10 every time."
            if lang == "en" else "В каждую ночь с судорогами — 1 судорога; всего — 10 судорог. Каждая судорога длилась "
            "1 мин; сила боли — каждый раз 5 из 10.") in summary, summary
    assert ("Every cramp lasted 1 min; pain was 5 of 10 as a median (range 5–7)." if lang == "en"
            else "Каждая судорога длилась 1 мин; сила боли — в среднем 5 из 10 (разброс 5–7).") in mixed, mixed


@pytest.mark.parametrize("cramp", [True, False])
def test_nights_that_all_went_alike_say_why_no_factor_can_stand_out(cramp: bool) -> None:
    """A cramp every night (or none ever): "Checked 16 factor and timing combinations; no factor stands out
    yet" as if the factors had been looked at; with every night alike none of them can differ."""
    dates = [END - dt.timedelta(days=i) for i in range(40)]
    nights = [_night(d, cramp) for d in dates]
    days = [DayRecord(date=d, caffeine=i % 3 == 0, stress="high" if i % 2 else "none") for i, d in enumerate(dates)]
    # One night without its day, and that one differs: it is compared with no day, so it changes nothing.
    nights.append(_night(END - dt.timedelta(days=45), not cramp))
    with use_language("ru"):
        ru = compute_insights(nights, days, today=END).triggers.message
    tr = compute_insights(nights, days, today=END).triggers
    assert tr.message == ("Every" if cramp else "No") + (
        " night logged with its day had a cramp, so no factor can stand out yet: a link shows only as more or fewer "
        "cramp nights after days with it than without it."), tr.message
    assert ru.startswith("Во все ночи" if cramp else "Ни в одну ночь"), ru
    days[0] = days[0].model_copy(update={"caffeine": None})
    nights[0] = _night(dates[0], not cramp)
    assert compute_insights(nights, days, today=END).triggers.message.startswith("Checked 4 factor")


def test_nights_logged_without_their_days_are_not_asked_for_again() -> None:
    """79 nights and no days said "log 28 more days and nights", as if the nights were missing too."""
    dates = [END - dt.timedelta(days=i) for i in range(40)]
    nights = [_night(d, i % 3 == 0) for i, d in enumerate(dates)]
    days = [DayRecord(date=d, caffeine=True) for d in dates[:10]]
    tr = compute_insights(nights, days, today=END).triggers
    assert tr.message.endswith("; log the days of 18 more of the nights you logged (at least 28 in all)."), tr.message
    with use_language("ru"):
        ru = compute_insights(nights[:11], days, today=END).triggers.message
    assert ru.endswith("; запишите ещё 18 дней и ночей (всего нужно не меньше 28)."), ru


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_medicine_with_too_few_days_is_never_asked_to_be_taken_or_stopped(lang: str) -> None:
    """"Medicine: Statins: not enough data yet, log 5 more days without it" asked a person to stop a
    prescription medicine to find out (and "log 4 more days with it" to take one)."""
    dates = [END - dt.timedelta(days=i) for i in range(40)]
    nights = [_night(d, i % 3 == 0) for i, d in enumerate(dates)]
    # model_construct skips the knowledge-base check of medicine ids; statins every day, an inhaler once.
    days = [DayRecord.model_construct(date=d, medicines=["statin"] + ["beta_agonist"] * (i == 30), diet=[], tags=[],
                                      caffeine=i % 2 == 0) for i, d in enumerate(dates)]
    with use_language(lang):
        factors = compute_insights(nights, days, today=END).triggers.factors
    medicines = [f for f in factors if f.factor.startswith("medicine:")]
    assert [f.verdict for f in medicines] == ["not_enough_data"] * 2
    for f in medicines:
        assert re.search(r"log \d+ more|запишите ещё", f.message) is None, f.message
        assert ("Never start, stop or change a medicine to find out: talk to your doctor." if lang == "en" else
                "Не начинайте, не прекращайте и не меняйте лекарство ради проверки: поговорите с врачом.") in f.message


def test_the_weekly_trend_is_not_drawn_across_months_without_a_diary() -> None:
    """A year, ten months without a diary, another year: the trend line and its band ran straight across
    the ten months, as if weeks had been logged there."""
    import matplotlib
    import numpy as np
    from matplotlib.dates import date2num

    from crampcare.insights.charts import _RC, weekly_figure

    first, first_days = simulate_diary(120, trigger=None, rr=1.0, seed=5, end=END - dt.timedelta(days=420))
    later, later_days = simulate_diary(120, trigger=None, rr=1.0, seed=6, end=END)
    with matplotlib.rc_context(_RC):
        ins = compute_insights(first + later, first_days + later_days, today=END)
        (ax,) = weekly_figure(ins).axes
    assert ins.trend.odds_ratio_per_4_weeks is not None
    (line,) = ax.lines
    xs, ys = np.asarray(date2num(line.get_xdata())), np.asarray(line.get_ydata(), dtype=float)
    drawn = [b - a for a, b, ya, yb in zip(xs, xs[1:], ys, ys[1:], strict=False) if np.isfinite(ya) and np.isfinite(yb)]
    assert max(drawn) <= 35, max(drawn)  # no segment longer than five weeks
    assert float(date2num(ins.weekly[-1].week_start)) - float(date2num(ins.weekly[0].week_start)) > 300
    (band,) = ax.collections
    assert len(band.get_paths()) == 2  # the band in two parts, one per spell of diary
