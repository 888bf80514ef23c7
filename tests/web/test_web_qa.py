"""Defects a phone QA pass found (a person mid-cramp at 3 a.m., and the morning after), each pinned by a
test that failed before its fix: in-process HTTP tests, and one browser test for what only layout shows."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crampcare.assess import assess
from crampcare.diary.units import default_night_date

SHOWN = re.compile(r'name="shown" value="([^"]*)"')


def _first_step(client: TestClient, lang: str = "en") -> dict[str, str]:
    page = client.get(f"/assess?lang={lang}").text
    found = SHOWN.search(page)
    assert found is not None
    return {"step": "warning_signs", "shown": found.group(1), "action": "next"}


def _h1(page: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert found is not None
    return found.group(1).strip()


# --------------------------------------------------------------------------- warning signs stop the interview


def test_a_yes_to_an_emergency_sign_shows_the_emergency_at_once(client: TestClient) -> None:
    """A "yes" to breathlessness with chest pain on the first step answered "18 warning questions are not
    answered", then went on to "About you": the emergency showed only after the whole interview."""
    step = _first_step(client)
    page = client.post("/assess", data={**step, "breathless_chest_pain": "yes"})
    assert page.status_code == 200 and 'class="banner urgency-emergency"' in page.text, _h1(page.text)
    assert 'id="left-open"' not in page.text
    # What the engine (and so the CLI and the API) says for the same answers.
    assert assess({"breathless_chest_pain": True}).urgency == "emergency"
    assert client.post("/api/v1/assess", json={"answers": {"breathless_chest_pain": True}}).json()["urgency"] == "emergency"
    # The other questions can still be answered: "go on" returns to the interview with the answer kept,
    # and Next then moves on instead of stopping again for the sign already shown.
    go_on = re.search(r'<form method="post" action="/assess/open" class="actions" id="go-on">.*?</form>', page.text, re.S)
    assert go_on is not None and "Answer the other questions" in go_on.group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', go_on.group(0)))
    assert fields["seen_signs"] == "ws_lung_clot"
    interview = client.post("/assess/open", data={**fields, "answers": json.dumps({"breathless_chest_pain": True})})
    assert 'name="seen_signs" value="ws_lung_clot"' in interview.text
    assert 'name="breathless_chest_pain" value="yes" checked' in interview.text
    found = SHOWN.search(interview.text)
    assert found is not None
    going_on = {**step, "shown": found.group(1), "breathless_chest_pain": "yes", "seen_signs": "ws_lung_clot",
                "skip_open": "warning_signs"}
    assert _h1(client.post("/assess", data=going_on).text) == "About you"
    # A new sign on the way is shown at once all the same.
    again = client.post("/assess", data={**going_on, "seizure_signs": "yes"}).text
    assert 'class="banner urgency-emergency"' in again and 'name="seen_signs" value="ws_lung_clot ws_seizure"' in again
    # "Answer them" on a result (no sign seen on the way): a "yes" there is shown at once too.
    reopened = client.post("/assess/open", data={"answers": json.dumps({"age": 40})}).text
    assert 'name="seen_signs"' not in reopened
    found = SHOWN.search(reopened)
    assert found is not None
    answered = client.post("/assess", data={**step, "shown": found.group(1), "age": "40",
                                            "breathless_chest_pain": "yes"}).text
    assert 'class="banner urgency-emergency"' in answered


def test_a_clot_sign_asks_its_follow_up_then_says_see_a_doctor_today(client: TestClient) -> None:
    """A swollen, red, warm calf: the one follow-up that can stand it down (does it last?) comes first,
    then the urgent result at once, in the page's language."""
    step = _first_step(client, "ru")
    follow_up = client.post("/assess?lang=ru", data={**step, "calf_swollen_red_warm": "yes"}).text
    assert 'id="q-calf_change_lasting"' in follow_up and 'class="banner' not in follow_up
    found = SHOWN.search(follow_up)
    assert found is not None
    for lasting in ("yes", ""):  # "yes", or left open: never ruled out
        page = client.post("/assess?lang=ru", data={**step, "shown": found.group(1), "calf_swollen_red_warm": "yes",
                                                    "calf_change_lasting": lasting}).text
        assert 'class="banner urgency-urgent"' in page, _h1(page)
        assert "Ответить на остальные вопросы" in page
    # "No, it went with the cramp": nothing severe, the interview goes on as before.
    gone = client.post("/assess?lang=ru", data={**step, "shown": found.group(1), "calf_swollen_red_warm": "yes",
                                                "calf_change_lasting": "no"}).text
    assert 'class="banner' not in gone and 'id="left-open"' in gone


