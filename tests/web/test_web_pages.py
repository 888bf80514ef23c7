"""Server-rendered pages: content, forms without JavaScript, security headers, the /now budget."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import re

from fastapi.testclient import TestClient

from crampcare.knowledge import load_knowledge

HTML = {"accept": "text/html"}


def test_home_links_to_now_and_the_journeys(client: TestClient) -> None:
    page = client.get("/").text
    assert 'href="/now"' in page and "Cramp now?" in page
    for href in ("/assess", "/diary", "/insights", "/learn", "/reminders", "/diary#log-night"):
        assert f'href="{href}"' in page
    assert 'method="post" action="/report.html"' in page and 'name="name"' in page  # the report with an optional name


def test_now_lists_every_step_with_source_and_evidence(client: TestClient) -> None:
    kb = load_knowledge()
    page = client.get("/now").text
    steps = [s for s in kb.first_aid.values() if s.in_now]
    for number, step in enumerate(steps, start=1):
        assert f'id="step-{number}"' in page
        assert step.title in page
        assert f'href="#step-{number + 1}"' in page  # works without JavaScript: anchors
    # Sources and evidence are behind "Why this step?", not on the first screen.
    assert len(re.findall(r'<details><summary class="why">[^<]*</summary><p class="small">Source: ', page)) == len(steps)
    assert "supported by clinical sources" in page
    assert page.count("aria-live") == 1 and '<output role="timer">' in page  # the countdown is not read out every second (an <output> is a status, a live region)
    assert kb.sources["nhs-leg-cramps"].title in page
    for question in kb.escalation.values():
        assert question.text in page
    assert "Call emergency services now: 112." in page  # with the region's numbers
    assert "<script>" not in page and "<script " in page  # only the external file


def test_now_in_russian(client: TestClient) -> None:
    kb = load_knowledge()
    page = client.get("/now", params={"lang": "ru"}).text
    assert '<html lang="ru">' in page
    assert kb.text("first_aid.fa_position.title", "ru") in page
    assert "Срочно вызовите скорую помощь: 112 или 103." in page
    assert client.get("/now", params={"lang": "xx"}).status_code == 200


def test_now_fits_in_14_kb_compressed_with_its_css_js_and_worker(client: TestClient) -> None:
    page = client.get("/now", headers={"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assets = re.findall(r'src="([^"]+)"', page.text)
    total = len(gzip.compress(page.content))
    for url in [*assets, "/sw.js"]:
        asset = client.get(url)
        assert asset.status_code == 200
        total += len(gzip.compress(asset.content))
    assert total <= 14 * 1024, total
    ru = client.get("/now", params={"lang": "ru"})
    assert len(gzip.compress(ru.content)) + total - len(gzip.compress(page.content)) <= 14 * 1024


def test_security_headers_and_csp_hash_of_the_inline_css(client: TestClient) -> None:
    response = client.get("/now")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    css = re.search(r"<style>(.*?)</style>", response.text, re.S)
    assert css is not None
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    for path in ("/", "/assess", "/diary", "/insights", "/learn", "/learn/causes", "/docs"):
        page = client.get(path).text
        assert "<style" not in page, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " style=" not in page, path
        assert not re.search(r"<[^>]+\son[a-z]+=", page), path  # no inline event handlers


def test_static_files_have_caching_headers(client: TestClient) -> None:
    page = client.get("/now").text
    js = re.search(r'src="(/static/now\.js\?v=[0-9a-f]+)"', page)
    assert js is not None
    response = client.get(js.group(1))
    assert "immutable" in response.headers["cache-control"] and "max-age=31536000" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/javascript") or "javascript" in response.headers[
        "content-type"]
    sw = client.get("/sw.js")
    assert sw.headers["cache-control"] == "no-cache"
    assert js.group(1) in sw.text and '"/now"' in sw.text


def _step(page: str) -> tuple[str, str]:
    match = re.search(r"Question set (\d+ of \d+).*?<h1[^>]*>([^<]+)</h1>", page, re.S)
    assert match is not None, page[:500]
    return match.group(1), match.group(2)


def _shown(page: str) -> str:
    match = re.search(r'name="shown" value="([^"]*)"', page)
    assert match is not None
    return match.group(1)


def test_assess_is_one_section_per_step_decided_by_the_server(client: TestClient) -> None:
    first = client.get("/assess").text
    assert _step(first) == ("1 of 6", "Warning signs first")
    assert 'id="q-calf_swollen_red_warm"' in first and 'id="q-age"' not in first
    assert "data-show-if" not in first and "assess.js" not in first  # no condition evaluator in the browser
    assert client.get("/static/assess.js").status_code == 404
    step1 = {"step": "warning_signs", "shown": _shown(first), "calf_swollen_red_warm": "no", "action": "next"}
    # Skipping warning questions is a conscious choice: the first Next names them, the second goes on.
    stay = client.post("/assess", data=step1).text
    assert _step(stay)[1] == "Warning signs first" and 'id="left-open"' in stay
    assert "never taken as &#34;no&#34;" in stay or 'never taken as "no"' in stay
    assert "calf_swollen_red_warm" not in stay.split('id="left-open"')[1].split("</div>")[0]
    about = client.post("/assess", data={**step1, "skip_open": "warning_signs"}).text
    assert _step(about) == ("2 of 6", "About you")
    assert '<input type="hidden" name="calf_swollen_red_warm" value="no">' in about
    # A 62-year-old woman: no pregnancy step, no child step, no empty headings.
    answers = {"calf_swollen_red_warm": "no", "age": "62", "sex": "female"}
    cramps = client.post("/assess", data={**answers, "step": "about_you", "shown": _shown(about),
                                          "action": "next"}).text
    assert _step(cramps) == ("3 of 5", "The cramps") and "Pregnancy" not in cramps
    # A 30-year-old woman gets the pregnancy step; answering "pregnant" shows the week on the same step.
    young = {"calf_swollen_red_warm": "no", "age": "30", "sex": "female"}
    pregnancy = client.post("/assess", data={**young, "step": "about_you", "shown": _shown(about),
                                             "action": "next"}).text
    assert _step(pregnancy) == ("3 of 6", "Pregnancy") and 'id="q-pregnancy_week"' not in pregnancy
    again = client.post("/assess", data={**young, "pregnant": "yes", "step": "pregnancy", "shown": _shown(pregnancy),
                                         "action": "next"}).text
    assert _step(again)[1] == "Pregnancy" and 'id="q-pregnancy_week"' in again and "another question" in again
    back = client.post("/assess", data={**young, "step": "pregnancy", "shown": _shown(pregnancy),
                                        "action": "back"}).text
    assert _step(back)[1] == "About you" and re.search(r'value="female" checked', back)
    headings = re.findall(r"<h1[^>]*>([^<]+)</h1>", back)
    assert len(headings) == 1


def test_assess_errors_are_shown_next_to_the_question(client: TestClient) -> None:
    response = client.post("/assess", data={"age": "two hundred", "action": "result"})
    assert response.status_code == 422
    assert 'class="err" id="err-age"' in response.text
    assert 'href="#q-age"' in response.text


def test_assess_result_explains_and_saves(client: TestClient) -> None:
    data = {"age": "68", "sex": "female", "frequency": "weekly", "muscles": ["calf", "toes"], "legs": "either",
            "hard_knot": "yes", "sitting_hours": "9", "medicines": ["statin"], "weight_kg": "70", "fluids_l": "0.8",
            "breathless_chest_pain": "no", "action": "result"}
    response = client.post("/assess", data=data)
    assert response.status_code == 200
    page = response.text
    assert 'class="banner urgency-' in page and '<h1 class="level">' in page and "What to do now:" in page
    assert page.count("<summary>Why?</summary>") >= 3
    assert "Because you answered:" in page and "Evidence:" in page and "Sources:" in page
    assert "What not to do" in page and "Your prevention plan" in page
    answers = re.search(r'name="answers" value="([^"]+)"', page)
    assert answers is not None
    import html

    saved = client.post("/assess/save", data={"answers": html.unescape(answers.group(1))})
    assert saved.status_code == 200 and "Saved to your diary" in saved.text
    assert client.get("/api/v1/assessments/latest").status_code == 200
    assert client.post("/assess/save", data={"answers": "{"}).status_code == 422


def test_diary_log_night_quiet_day_edit_delete_undo(client: TestClient) -> None:
    # Dates are read from the clock inside each test (a module-level date goes stale across midnight), and
    # nights with a cramp in the small hours lie two nights back: last night's 03:10 is still to come
    # before 03:10, and the diary rightly refuses it.
    today = dt.date.today()
    date = (today - dt.timedelta(days=2)).isoformat()
    page = client.get("/diary").text
    assert "Quiet night" in page and 'name="severity"' in page
    response = client.post("/diary/night", data={"date": date, "start": "03:10", "leg": "left", "muscles": "calf",
                                                  "duration": "60", "severity": "7", "helped": "stretch"},
                           follow_redirects=False)
    assert response.status_code == 303
    followed = client.get(response.headers["location"]).text
    assert f"Night of {date} saved." in followed and "Undo" in followed
    # A second cramp the same night is added to it.
    client.post("/diary/night", data={"date": date, "start": "04:00", "leg": "right", "muscles": ["foot", "toes"],
                                      "duration": "3m", "severity": "4"})
    night = client.get(f"/api/v1/nights/{date}").json()
    assert [c["leg"] for c in night["cramps"]] == ["left", "right"]
    assert night["cramps"][1]["duration_s"] == 180

    quiet_date = (today - dt.timedelta(days=3)).isoformat()
    client.post("/diary/quiet", data={"date": quiet_date})
    assert client.get(f"/api/v1/nights/{quiet_date}").json()["cramps"] == []
    refused = client.post("/diary/quiet", data={"date": date})
    assert refused.status_code == 409 and "a quiet night does not erase it" in refused.text
    # In Russian, in Russian words (it was the one English reason left on the diary page).
    refused_ru = client.post("/diary/quiet?lang=ru", data={"date": date})
    assert refused_ru.status_code == 409 and "спокойная ночь её не стирает" in refused_ru.text
    assert "does not erase" not in refused_ru.text

    client.post("/diary/day", data={"date": date, "fluids": "1.5L", "activity": "high", "cold_exposure": "yes",
                                    "medicines": "statin", "notes": "<script>alert(1)</script>"})
    day = client.get(f"/api/v1/days/{date}").json()
    assert day["fluids_ml"] == 1500 and day["cold_exposure"] is True and day["medicines"] == ["statin"]
    again = client.post("/diary/day", data={"date": date, "fluids": "0.5L"})  # the same policy as CLI and API
    assert again.status_code == 409 and "already logged" in again.text
    assert client.get(f"/api/v1/days/{date}").json()["fluids_ml"] == 1500
    edit_day = client.get(f"/diary/day/{date}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in edit_day and "<script>alert" not in edit_day

    edit = client.get(f"/diary/night/{date}").text
    assert 'name="c1_remove"' in edit
    client.post(f"/diary/night/{date}", data={
        "count": "2", "c0_start": "03:10", "c0_duration": "120", "c0_leg": "both", "c0_muscles": "thigh",
        "c0_severity": "9", "c1_remove": "yes", "c1_start": "04:00", "c1_duration": "1", "c1_leg": "left",
        "c1_muscles": "calf", "c1_severity": "1", "notes": "edited"})
    night = client.get(f"/api/v1/nights/{date}").json()
    assert len(night["cramps"]) == 1 and night["cramps"][0]["leg"] == "both" and night["notes"] == "edited"

    deleted = client.post(f"/diary/night/{date}/delete", follow_redirects=False)
    assert deleted.status_code == 303
    assert client.get(f"/api/v1/nights/{date}").status_code == 404
    # The message's Undo names the delete it was offered for.
    offered = re.search(r'id="flash".*?name="change" value="(\d+)"', client.get("/diary").text, re.S)
    assert offered is not None
    client.post("/diary/undo", data={"change": offered.group(1)})
    assert client.get(f"/api/v1/nights/{date}").json()["notes"] == "edited"


def test_diary_form_errors_name_the_fields(client: TestClient) -> None:
    response = client.post("/diary/night", data={"start": "99:99", "duration": "forever", "severity": "11"})
    assert response.status_code == 422
    for field in ("start", "duration", "leg", "muscles", "severity"):
        assert f'id="f-err-{field}"' in response.text, field
    # In words, not field names; the day form's ids never collide with the night form's.
    assert "<li>How long: " in response.text and "<li>duration:" not in response.text
    ids = re.findall(r' id="([^"]+)"', response.text)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert client.post("/diary/quiet", data={"date": future}).status_code == 422


def test_a_value_past_its_limit_is_refused_beside_its_field_in_the_unit_typed(client: TestClient) -> None:
    """The record's limits (15 L a day, a cramp of at most 2 hours) are checked once the form is read:
    the refusal stands beside its field, in the litres and minutes typed, not in the millilitres and
    seconds the diary keeps, and nothing is stored."""
    date = (dt.date.today() - dt.timedelta(days=5)).isoformat()
    cramp = {"start": "03:10", "leg": "left", "muscles": "calf", "severity": "5"}
    night = client.post("/diary/night", data={"date": date, **cramp, "duration_other": "3h"})
    assert night.status_code == 422
    assert re.search(r'id="f-err-duration">must be at most 120 min \(got 180 min\)<', night.text), night.text
    day = client.post("/diary/day", data={"date": date, "fluids": "20L"})
    assert day.status_code == 422
    assert re.search(r'id="[a-z]*-?err-fluids">must be at most 15 L \(got 20 L\)<', day.text)
    assert client.get(f"/api/v1/nights/{date}").status_code == client.get(f"/api/v1/days/{date}").status_code == 404
    # Editing a logged day: the same, and announced at the top as the other forms are.
    client.post("/diary/day", data={"date": date, "fluids": "1L"})
    edited_day = client.post(f"/diary/day/{date}", data={"fluids": "20L"})
    assert edited_day.status_code == 422
    assert re.search(r'role="alert" id="form-errors"><p><strong>Please check:</strong></p><ul><li>Fluids drunk: '
                     r'must be at most 15 L \(got 20 L\)</li>', edited_day.text), edited_day.text
    assert client.get(f"/api/v1/days/{date}").json()["fluids_ml"] == 1000
    # The edit form: beside the row it belongs to as the refused form shows the rows again, numbered
    # afresh without the one removed before it (the row posted third is the second shown).
    client.post("/diary/night", data={"date": date, **cramp, "duration": "120"})
    rows = {f"c{i}_{k}": v for i in range(3) for k, v in {**cramp, "duration": "120"}.items()}
    edited = client.post(f"/diary/night/{date}", data={
        **rows, "count": "3", "c0_remove": "yes", "c2_duration": "3h", "c2_start": "3 o'clock"})
    assert edited.status_code == 422
    shown = re.findall(r'<legend>Cramp (\d)</legend>.*?name="c(\d)_start"', edited.text, re.S)
    assert shown == [("1", "0"), ("2", "1")], shown  # the two kept rows, then the empty "Add a cramp" one
    row = edited.text[edited.text.index("<legend>Cramp 2</legend>"):edited.text.index("Add a cramp")]
    assert re.search(r'id="[a-z]*-?err-c1_start">time', row)
    assert "<li>Cramp 2, time: " in edited.text and "Cramp 3" not in edited.text
    fixed = client.post(f"/diary/night/{date}", data={**rows, "count": "3", "c0_remove": "yes", "c2_duration": "3h"})
    assert fixed.status_code == 422
    row = fixed.text[fixed.text.index("<legend>Cramp 2</legend>"):fixed.text.index("Add a cramp")]
    assert re.search(r'id="[a-z]*-?err-c1_duration">must be at most 120 min \(got 180 min\)<', row), row
    assert client.get(f"/api/v1/nights/{date}").json()["cramps"][0]["duration_s"] == 120


def test_insights_page_draws_charts_and_trigger_table(client: TestClient) -> None:
    today = dt.date.today()
    for i in range(35):
        date = (today - dt.timedelta(days=i + 2)).isoformat()  # two nights back: their 02:30 has passed
        cold = i % 3 == 0
        cramps = [{"start": "02:30", "duration_s": 90, "leg": "left", "muscles": ["calf"], "severity": 6}] if cold else []
        assert client.post("/api/v1/nights", json={"date": date, "cramps": cramps}).status_code == 201
        assert client.post("/api/v1/days", json={"date": date, "cold_exposure": cold, "fluids_ml": 1500}).status_code == 201
    page = client.get("/insights").text
    assert page.count("<svg") >= 3 and 'role="img"' in page and "<title>" in page
    assert "Your possible triggers" in page and "<table" in page
    assert "Cold" in page or "cold" in page


def test_learn_and_docs(client: TestClient) -> None:
    index = client.get("/learn").text
    assert 'href="/learn/causes"' in index and 'href="/learn/mechanism"' in index
    topic = client.get("/learn/first-aid", params={"lang": "ru"}).text
    assert load_knowledge().text("first_aid.fa_position.title", "ru") in topic
    assert "Источники" in topic and "Sources" not in topic
    causes = client.get("/learn/causes", headers={"Accept-Language": "en"}).text
    assert "Sources: seed" not in causes and "aafp-2012" not in causes.split("<h2>Sources")[0]  # names, not ids
    assert client.get("/learn/nothing-here").status_code == 404
    docs = client.get("/docs").text
    assert "/api/v1/assess" in docs and "openapi.json" in docs and "cdn" not in docs.lower()


def test_serve_command_is_registered() -> None:
    from typer.testing import CliRunner

    from crampcare.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--db" in result.output and "--open" in result.output


def test_reminders_page_and_ics_in_plain_words(client: TestClient) -> None:
    page = client.get("/reminders").text
    assert 'action="/reminders.ics"' in page and 'type="time"' in page
    ics = client.get("/reminders.ics", params={"exercises": "21:00", "diary": "off"})
    assert ics.status_code == 200
    text = ics.text.replace("\r\n ", "")
    assert "Bedtime exercises" in text and "Cramp diary" not in text  # diary=off as in the CLI
    assert "crampcare exercises" not in text and "crampcare log" not in text and "`" not in text
    assert "http://testserver/learn/exercises" in text
    diary_only = client.get("/reminders.ics", params={"exercises": "", "diary": "21:45"}).text.replace("\r\n ", "")
    assert "http://testserver/diary" in diary_only and "crampcare log" not in diary_only
    assert client.get("/reminders.ics", params={"exercises": "off", "diary": "off"}).status_code == 422
    assert client.get("/reminders.ics", params={"diary": "25:00"}).status_code == 422


def test_csv_downloads_open_in_excel_and_one_row_per_cramp(client: TestClient) -> None:
    today = dt.date.today()
    night = (today - dt.timedelta(days=2)).isoformat()
    logged = client.post("/api/v1/nights", json={"date": night, "notes": "ночь", "cramps": [
        {"start": "23:40", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 4},
        {"start": "03:10", "duration_s": 180, "leg": "right", "muscles": ["calf", "toes"], "severity": 7,
         "helped": ["stretch"], "minutes_to_relief": 2}]})
    assert logged.status_code == 201, logged.text
    diary = client.get("/export/diary.csv")
    assert diary.content.startswith(b"\xef\xbb\xbf") and "ночь" in diary.content.decode("utf-8-sig")
    cramps = client.get("/export/cramps.csv").content
    assert cramps.startswith(b"\xef\xbb\xbf")
    rows = cramps.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("night_of,calendar_date,start")
    next_day = (today - dt.timedelta(days=1)).isoformat()
    assert rows[1].startswith(f"{night},{night},23:40,60,left,calf,4")
    assert rows[2].startswith(f"{night},{next_day},03:10,180,right,calf;toes,7,,stretch,2")
    imported = client.post("/api/v1/import", content=diary.content, headers={"content-type": "text/csv"})
    assert imported.status_code == 200, imported.text
    page = client.get("/diary").text
    assert "the evening it began" in page and 'href="/export/cramps.csv"' in page


def test_web_report_fits_a_phone_has_a_name_and_no_shell_commands(client: TestClient) -> None:
    report = client.post("/report.html", data={"name": "Anna <b>P</b>"}).text  # typed on the home page's form
    assert "<strong>Name:</strong> <bdi>Anna &lt;b&gt;P&lt;/b&gt;</bdi>" in report
    assert "crampcare assess --save" not in report and "<code>" not in report
    assert "@media (max-width: 700px)" in report
    answers = {"breathless_chest_pain": False, "seizure_signs": False, "stroke_signs": False, "cold_pale_limb": False,
               "calf_swollen_red_warm": False, "age": 50}
    client.post("/api/v1/assess", json={"answers": answers, "save": True})
    after = client.get("/report.html").text
    assert "<strong>Name:</strong>" not in after
    # No "yes": the "no"s on one line, the unanswered named apart (never counted as "no").
    assert 'Answered "no" (5): ' in after and "Not answered: " in after


def test_editing_a_quiet_night_can_add_a_cramp_and_remove_it(client: TestClient) -> None:
    date = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    client.post("/diary/quiet", data={"date": date})
    edit = client.get(f"/diary/night/{date}").text
    assert 'name="count" value="1"' in edit and "Add a cramp" in edit
    saved = client.post(f"/diary/night/{date}", data={
        "count": "1", "c0_start": "02:10", "c0_duration": "2m", "c0_leg": "left", "c0_muscles": "calf",
        "c0_severity": "5"}, follow_redirects=False)
    assert saved.status_code == 303
    night = client.get(f"/api/v1/nights/{date}").json()
    assert [c["start"] for c in night["cramps"]] == ["02:10:00"]
    # The empty "add" row adds nothing; ticking "remove" takes the cramp away again.
    client.post(f"/diary/night/{date}", data={"count": "2", "c0_start": "02:10", "c0_duration": "120",
                                               "c0_leg": "left", "c0_muscles": "calf", "c0_severity": "5",
                                               "c1_start": "03:00", "c1_duration": ""})
    assert len(client.get(f"/api/v1/nights/{date}").json()["cramps"]) == 1
    client.post(f"/diary/night/{date}", data={"count": "2", "c0_start": "02:10", "c0_duration": "120",
                                               "c0_leg": "left", "c0_muscles": "calf", "c0_severity": "5",
                                               "c0_remove": "yes"})
    assert client.get(f"/api/v1/nights/{date}").json()["cramps"] == []


def test_a_blank_interview_never_reassures_and_names_the_open_questions(client: TestClient) -> None:
    """Nothing answered is not "no": the web result says so, as the CLI and the API do."""
    page = client.post("/assess", data={"action": "result", "step": "warning_signs", "skip_open": "warning_signs"})
    assert page.status_code == 200
    text = page.text
    assert "Not complete: some warning signs were not ruled out" in text
    assert "No warning sign or condition that needs a doctor was found" not in text
    assert 'class="unanswered"' in text and "calf swollen" in text.lower()
    assert "urgency-self_care" not in text
