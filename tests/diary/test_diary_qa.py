"""Defects found by a QA pass over the diary's data paths (import, export, insights, report), each
with the check that failed before its fix."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from diary_helpers import CliResult, cli_runner, cramp, day, night, undo_last

from crampcare.diary import transfer
from crampcare.diary.store import DiaryStore
from crampcare.i18n.context import use_language
from crampcare.report.fhir import bundle_from_records


@pytest.fixture
def sqlite_store(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> Iterator[DiaryStore]:
    """A new SQLite diary, for checks of wording and drawing (the back ends are compared elsewhere)."""
    with DiaryStore(new_migrated_sqlite(tmp_path / "diary.db")) as diary:
        yield diary


# --------------------------------------------------------------------------- FHIR: one person per Bundle


def _bundle() -> dict[str, Any]:
    nights = [night(dt.date(2026, 11, 1), cramp()), night(dt.date(2026, 11, 2))]
    return bundle_from_records(nights, [day(dt.date(2026, 11, 1), stress="high")], [])


def _another_patients_night(bundle: dict[str, Any]) -> dict[str, Any]:
    """``bundle`` with a second Patient and a night entry of theirs (a clinic system's export holds several)."""
    patient = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    other = copy.deepcopy(patient)
    other["fullUrl"] = "urn:uuid:22222222-2222-4222-8222-222222222222"
    other["resource"]["id"] = "22222222-2222-4222-8222-222222222222"
    theirs = copy.deepcopy(next(e for e in bundle["entry"] if e["resource"].get("valueInteger") == 0))
    theirs["fullUrl"] = "urn:uuid:33333333-3333-4333-8333-333333333333"
    theirs["resource"]["id"] = "33333333-3333-4333-8333-333333333333"
    theirs["resource"]["subject"] = {"reference": other["fullUrl"]}
    theirs["resource"]["effectiveDateTime"] = "2025-01-01"
    return {**bundle, "entry": [*bundle["entry"], other, theirs]}


def test_a_fhir_bundle_with_another_patients_entries_imports_nothing(
    run_cli: Callable[..., CliResult], store: DiaryStore, tmp_path: Path
) -> None:
    path = tmp_path / "clinic.json"
    path.write_text(json.dumps(_another_patients_night(_bundle())), encoding="utf-8")
    result = run_cli("import", str(path))
    assert result.exit_code == 2, result.stdout
    assert "Patient" in result.stderr and "nothing was imported" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert store.list_nights() == [] and store.list_days() == []


def test_a_fhir_observation_about_someone_else_imports_nothing(store: DiaryStore) -> None:
    from crampcare.diary.errors import ImportFormatError
    from crampcare.services.transfer import import_text

    bundle = _bundle()
    cramp_entry = next(e for e in bundle["entry"] if e["resource"].get("valueQuantity"))
    cramp_entry["resource"]["subject"] = {"reference": "Patient/somebody-else"}
    with use_language("ru"), pytest.raises(ImportFormatError) as info:
        import_text(store, json.dumps(bundle), "mixed.json")
    message = str(info.value)
    assert message.startswith("mixed.json: Observation") and "subject" in message, message
    assert "Patient/somebody-else" in message and "ничего не загружено" in message, message
    assert store.list_nights() == []


def test_a_crampcare_fhir_bundle_still_imports_and_other_tools_subject_forms_are_accepted(store: DiaryStore) -> None:
    from crampcare.report.fhir import import_fhir

    bundle = _bundle()
    patient = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    first_observation = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation")
    first_observation["resource"]["subject"] = {"reference": f"Patient/{patient['resource']['id']}"}
    result = import_fhir(store, bundle)
    assert (result.nights_added, result.days_added) == (2, 1)


# --------------------------------------------------------------------------- CSV from a Russian spreadsheet


def test_a_semicolon_csv_from_a_russian_spreadsheet_imports() -> None:
    """Excel and LibreOffice in a Russian locale save CSV with ';' between cells and a decimal comma."""
    text = (
        "\ufeffdate;night_logged;cramp_count;sleep_disturbed;cramp1_start;cramp1_duration_s;cramp1_leg;"
        "cramp1_muscles;cramp1_severity;cramp1_minutes_to_relief;sitting_hours;tags;day_notes\r\n"
        '2026-11-01;yes;1;yes;3:10;180;left;"calf;toes";7;1,5;8,5;"work;travel";"Поездка, устал"\r\n'
        "2026-11-02;yes;0;no;;;;;;;;;\r\n"
    )
    batch = transfer.parse_csv(text, source="excel.csv")
    assert [n.date for n in batch.nights] == [dt.date(2026, 11, 1), dt.date(2026, 11, 2)]
    first = batch.nights[0].cramps[0]
    assert first.muscles == ["calf", "toes"] and first.minutes_to_relief == 1.5
    assert batch.days[0].sitting_hours == 8.5 and batch.days[0].tags == ["work", "travel"]
    assert batch.days[0].notes == "Поездка, устал"


def test_a_comma_csv_with_semicolon_lists_is_still_read_with_commas() -> None:
    batch = transfer.parse_csv("date,tags\n2026-11-01,a;b\n", source="mine.csv")
    assert batch.days[0].tags == ["a", "b"]


# --------------------------------------------------------------------------- Russian numbers agree


@pytest.mark.parametrize("logged", [1, 21])
def test_russian_recent_nights_sentence_agrees_with_the_logged_count(logged: int) -> None:
    from crampcare.insights.analysis import compute_insights, summary_sentences

    today = dt.date(2026, 11, 30)
    nights = [night(today - dt.timedelta(days=i), *([cramp()] if i % 3 == 0 else [])) for i in range(logged)]
    with use_language("ru"):
        text = " ".join(summary_sentences(compute_insights(nights, [], today=today)))
    assert f"из {logged} записанных" not in text, text
    assert f"{logged}" in text


def test_russian_report_counts_agree_with_one_logged_night(sqlite_store: DiaryStore) -> None:
    """«1 ночь с судорогами из 1 записанных», «сделаны в 1 из 1 дней», «для 1 из 1 судорог»: the noun after
    «из N» must agree with N, so the Russian names the count after a colon instead."""
    from crampcare.report.document import report_html

    today = dt.date(2026, 11, 30)
    sqlite_store.add_night(night(dt.date(2026, 11, 29), cramp()))
    sqlite_store.add_day(day(dt.date(2026, 11, 29), exercises_done=True))
    with use_language("ru"):
        html = report_html(sqlite_store, today=today)
    for wrong in ("из 1 записанных", "из 1 дней", "из 1 судорог"):
        assert wrong not in html, wrong
    assert "записано ночей: 1, из них с судорогами: 1" in html


def test_the_russian_insights_page_says_times_helped_in_the_right_form(
    tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]
) -> None:
    from fastapi.testclient import TestClient

    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    url = new_migrated_sqlite(tmp_path / "diary.db")
    application = create_app(Settings(db=url))
    with DiaryStore(url) as diary:
        # stretch helped twice (timed once: listed, not ranked); walk helped 21 times, timed each time (ranked)
        for i in range(23):
            helped = ["walk"] if i < 21 else ["stretch"]
            diary.add_night(night(dt.date(2026, 10, 1) + dt.timedelta(days=i),
                                  cramp(helped=helped, minutes_to_relief=2 if i != 22 else None)))
    with TestClient(application) as web:
        page = web.get("/insights", headers={"Accept-Language": "ru"}).text
        english = web.get("/insights", headers={"Accept-Language": "en"}).text
    application.state.engine.dispose()
    assert "помогло 2 раза, со временем — 1" in page
    assert "записей со временем: 21 (всего помогло 21 раз)" in page
    assert "helped 2 times, 1 timed" in english and "helped 21 times in all" in english