# --------------------------------------------------------------------------- a double tap saves once


def test_a_double_tap_on_undo_undoes_one_change(db_client: TestClient) -> None:
    """Two taps on Undo reverted two changes: the night saved before the one undone was lost too."""
    first, second = (default_night_date() - dt.timedelta(days=n) for n in (3, 2))
    for night in (first, second):
        db_client.post("/diary/quiet", data={"date": night.isoformat()})
    page = db_client.get(f"/diary?done=quiet&date={second.isoformat()}").text
    form = re.search(r'<form method="post" action="/diary/undo">.*?</form>', page, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form.group(0)))
    assert fields.get("idempotency_key")
    for _tap in range(2):
        assert db_client.post("/diary/undo", data=fields, follow_redirects=False).status_code == 303
    assert [n["date"] for n in db_client.get("/api/v1/nights").json()] == [first.isoformat()]


def test_a_double_tap_on_save_my_assessment_saves_it_once(db_client: TestClient) -> None:
    result = db_client.post("/assess", data={"action": "result", "step": "warning_signs", "skip_open": "warning_signs",
                                          "breathless_chest_pain": "no"}).text
    form = re.search(r'<form method="post" action="/assess/save".*?</form>', result, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form.group(0)))
    fields["answers"] = fields["answers"].replace("&#34;", '"')
    assert fields.get("idempotency_key")
    for _tap in range(2):
        saved = db_client.post("/assess/save", data=fields)
        assert saved.status_code == 200 and "Saved to your diary." in saved.text
    assert len(db_client.get("/api/v1/assessments").json()) == 1


def test_a_double_tap_on_save_the_day_is_not_an_error(db_client: TestClient) -> None:
    """The second tap of a double tap was answered "already logged; choose Edit", as if the day was not saved."""
    page = db_client.get("/diary").text
    form = re.search(r'<form method="post" action="/diary/day".*?</form>', page, re.S)
    assert form is not None
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.group(0))
    assert key is not None
    day = {"date": (dt.date.today() - dt.timedelta(days=1)).isoformat(), "fluids": "1.5L",
           "idempotency_key": key.group(1)}
    taps = [db_client.post("/diary/day", data=day, follow_redirects=False) for _tap in range(2)]
    assert [t.status_code for t in taps] == [303, 303]
    # A new form (a new key) for a day already logged is still refused, with the reason next to the date.
    again = db_client.post("/diary/day", data={**day, "idempotency_key": "another"})
    assert again.status_code == 409 and "already logged" in again.text


def test_a_double_tap_on_delete_is_not_an_error(db_client: TestClient) -> None:
    """The second tap of a double tap on "Delete night" was answered 404 "no night logged", as if it failed."""
    night = default_night_date().isoformat()
    db_client.post("/diary/quiet", data={"date": night})
    db_client.post("/diary/day", data={"date": night, "fluids": "1L"})
    page = db_client.get("/diary").text
    for kind in ("night", "day"):
        form = re.search(rf'<form method="post" action="/diary/{kind}/{night}/delete">.*?</form>', page, re.S)
        assert form is not None
        key = re.search(r'name="idempotency_key" value="([^"]+)"', form.group(0))
        assert key is not None
        taps = [db_client.post(f"/diary/{kind}/{night}/delete", data={"idempotency_key": key.group(1)},
                            follow_redirects=False) for _tap in range(2)]
        assert [t.status_code for t in taps] == [303, 303]
        assert db_client.get(f"/api/v1/{kind}s/{night}").status_code == 404
    # Without the form's key (or with a new one), deleting what is not there is still a 404.
    assert db_client.post(f"/diary/night/{night}/delete", data={"idempotency_key": "new"}).status_code == 404


@pytest.mark.parametrize("path", ["/diary/day", "/assess/save", "/diary/undo"])
def test_a_key_from_another_form_is_refused_in_words(client: TestClient, path: str) -> None:
    """A key already used by another kind of change: a 4xx page with the reason, never a 500."""
    client.post("/diary/quiet", data={"date": default_night_date().isoformat(), "idempotency_key": "used"})
    data: dict[str, Any] = {"idempotency_key": "used", "date": dt.date.today().isoformat(), "answers": "{}",
                            "change": "1"}
    response = client.post(path, data=data, follow_redirects=False)
    assert 400 <= response.status_code < 500 and "idempotency key" in response.text


# --------------------------------------------------------------------------- editing a day


