"""Charts are written as valid PNG and SVG files, with and without data."""

from __future__ import annotations

import datetime as dt
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from crampcare.i18n.context import use_language
from crampcare.insights import compute_insights
from crampcare.insights.charts import chart_svg, kept_chart_svg, render, write_chart
from crampcare.insights.simulate import simulate_diary

END = dt.date(2024, 6, 30)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def insights():  # type: ignore[no-untyped-def]
    nights, days = simulate_diary(120, trigger="low_fluids", rr=2.5, seed=1, end=END)
    return compute_insights(nights, days, today=END)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert data.endswith(b"IEND\xaeB`\x82")
    return width, height


def _svg_root(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


@pytest.mark.parametrize("kind", ["overview", "weekly", "time_of_night", "triggers"])
def test_png_and_svg_files(tmp_path: Path, insights, kind: str) -> None:  # type: ignore[no-untyped-def]
    png = write_chart(insights, tmp_path / f"{kind}.png", kind=kind)  # type: ignore[arg-type]
    width, height = _png_size(png.read_bytes())
    assert width > 400 and height > 200
    svg = write_chart(insights, tmp_path / f"{kind}.SVG", kind=kind)  # type: ignore[arg-type]
    _svg_root(svg.read_text(encoding="utf-8"))


def test_chart_svg_is_inline_text_and_deterministic(insights) -> None:  # type: ignore[no-untyped-def]
    text = chart_svg(insights)
    assert text.startswith("<svg")
    root = _svg_root(text)
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Cramp nights per week" in words and "Low fluids" in words  # text kept as text
    assert chart_svg(insights) == text


def test_a_kept_chart_is_the_drawing_of_exactly_these_insights_in_this_language() -> None:
    nights, days = simulate_diary(60, trigger="low_fluids", rr=2.5, seed=5, end=END)
    ins = compute_insights(nights, days, today=END)
    kept = {kind: kept_chart_svg(ins, kind) for kind in ("time_of_night", "triggers")}
    # Drawn from the part it is kept by, the same SVG (a chart reading any other part fails to draw:
    # the page tests draw every kind this way).
    assert kept["time_of_night"] == chart_svg(ins, "time_of_night")
    assert kept_chart_svg(ins.model_copy(deep=True), "time_of_night") is kept["time_of_night"]  # drawn once
    # A night with cramps deleted: new data, so a new drawing (never the one kept).
    deleted = next(n for n in nights if n.cramps)
    changed = compute_insights([n for n in nights if n is not deleted], days, today=END)
    assert kept_chart_svg(changed, "time_of_night") != kept["time_of_night"]
    # A day deleted: the triggers change, the hours cramps started do not (that drawing is reused).
    fewer_days = compute_insights(nights, days[1:], today=END)
    assert kept_chart_svg(fewer_days, "triggers") != kept["triggers"]
    assert kept_chart_svg(fewer_days, "time_of_night") is kept["time_of_night"]
    with use_language("ru"):
        assert "Когда" in kept_chart_svg(ins, "time_of_night") != kept["time_of_night"]


def test_charts_of_an_empty_diary(tmp_path: Path) -> None:
    empty = compute_insights([], [], today=END)
    _png_size(write_chart(empty, tmp_path / "empty.png").read_bytes())
    _svg_root(render(empty, "svg").decode())


def test_bad_requests(tmp_path: Path, insights) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        write_chart(insights, tmp_path / "chart.jpg")
    with pytest.raises(ValueError):
        render(insights, "pdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        render(insights, "svg", "pie")  # type: ignore[arg-type]


def test_charts_never_use_pyplot() -> None:
    """Figures get their own canvas: drawing touches no global backend state (safe in web threads)."""
    import crampcare.insights.charts as charts

    source = Path(charts.__file__).read_text(encoding="utf-8")
    assert "import matplotlib.pyplot" not in source and "from matplotlib import pyplot" not in source


@pytest.mark.parametrize("tag", ["$x^{$", "$5 or $6"])
def test_tags_are_drawn_as_text_never_as_maths(tmp_path: Path, tag: str) -> None:
    nights, days = simulate_diary(120, trigger=f"tag:{tag}", rr=3.0, seed=2, end=END)
    ins = compute_insights(nights, days, today=END)
    assert any(tag in f.label for f in ins.triggers.factors), "the tag must reach the triggers chart"
    write_chart(ins, tmp_path / "triggers.png", "triggers")  # a broken maths expression used to raise here
    texts = ["".join(node.itertext()) for node in _svg_root(chart_svg(ins, "triggers")).iter()
             if node.tag == "{http://www.w3.org/2000/svg}text"]
    assert any(tag in text for text in texts), texts