# --------------------------------------------------------------------------- FHIR: old dates


@pytest.fixture
def amsterdam_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's clock in Amsterdam, whose offset until 1937 was +00:19:32."""
    import time

    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("amsterdam_time")
def test_a_fhir_export_of_a_night_before_standard_time_imports_again(sqlite_store: DiaryStore) -> None:
    from crampcare.report.fhir import import_fhir

    nights = [night(dt.date(1920, 3, 1), cramp(start=dt.time(3, 10)))]
    bundle = bundle_from_records(nights, [], [])
    moments = [e["resource"]["effectiveDateTime"] for e in bundle["entry"] if e["resource"].get("valueQuantity")]
    assert moments == ["1920-03-02T03:10:00+00:20"]
    import_fhir(sqlite_store, bundle)
    assert sqlite_store.list_nights() == nights


# --------------------------------------------------------------------------- undo after an import that added nothing


def test_undo_after_an_import_that_added_nothing_keeps_the_earlier_change(
    run_cli: Callable[..., CliResult], store: DiaryStore, tmp_path: Path
) -> None:
    """The import is "one undoable change", and the web offers Undo right after it: an import whose records
    were all there already (or a header-only file) must not let that Undo revert the night logged before."""
    assert run_cli("log", "night", "--date", "2026-11-01", "--none").exit_code == 0
    again = tmp_path / "again.json"
    assert run_cli("export", "--format", "json", "--out", str(again)).exit_code == 0
    header_only = tmp_path / "header.csv"
    header_only.write_text("date,fluids_ml\n", encoding="utf-8")
    for path in (again, header_only):
        imported = run_cli("import", str(path))
        assert imported.exit_code == 0, imported.stderr
        undone = undo_last(run_cli)
        assert undone.exit_code == 0 and "importing" in undone.stdout, undone.stdout
        assert store.get_night(dt.date(2026, 11, 1)) is not None