def test_the_edit_day_form_changes_the_day(client: TestClient) -> None:
    """The edit-day page posted to "log a new day", which refused it as already logged: a day could not be
    changed on the web at all. Now it saves to that day (the date is the page's, not a field to retype)."""
    date = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    client.post("/diary/day", data={"date": date, "fluids": "1.5L", "activity": "high", "notes": "first"})
    page = client.get(f"/diary/day/{date}?lang=ru").text
    form = re.search(r'<form method="post" action="([^"]+)" class="day-form".*?</form>', page, re.S)
    assert form is not None and form.group(1) == f"/diary/day/{date}"
    assert 'name="date" type="date"' not in form.group(0)
    saved = client.post(form.group(1), data={"fluids": "2L", "activity": "low", "notes": "second"},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/diary"
    day = client.get(f"/api/v1/days/{date}").json()
    assert (day["fluids_ml"], day["activity"], day["notes"]) == (2000, "low", "second")
    # A wrong value: the edit page again, the message next to the field in the page's language.
    wrong = client.post(f"{form.group(1)}?lang=ru", data={"fluids": "много", "notes": "third"})
    assert wrong.status_code == 422 and 'id="day-err-fluids"' in wrong.text and 'lang="ru"' in wrong.text
    assert f'action="/diary/day/{date}"' in wrong.text and "third" in wrong.text
    assert client.get(f"/api/v1/days/{date}").json()["notes"] == "second"
    # Undo (the page's "Undo the last change", naming the edit) takes the edit back.
    latest = re.search(r'action="/diary/undo">.*?name="change" value="(\d+)"', client.get("/diary").text, re.S)
    assert latest is not None
    client.post("/diary/undo", data={"change": latest.group(1)})
    assert client.get(f"/api/v1/days/{date}").json()["notes"] == "first"
    assert client.post(f"/diary/day/{dt.date.today().isoformat()}", data={"fluids": "1L"}).status_code == 404


# --------------------------------------------------------------------------- Back after a form


def test_pages_that_answer_a_form_may_be_shown_again_by_back_in_local_mode_only(
        client: TestClient, new_migrated_sqlite: Any, tmp_path: Any) -> None:
    """A page answering a POST with no-store cannot be shown by Back without sending the form again:
    Chromium shows "Confirm form resubmission" (ERR_CACHE_MISS; the browser test below walks it). Local
    mode lets this browser keep them (private, no-cache); server mode keeps no-store."""
    from tests.server.serverkit import Person, server_app

    from one_trip_client import OneTripClient

    step = client.post("/assess", data={**_first_step(client), "breathless_chest_pain": "no"})
    refused = client.post("/diary/night", data={"leg": "left"})
    assert refused.status_code == 422
    for answer in (step, refused):
        assert answer.headers["cache-control"] == "private, no-cache"
    assert client.get("/diary").headers["cache-control"] == "no-store"  # a plain page: as before

    with OneTripClient(server_app(new_migrated_sqlite(tmp_path / "server.db"))) as server:
        person = Person(server, "qa@example.org").sign_up()
        page = person.get("/assess")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"


# --------------------------------------------------------------------------- in Chromium, on a small phone

# Every control of its own on screen, and how tall and wide it is; a link inside a sentence is exempt
# (WCAG 2.5.8), and so is the skip link until it is focused (it is off screen).
TARGETS = """() => [...document.querySelectorAll('a, button, select, summary, label.choice > span, input:not([type=hidden])')]
    .filter(e => {
        const r = e.getBoundingClientRect();
        if (!r.width || r.right < 0 || e.matches('.choice input')) return false;
        const block = e.closest('p, li, td, span:not(.choice span)');
        return !(e.tagName === 'A' && block && block.textContent.trim().length > e.textContent.trim().length + 3);
    })
    .map(e => { const r = e.getBoundingClientRect();
                return [e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 30), Math.round(r.width),
                        Math.round(r.height)]; })"""
SMALL_PHONE = {"width": 320, "height": 568}


@pytest.mark.browser
def test_a_small_phone_in_russian(browser: Any, tmp_path: Any) -> None:
    """At 320x568 with touch, in Russian: every tap target of its own is at least 44 px (the header's links
    were 38 px, the region list 24 px, /now's links and "why?" 30 px), the report's tables fit (its
    "what helped" headings pushed it 7 px sideways), nothing runs off the screen at a 200 % font size,
    Back in the interview shows the previous step
    with its answers instead of "Confirm form resubmission" (ERR_CACHE_MISS), and a new interview
    (the menu, "Start again") starts with nothing answered."""
    from playwright.sync_api import expect
    from tests.web.browserkit import sideways
    from tests.web.threaded_server import serve_in_thread

    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    application = create_app(Settings(db=f"sqlite:///{tmp_path / 'diary.db'}"))
    # The night before the default one: its 03:10 has passed at any time of day (after noon the default night
    # is tonight, and before 03:10 last night's 03:10 is still to come: refused, the edit page had no cramp).
    night = (default_night_date() - dt.timedelta(days=1)).isoformat()
    for url in serve_in_thread(application):
        context = browser.new_context(base_url=url, viewport=SMALL_PHONE, is_mobile=True, has_touch=True,
                                      locale="ru-RU")
        page = context.new_page()
        try:
            stored = page.request.put(f"/api/v1/nights/{night}", headers={"Origin": url}, data={
                "date": night, "cramps": [{"start": "03:10", "duration_s": 120, "leg": "left", "muscles": ["calf"],
                                           "severity": 6, "helped": ["stretch"], "minutes_to_relief": 3}]})
            assert stored.ok, stored.text()
            problems: dict[str, Any] = {}
            # The browser's font size at 200 % (a large-print setting), on the page as loaded: long Russian
            # words, the night form's date and time, /now's buttons and header ran off the screen's edge.
            fonts = context.new_cdp_session(page)
            for path in ("/", "/now", "/assess", "/diary", f"/diary/night/{night}", "/learn", "/learn/causes",
                         "/reminders", "/no-such-page", "/report.html"):
                page.goto(path)
                assert page.locator("html").get_attribute("lang") == "ru", path
                small = [t for t in page.evaluate(TARGETS) if t[2] < 44 or t[1] < 44]
                if small or sideways(page):
                    problems[path] = (small[:5], sideways(page))
                fonts.send("Page.setFontSizes", {"fontSizes": {"standard": 32}})
                if sideways(page):
                    problems[f"{path} at 200 %"] = sideways(page)
                fonts.send("Page.setFontSizes", {"fontSizes": {"standard": 16}})
            assert not problems, problems

            # The interview by touch: step 1 all "no", step 2 an age and a sex, then Back from step 3.
            page.goto("/assess")
            noes = page.locator("fieldset[data-q] label.choice:has(input[value=no]) span")
            noes.first.tap()
            noes.evaluate_all("spans => spans.forEach(s => s.click())")  # the other 18 the same, in one trip
            with page.expect_navigation():
                page.get_by_role("button", name="Далее").tap()
            page.locator("input[name=age]").fill("40")
            page.locator("label.choice:has(input[value=male]) span").tap()
            with page.expect_navigation():
                page.get_by_role("button", name="Далее").tap()
            expect(page.locator("h1")).not_to_have_text("О вас")
            page.go_back()
            expect(page.locator("h1")).to_have_text("О вас")
            expect(page.locator("input[name=age]")).to_have_value("40")
            expect(page.locator("input[value=male]")).to_be_checked()
            # The language switch sends back to the interview's start with this interview's answers.
            with page.expect_navigation():
                page.locator(".language-switch button[value=en]").tap()
            assert page.locator("html").get_attribute("lang") == "en"
            assert page.locator("#interview input[value=no]:checked").count() >= 19
            # A new interview starts with nothing answered (the tab's copy refilled every "no" of the last
            # one): from the menu mid-interview, and "Start again" on a result, whatever the tab still keeps.
            with page.expect_navigation():
                page.get_by_role("navigation").get_by_role("link", name="Assess").tap()
            answered = "#interview fieldset input"
            filled = "els => els.filter(e => e.checked || (e.type === 'text' && e.value)).length"
            assert page.locator(answered).evaluate_all(filled) == 0
            with page.expect_navigation():
                page.evaluate("""() => { const f = document.getElementById('interview');
                    f.querySelector('[name=step]').value = 'warning_signs'; f.querySelector('[name=shown]').value = '';
                    f.insertAdjacentHTML('beforeend', '<input type=hidden name=breathless_chest_pain value=no>'
                        + '<input type=hidden name=action value=result><input type=hidden name=skip_open value=warning_signs>');
                    f.submit(); }""")
            assert page.locator("#urgency").count() == 1
            page.evaluate("sessionStorage.setItem('crampcare-interview', JSON.stringify({breathless_chest_pain: ['no']}))")
            with page.expect_navigation():
                page.get_by_role("link", name="Start again").tap()
            assert page.locator(answered).evaluate_all(filled) == 0
        finally:
            context.close()
    application.state.engine.dispose()


def test_a_duration_in_russian_words_is_understood(client: TestClient) -> None:
    """The edit-night form in Russian refused "3 мин" and "1 мин 30 с" (only "3m", "90s"), though crampcare
    writes durations that way itself; the volumes already took "1,5 л"."""
    # The night before the default one: its 02:00 has passed at any time of day (after noon the default
    # night is tonight, and a cramp still to come is refused).
    night = (default_night_date() - dt.timedelta(days=1)).isoformat()
    client.put(f"/api/v1/nights/{night}", json={"date": night, "cramps": [
        {"start": "02:00", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}]})
    row = {"count": "1", "c0_start": "02:00", "c0_leg": "left", "c0_muscles": "calf", "c0_severity": "5"}
    for typed, seconds in (("3 мин", 180), ("1 мин 30 с", 90), ("45 сек", 45), ("1 ч", 3600), ("2m", 120)):
        saved = client.post(f"/diary/night/{night}?lang=ru", data={**row, "c0_duration": typed},
                            follow_redirects=False)
        assert saved.status_code == 303, (typed, saved.text[:200])
        assert client.get(f"/api/v1/nights/{night}").json()["cramps"][0]["duration_s"] == seconds, typed
    refused = client.post(f"/diary/night/{night}?lang=ru", data={**row, "c0_duration": "3 попугая"})
    assert refused.status_code == 422 and "непонятна" in refused.text
    # Minutes to relief and hours sitting, in the same words.
    relief = client.post(f"/diary/night/{night}?lang=ru", data={**row, "c0_duration": "1 мин",
                                                               "c0_minutes_to_relief": "2,5 мин"},
                         follow_redirects=False)
    assert relief.status_code == 303, re.findall(r"class=\"err\"[^>]*>([^<]*)", relief.text)
    assert client.get(f"/api/v1/nights/{night}").json()["cramps"][0]["minutes_to_relief"] == 2.5
    day = client.post("/diary/day?lang=ru", data={"date": night, "sitting_hours": "8,5 ч"}, follow_redirects=False)
    assert day.status_code == 303, day.text[:300]
    assert client.get(f"/api/v1/days/{night}").json()["sitting_hours"] == 8.5


def test_the_trigger_chart_fits_a_phone_in_both_languages(tmp_path: Any) -> None:
    """On 40 nights the trigger chart's axis ran from 0.005 to 5 with a label at 1, 2 and 5 of every decade:
    "0.0050.010.02" ran together on a phone; in Russian the factors' names ran off the chart's right edge
    ("Перепад температуры больше 10 °C (в следующую ночь)") and its axis title off both edges."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath
    from typer.testing import CliRunner

    from crampcare.cli import app as cli
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings
    from one_trip_client import OneTripClient

    db = tmp_path / "diary.db"
    assert CliRunner().invoke(cli, ["simulate", "--days", "40", "--seed", "0", "--db", str(db)]).exit_code == 0
    measure, font = TextToPath(), FontProperties(size=12)
    # Each line of text: where it starts (an x, or a translate for a line of several) and how it is anchored.
    text = re.compile(r'<text ([^>]*)>([^<]+)</text>')
    place = re.compile(r'(?: x="|translate\()([-\d.]+)')
    with OneTripClient(create_app(Settings(db=f"sqlite:///{db}"))) as client:
        for lang in ("en", "ru"):
            chart = re.findall(r"<svg.*?</svg>", client.get(f"/insights?lang={lang}").text, re.S)[-1]
            view = re.search(r'viewBox="0 0 ([\d.]+) ', chart)
            assert view is not None
            outside = []
            assert len(text.findall(chart)) >= 10  # the names, the ticks, the titles
            for attributes, words in text.findall(chart):
                anchored, x = re.search(r'text-anchor="(\w+)"', attributes), place.search(attributes)
                assert x is not None, attributes
                anchor = anchored[1] if anchored else "start"
                width = measure.get_text_width_height_descent(words, font, ismath=False)[0]
                left = float(x[1]) - {"start": 0, "middle": width / 2, "end": width}[anchor]
                if left < -1 or left + width > float(view[1]) + 1:
                    outside.append((words, round(left), round(left + width)))
            assert not outside, (lang, outside)
            tick = re.compile(r'<text [^>]*text-anchor="middle"[^>]* x="([\d.]+)"[^>]*>([\d.,]+)</text>')
            ticks = [(float(found[1]), found[2]) for part in chart.split('<g id="xtick_')[1:]
                     if (found := tick.search(part.split('<g id="matplotlib.axis_2">')[0])) is not None]
            assert len(ticks) >= 3, ticks
            for (x1, a), (x2, b) in zip(ticks, ticks[1:], strict=False):
                gap = x2 - x1 - sum(measure.get_text_width_height_descent(t, font, ismath=False)[0] for t in (a, b)) / 2
                assert gap >= 4, (lang, ticks)
