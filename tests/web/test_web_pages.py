"""Server-rendered pages: content, forms without JavaScript, security headers, the /now budget."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import re

from fastapi.testclient import TestClient

from crampcare.knowledge import load_knowledge

TODAY = dt.date.today()
HTML = {"accept": "text/html"}


def test_home_links_to_now_and_the_journeys(client: TestClient) -> None:
    page = client.get("/").text
    assert 'href="/now"' in page and "Cramp now?" in page
    for href in ("/assess", "/diary", "/insights", "/learn", "/report.html", "/reminders.ics"):
        assert f'href="{href}"' in page


def test_now_lists_every_step_with_source_and_evidence(client: TestClient) -> None:
    kb = load_knowledge()
    page = client.get("/now").text
    steps = [s for s in kb.first_aid.values() if s.in_now]
    for number, step in enumerate(steps, start=1):
        assert f'id="step-{number}"' in page
        assert step.title in page
        assert f'href="#step-{number + 1}"' in page  # works without JavaScript: anchors
    assert page.count('class="ev"') >= len(steps)
    assert "supported by clinical sources" in page
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


def test_assess_form_shows_questions_as_they_matter_without_js(client: TestClient) -> None:
    page = client.get("/assess").text
    assert re.search(r'id="q-pregnancy_week"[^>]*hidden disabled', page)
    assert 'data-show-if="' in page
    updated = client.post("/assess", data={"sex": "female", "age": "30", "pregnant": "yes", "action": "update"}).text
    assert not re.search(r'id="q-pregnancy_week"[^>]*hidden', updated)
    assert re.search(r'value="female" checked', updated)


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
    assert 'class="banner urgency-' in page
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
    date = (TODAY - dt.timedelta(days=1)).isoformat()
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

    quiet_date = (TODAY - dt.timedelta(days=2)).isoformat()
    client.post("/diary/quiet", data={"date": quiet_date})
    assert client.get(f"/api/v1/nights/{quiet_date}").json()["cramps"] == []
    assert client.post("/diary/quiet", data={"date": date}).status_code == 409

    client.post("/diary/day", data={"date": date, "fluids": "1.5L", "activity": "high", "cold_exposure": "yes",
                                    "medicines": "statin", "notes": "<script>alert(1)</script>"})
    day = client.get(f"/api/v1/days/{date}").json()
    assert day["fluids_ml"] == 1500 and day["cold_exposure"] is True and day["medicines"] == ["statin"]
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
    client.post("/diary/undo")
    assert client.get(f"/api/v1/nights/{date}").json()["notes"] == "edited"


def test_diary_form_errors_name_the_fields(client: TestClient) -> None:
    response = client.post("/diary/night", data={"start": "99:99", "duration": "forever", "severity": "11"})
    assert response.status_code == 422
    for field in ("start", "duration", "leg", "muscles", "severity"):
        assert f'id="err-{field}"' in response.text, field
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    assert client.post("/diary/quiet", data={"date": future}).status_code == 422


def test_insights_page_draws_charts_and_trigger_table(client: TestClient) -> None:
    for i in range(35):
        date = (TODAY - dt.timedelta(days=i + 1)).isoformat()
        cold = i % 3 == 0
        cramps = [{"start": "02:30", "duration_s": 90, "leg": "left", "muscles": ["calf"], "severity": 6}] if cold else []
        client.post("/api/v1/nights", json={"date": date, "cramps": cramps})
        client.post("/api/v1/days", json={"date": date, "cold_exposure": cold, "fluids_ml": 1500})
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
    assert client.get("/learn/nothing-here").status_code == 404
    docs = client.get("/docs").text
    assert "/api/v1/assess" in docs and "openapi.json" in docs and "cdn" not in docs.lower()


def test_serve_command_is_registered() -> None:
    from typer.testing import CliRunner

    from crampcare.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--db" in result.output and "--open" in result.output