# --------------------------------------------------------------------------- the diary's suggestions to the interview


def test_signs_never_logged_are_not_suggested_as_no() -> None:
    """Signs are optional in the diary: nights of ordinary calf cramps logged without any made
    `assess --from-diary` answer "no hard knot", and the assessment then warned of "features unlike an
    ordinary cramp" (ws_atypical_cramp), while "no, not the whole leg" ruled out ws_widespread unasked."""
    from crampcare.assess import assess
    from crampcare.diary.prefill import prefill_answers

    today = dt.date(2026, 11, 30)
    plain = [night(today - dt.timedelta(days=i), cramp(helped=["stretch"])) for i in range(1, 9)]
    answers = prefill_answers(plain, [], today=today)
    assert not {"hard_knot", "whole_limb", "twitching_pulling"} & set(answers), answers
    result = assess({**answers, "age": 50, "sex": "female"})
    assert "ws_atypical_cramp" not in [w.id for w in result.warning_signs]

    knotted = [night(today - dt.timedelta(days=1), cramp(signs=["hard_knot", "whole_limb"])), *plain[1:]]
    answers = prefill_answers(knotted, [], today=today)
    assert answers["hard_knot"] is True and answers["whole_limb"] is True and "twitching_pulling" not in answers


# --------------------------------------------------------------------------- the person's own words on the terminal


def test_tags_and_notes_that_look_like_markup_are_printed_as_written(store: DiaryStore, migrated_url: str) -> None:
    """A tag "[/x]" made `diary list` and `insights` stop with Rich's MarkupError, and "[x]" vanished."""
    import typer

    from crampcare.cli.diary_commands import register as register_diary
    from crampcare.cli.insights_commands import register as register_insights

    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test app."""

    register_diary(app)
    register_insights(app)
    start = dt.date(2026, 9, 1)
    store.add_many(
        [night(start + dt.timedelta(days=i), *([cramp()] if i % 3 == 0 else []), notes="[bold]x") for i in range(42)],
        [day(start + dt.timedelta(days=i), tags=["[/x]", "[x]"] if i % 2 else ["[x]"]) for i in range(42)],
    )
    run = cli_runner(app, migrated_url)
    listed = run("diary", "list", "--from", "2026-09-01", "--to", "2026-09-02")
    assert listed.exit_code == 0, listed.stderr
    assert "[/x], [x]" in listed.stdout and "[x]" in listed.stdout.split("2026-09-01")[1].split("\n")[0]
    insights = run("insights")
    assert insights.exit_code == 0, insights.stderr
    assert "Tag: [/x]" in insights.stdout


# --------------------------------------------------------------------------- charts: labels that can be read


def _overlapping_tick_labels(figure: Any) -> list[tuple[str, str]]:
    """Pairs of neighbouring x tick labels whose drawn boxes overlap, over every axes of ``figure``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure).draw()
    renderer = figure.canvas.get_renderer()
    clashes = []
    for ax in figure.axes:
        labels = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        boxes = sorted((box.x0, box.x1, t.get_text()) for t in labels for box in [t.get_window_extent(renderer)])
        clashes += [(a[2], b[2]) for a, b in zip(boxes, boxes[1:], strict=False) if b[0] < a[1] + 2]
    return clashes


@pytest.mark.parametrize(("days", "lang"), [(90, "en"), (365, "ru"), (120, "ru")])
def test_the_weekly_chart_dates_do_not_run_into_each_other(days: int, lang: str) -> None:
    import matplotlib

    from crampcare.insights.analysis import compute_insights
    from crampcare.insights.charts import _RC, weekly_figure

    today = dt.date(2026, 12, 1)
    nights = [night(today - dt.timedelta(days=i), *([cramp()] if i % 3 == 0 else [])) for i in range(days)]
    with use_language(lang), matplotlib.rc_context(_RC):
        figure = weekly_figure(compute_insights(nights, [], today=today))
        assert _overlapping_tick_labels(figure) == []


def test_the_triggers_chart_risk_ratios_do_not_run_into_each_other() -> None:
    """A factor on a few quiet nights has a 95 % CI down to 0.01: its ticks 1-2-5 in every decade ran
    together ("0.0010.002")."""
    import matplotlib

    from crampcare.insights.analysis import compute_insights
    from crampcare.insights.charts import _RC, triggers_figure

    today = dt.date(2026, 12, 1)
    dates = [today - dt.timedelta(days=i) for i in range(56)]
    nights = [night(date, *([cramp()] if i % 2 else [])) for i, date in enumerate(dates)]
    days = [day(date, cold_exposure=i % 10 == 0, stress="high" if i % 3 == 0 else "none") for i, date in enumerate(dates)]
    insights = compute_insights(nights, days, today=today)
    assert min(t.rr_low or 1 for f in insights.triggers.factors for t in f.tests) < 0.02
    with matplotlib.rc_context(_RC):
        figure = triggers_figure(insights)
        assert _overlapping_tick_labels(figure) == []
        assert len([t for t in figure.axes[0].get_xticklabels() if t.get_text()]) >= 3


def _texts_outside(figure: Any) -> list[str]:
    """The texts of ``figure`` drawn (partly) outside it, so cut off in the PNG and the SVG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    FigureCanvasAgg(figure).draw()
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    undrawn = set()  # labels of ticks beyond the axis's limits: matplotlib keeps them but does not draw them
    for ax in figure.axes:
        for axis, (low, high) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            undrawn |= {id(tick.label1) for tick in axis.get_major_ticks() if not low <= tick.get_loc() <= high}
    outside = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or id(text) in undrawn:
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 or box.y1 > page.y1 + 1:
            outside.append(text.get_text())
    return outside


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_word_of_the_triggers_chart_is_inside_it(lang: str) -> None:
    """In Russian the long factor names made the plot narrow, and the title, the axis label and the ends of
    the names ("(в следующую ноч") were cut off; in English a 45-letter name ran off the edge too."""
    import matplotlib

    from crampcare.insights.analysis import compute_insights
    from crampcare.insights.charts import _RC, triggers_figure

    today = dt.date(2026, 12, 1)
    dates = [today - dt.timedelta(days=i) for i in range(84)]
    nights = [night(date, *([cramp()] if i % 2 else [])) for i, date in enumerate(dates)]
    days = [day(date, temperature_swing_c=12 if i % 4 == 0 else 3, alcohol_units=3 if i % 5 == 0 else 0,
                tags=["a rather long label of my own for days"] if i % 3 == 0 else [])
            for i, date in enumerate(dates)]
    with use_language(lang), matplotlib.rc_context(_RC):
        figure = triggers_figure(compute_insights(nights, days, today=today))
        assert _texts_outside(figure) == []


# --------------------------------------------------------------------------- the web's night for a morning cramp


def test_the_web_files_a_morning_cramp_logged_in_the_afternoon_under_last_night(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_migrated_sqlite: Callable[[Path], str]
) -> None:
    """At 14:00 the night form offers tonight's date; a cramp "at 03:10" typed into it went into tonight (a cramp
    still to come, tomorrow at 03:10), where `crampcare log night --time 03:10` files it under last night."""
    from fastapi.testclient import TestClient

    from crampcare.web import pages
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    monkeypatch.setattr(pages, "_now", lambda: dt.datetime(2026, 12, 3, 14, 0))
    url = new_migrated_sqlite(tmp_path / "diary.db")
    application = create_app(Settings(db=url))
    cramp_fields = {"start": "03:10", "duration": "60", "leg": "left", "muscles": "calf", "severity": "5"}
    with TestClient(application) as web:
        form = web.get("/diary").text
        assert 'name="date" value="2026-12-03"' in form and 'name="date_default" value="2026-12-03"' in form
        web.post("/diary/night", data={"date": "2026-12-03", "date_default": "2026-12-03", **cramp_fields})
        chosen = web.post("/diary/night", data={"date": "2026-12-03", "date_default": "2026-12-02", **cramp_fields})
        edited = web.post("/diary/night/2026-12-03", data={"count": "1", "c0_start": "03:10", "c0_duration": "60",
                                                           "c0_leg": "left", "c0_muscles": "calf", "c0_severity": "5"})
    application.state.engine.dispose()
    with DiaryStore(url) as diary:
        assert [n.date for n in diary.list_nights()] == [dt.date(2026, 12, 2)]
    assert chosen.status_code == 422 and "has not happened yet" in chosen.text
    assert edited.status_code == 422 and "has not happened yet" in edited.text  # the edit page checks the same


# --------------------------------------------------------------------------- Russian: which night a date names


def test_russian_names_a_night_by_its_evening_with_s_not_na() -> None:
    """A night is keyed by its evening's date. «Ночь на 2 декабря» is Russian for the night that *ends* on
    2 December, so the form's label «Ночь на [дата]» had a person choose the morning's date (a night too late),
    and «Записана ночь на 2026-12-02» named the night before the one stored. «Ночь с 2 декабря» starts then."""
    from pathlib import Path as _Path

    from babel.messages.pofile import read_po

    import crampcare

    folder = _Path(crampcare.__file__).parent / "i18n" / "locale" / "ru" / "LC_MESSAGES"
    wrong = []
    for name in ("messages.po", "web.po"):
        with (folder / name).open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if any("night of" in text.lower() for text in ids):
                wrong += [text for text in strings if re.search(r"[Нн]оч\w* на\b", text)]
    assert wrong == []
    with use_language("ru"):
        from crampcare.diary import units

        with pytest.raises(ValueError, match="в ночь с 2026-12-03"):
            units.check_happened(dt.date(2026, 12, 3), dt.time(3, 10), dt.datetime(2026, 12, 3, 14, 0))


# --------------------------------------------------------------------------- insights over a chosen period


def test_insights_over_a_period_without_nights_do_not_say_nothing_was_ever_logged() -> None:
    """`crampcare insights --from 2020-01-01 --to 2020-02-01` on a diary of this autumn said "No nights logged
    yet. Log every night…", which is not true of the diary."""
    from crampcare.insights.analysis import compute_insights, summary_sentences

    today = dt.date(2026, 11, 30)
    nights = [night(today - dt.timedelta(days=i), cramp()) for i in range(10)]
    chosen = compute_insights(nights, [], today=today, start=dt.date(2020, 1, 1), end=dt.date(2020, 2, 1))
    said = " ".join(summary_sentences(chosen))
    assert "yet" not in said and "chosen period" in said, said
    assert "No nights logged yet" in " ".join(summary_sentences(compute_insights([], [], today=today)))


def test_a_cramp_over_two_hours_is_refused_in_russian_too(run_cli: Callable[..., CliResult]) -> None:
    with use_language("ru"):
        result = run_cli("log", "night", "--date", "2026-11-01", "--time", "03:00", "--duration", "3h", "--leg", "left",
                         "--muscle", "calf", "--severity", "3")
    assert result.exit_code == 2 and "больше 2 ч" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("change", "russian"),
    [
        (lambda b: {**b, "type": "transaction"}, "ожидается `collection`"),
        (lambda b: {**b, "entry": [*b["entry"], {"resource": {"resourceType": "Condition"}}]}, "не тот ресурс"),
        (lambda b: {**b, "entry": [*b["entry"], {"fullUrl": "x"}]}, "нет ресурса"),
    ],
)
def test_a_refused_fhir_bundle_is_explained_in_russian(change: Callable[[dict[str, Any]], Any], russian: str) -> None:
    """The FHIR import's reasons were English whatever the language (only the diary's own formats spoke Russian)."""
    from crampcare.report.errors import FhirImportError
    from crampcare.report.fhir import parse_fhir_bundle

    with use_language("ru"), pytest.raises(FhirImportError) as info:
        parse_fhir_bundle(change(_bundle()))
    assert russian in str(info.value) and "ничего не загружено" in str(info.value), str(info.value)


def test_the_russian_many_checks_sentence_reads_right_for_21_checks() -> None:
    """«при 21 одновременно проверенных сочетаниях» needs the singular after 21; the sentence now names the
    number in brackets, right for any count."""
    from crampcare.i18n.context import _

    message = ("Its 95% CI alone leaves out 1, but with {tests} factor and timing combinations checked at once, and "
               "cramps and habits that come in spells, a gap this size turns up by chance too often to call it a link.")
    with use_language("ru"):
        for tests in (21, 22, 25):
            text = _(message, tests=tests)
            assert f"(их {tests})" in text and "проверенных сочетаниях" not in text, text
