"""The report for the doctor: one Jinja2 template, rendered as an HTML page or an A4 PDF.

:func:`report_context` gathers everything from the diary (insights over the period, the
medicines logged) and the latest saved assessment; :func:`render_html` fills the single
template ``templates/report.html`` (print CSS for A4 included), and :func:`report_pdf`
hands the same HTML to WeasyPrint. The web app and the CLI call :func:`report_html` and
:func:`report_pdf`.

A period without data gives a report that says so. Sources are numbered footnotes, in the
order the report first cites them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crampcare.assess.interview import lookalikes_not_suggested
from crampcare.i18n import formatting  # one wording for report, insights and diary
from crampcare.i18n.context import N_, _, current_language, current_localizer, ngettext
from crampcare.i18n.formatting import local_date as fmt_date  # the clinic's pages date the same way
from crampcare.kept import Kept, digest
from crampcare.knowledge.vocabulary import vocabulary
from crampcare.report.errors import ReportError

if TYPE_CHECKING:
    from jinja2 import Environment

    from crampcare.assess.model import Assessment
    from crampcare.diary.records import DayRecord, NightRecord
    from crampcare.diary.store import DiaryStore, StoredAssessment
    from crampcare.insights.analysis import Insights
    from crampcare.knowledge.loader import KnowledgeBase

__all__ = ["EVERYTHING", "Shared", "check_period", "render_html", "report_context", "report_html", "report_pdf"]

Progress = Callable[[str], None]



@dataclass(frozen=True)
class Limits:
    """How much of a long assessment is shown in full (the rest is named or counted)."""

    factors_in_full: int = 8
    reasons: int = 2  # reasons per specialist or test
    list_values: int = 4  # values of one multiple-choice answer
    compact: bool = False


NORMAL = Limits()


@dataclass(frozen=True)
class Shared:
    """What a report may show: a clinician's copy shows only what the patient shares (the diary, the
    assessments); the person's own report shows everything."""

    diary: bool = True
    assessments: bool = True


EVERYTHING = Shared()
# Used by the PDF when the normal layout runs past two A4 pages (very long assessments).
COMPACT = Limits(factors_in_full=5, reasons=1, list_values=3, compact=True)
# And when even that does (the longest assessment in Russian, whose words are longer): fewer factors in
# full (the others are still named) and fewer values per answer.
TIGHTER = Limits(factors_in_full=3, reasons=1, list_values=2, compact=True)
# And the last step (the longest assessment in Russian with kidney disease, whose diary insights carry the
# care team's say on fluids with its sources): two factors in full, one value per answer.
TIGHTEST = Limits(factors_in_full=2, reasons=1, list_values=1, compact=True)
MAX_PAGES = 2

SEX_LABELS = {"female": N_("female"), "male": N_("male"), "other": N_("sex: other or prefer not to say")}


def _urgency_label(urgency: str) -> str:
    return vocabulary().report_label_of(urgency)


def _quiet(_message: str) -> None:
    return None


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    """Refuse a range that ends before it starts (one clear sentence)."""
    if start is not None and end is not None and start > end:
        raise ReportError(_("the period starts ({start}) after it ends ({end})", start=start.isoformat(), end=end.isoformat()))


def _humanise(text: str) -> str:
    return text.replace("_", " ")


# --------------------------------------------------------------------------- footnotes


class Footnotes:
    """Numbers sources in order of first citation; ``cite(ids)`` returns their numbers."""

    def __init__(self, kb: KnowledgeBase, refs: Sequence[Any] = ()) -> None:
        self._kb = kb
        self._refs = {ref.id: ref for ref in refs}
        self.order: list[str] = []

    def know(self, refs: Sequence[Any]) -> None:
        """Prefer these references (e.g. an assessment's own) over the knowledge base's."""
        self._refs.update({ref.id: ref for ref in refs})

    def cite(self, ids: Sequence[str]) -> list[int]:
        numbers = []
        for source_id in ids:
            if source_id not in self.order:
                self.order.append(source_id)
            numbers.append(self.order.index(source_id) + 1)
        return sorted(set(numbers))

    def items(self) -> list[dict[str, Any]]:
        out = []
        for number, source_id in enumerate(self.order, start=1):
            ref = self._refs.get(source_id) or self._kb.sources.get(source_id)
            citation = getattr(ref, "citation", None) or source_id
            if current_language() != "en" and source_id in self._kb.sources:
                # The translated title and year: the reader's language; the link finds the original.
                year = self._kb.sources[source_id].year
                title = self._kb.text(f"sources.{source_id}.title", current_language())
                citation = f"{title}, {year}" if year else title
            out.append({"number": number, "id": source_id, "citation": citation, "url": getattr(ref, "url", None)})
        return out


# --------------------------------------------------------------------------- the parts


def _answers_text(kb: KnowledgeBase, answers: Mapping[str, Any], limits: Limits = NORMAL) -> str:
    """The answers behind a conclusion, in words: ``medicines: diuretic; age over 60``."""
    if current_language() != "en":
        return _answers_in_words(kb, answers, limits)
    parts = []
    for key, value in answers.items():
        label = _humanise(key)
        question = kb.questions.get(key)
        if isinstance(value, bool):
            parts.append(label if value else f"no {label}")
        elif isinstance(value, list):
            shown = [_humanise(str(v)) for v in value[: limits.list_values]]
            more = len(value) - len(shown)
            parts.append(f"{label}: {', '.join(shown)}" + (f" and {more} more" if more > 0 else ""))
        elif isinstance(value, (int, float)):
            unit = f" {question.unit}" if question is not None and question.unit else ""
            parts.append(f"{label} {formatting.figure(value)}{unit}")
        else:
            parts.append(f"{label}: {_humanise(str(value))}")
    return "; ".join(parts)


def _answers_in_words(kb: KnowledgeBase, answers: Mapping[str, Any], limits: Limits) -> str:
    """Other languages: the question's own (translated) words and the answer, since the ids are English."""
    from crampcare.assess.render import answer_value, question_words

    parts = []
    for key, value in answers.items():
        question = question_words(kb, key)
        shown = value[: limits.list_values] if isinstance(value, list) else value
        words = answer_value(kb, key, shown)
        if isinstance(value, list) and len(value) > len(shown):
            words += _(" and {count} more", count=len(value) - len(shown))
        parts.append(f"«{question}» — {words}")
    return "; ".join(parts)


def _reasons(because: Sequence[Any], limits: Limits) -> str:
    titles = [b.title for b in because]
    text = "; ".join(titles[: limits.reasons])
    more = len(titles) - limits.reasons
    return text + (_("; and {count} more", count=more) if more > 0 else "")


def _load_assessment(stored: StoredAssessment) -> Assessment:
    """The stored result, or (if saved by an older version) a fresh one from its answers."""
    from pydantic import ValidationError

    from crampcare.assess import assess
    from crampcare.assess.interview import drop_hidden
    from crampcare.assess.model import Assessment
    from crampcare.knowledge import load_knowledge

    try:
        return Assessment.model_validate(stored.result)
    except ValidationError:
        # Answers saved by an older version may include ones the interview no longer shows.
        return assess(drop_hidden(load_knowledge(), stored.answers))


def _assessment_part(
    kb: KnowledgeBase, stored: StoredAssessment, notes: Footnotes, limits: Limits = NORMAL
) -> dict[str, Any]:
    from crampcare.assess.engine import INCOMPLETE_RULE
    from crampcare.assess.localize import localize_assessment
    from crampcare.i18n.wording import evidence_label, text

    result = localize_assessment(_load_assessment(stored), kb)
    notes.know(result.sources)
    asked = []
    for question_id, answer in result.warning_signs_asked.items():
        question = kb.questions.get(question_id)
        asked.append(
            {
                "text": text(kb, f"questions.{question_id}.text") if question else _humanise(question_id),
                "answer": _("Yes") if answer is True else _("No") if answer is False else _("not answered"),
                "positive": answer is True,
                # The answer whatever the language: the template and the counts below compare this.
                "state": "yes" if answer is True else "no" if answer is False else "open",
            }
        )
    # The compact form lists the warning questions answered yes, and counts the others.
    asked_no = sum(1 for q in asked if q["state"] == "no") if limits.compact else 0
    asked_open = sum(1 for q in asked if q["state"] == "open") if limits.compact else 0
    if limits.compact:
        asked = [q for q in asked if q["positive"]]
    checked_lookalikes, unchecked_lookalikes = lookalikes_not_suggested(
        kb, result.answers, (look.id for look in result.lookalikes))
    # The urgency line says when warning signs are still open (as every client's headline does), so that
    # reason is never one of the few listed, nor hidden among the "more".
    reasons = [r for r in result.urgency_reasons if r.rule != INCOMPLETE_RULE]
    return {
        "date": fmt_date(stored.created_at),
        "urgency": result.urgency,
        "urgency_label": _urgency_label(result.urgency),
        "incomplete": None if result.complete else text(kb, "messages.incomplete_headline.text"),
        "urgency_reasons": [r.title for r in reasons if r.urgency == result.urgency][:3],
        "urgency_more": max(0, len(reasons) - len([r for r in reasons if r.urgency == result.urgency][:3])),
        "asked": asked,
        "asked_no": asked_no,
        "asked_open": asked_open,
        "warning_signs": [
            {
                "title": w.title,
                "action": w.action,
                "because": _answers_text(kb, w.answers, limits),
                "notes": notes.cite(w.sources),
                "guidance": w.guidance_note,
            }
            for w in result.warning_signs
        ],
        "lookalikes": [
            {
                "name": look.name,
                "distinguishing": look.distinguishing,
                "because": _answers_text(kb, look.answers, limits),
                "notes": notes.cite(look.sources),
                "guidance": look.guidance_note,
            }
            for look in result.lookalikes
        ],
        # The compact form leaves out the look-alikes the answers did not suggest (they are many).
        "lookalikes_not_suggested": [] if limits.compact else [
            text(kb, f"lookalikes.{look_id}.name") for look_id in checked_lookalikes],
        # Never "checked" when a question they depend on was left open (nothing answered is not "no").
        "lookalikes_not_checked": [] if limits.compact else [
            text(kb, f"lookalikes.{look_id}.name") for look_id in unchecked_lookalikes],
        "cramp_types": [{"title": c.title, "notes": notes.cite(c.sources), "guidance": c.guidance_note}
                        for c in result.cramp_types],
        "factors": [
            {
                "rank": f.rank,
                "title": f.title,
                "because": _answers_text(kb, f.answers, limits),
                "evidence": evidence_label(f.evidence),
                "notes": notes.cite(f.sources),
                "guidance": f.guidance_note,
            }
            for f in result.factors[: limits.factors_in_full]
        ],
        "factors_more": [f.title for f in result.factors[limits.factors_in_full :]],
        "referrals": [{"specialty": r.specialty, "because": _reasons(r.because, limits)} for r in result.referrals],
        "tests": [{"name": t.name, "because": _reasons(t.because, limits)} for t in result.tests],
        "tests_note": result.tests_note,
        "disclaimer": result.disclaimer,
    }


def _person(kb: KnowledgeBase, stored: StoredAssessment | None, days: Sequence[DayRecord]) -> str:
    """Who the report is about: age and sex from the latest assessment, pregnancy week if any."""
    answers = stored.answers if stored is not None else {}
    bits = []
    age = answers.get("age")
    if isinstance(age, (int, float)) and not isinstance(age, bool):
        bits.append(_("age {age}", age=formatting.figure(age)))
    if answers.get("sex") in SEX_LABELS:
        bits.append(_(SEX_LABELS[answers["sex"]]))
    if stored is None:
        sentences = [_("Age and sex not given (no assessment saved)")]
    elif bits:
        sentences = [", ".join(bits).capitalize() + _(" (assessment of {date})", date=fmt_date(stored.created_at))]
    else:
        sentences = [_("Age and sex not given in the assessment")]
    logged = [d for d in days if d.pregnancy_week is not None]
    if logged:
        latest = max(logged, key=lambda d: d.date)
        sentences.append(_("Pregnant: week {week} on {date} (diary)", week=latest.pregnancy_week, date=fmt_date(latest.date)))
    elif stored is not None and answers.get("pregnant") is True:
        week = answers.get("pregnancy_week")
        sentences.append(_("Pregnant: week {week} at the assessment", week=week) if week is not None else _("Pregnant"))
    return ". ".join(sentences) + "."


def _medicines(kb: KnowledgeBase, days: Sequence[DayRecord], answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    from crampcare.i18n.wording import medicine_name

    counts: Counter[str] = Counter()
    first: dict[str, dt.date] = {}
    last: dict[str, dt.date] = {}
    for day in days:
        for medicine in day.medicines:
            counts[medicine] += 1
            first.setdefault(medicine, day.date)
            last[medicine] = day.date
    rows = []
    for medicine, count in counts.most_common():
        entry = kb.medicines.get(medicine)
        rows.append(
            {
                "name": medicine_name(kb, medicine),
                "days": count,
                "from": fmt_date(first[medicine]),
                "to": fmt_date(last[medicine]),
                "prescription": bool(entry and entry.prescription),
            }
        )
    taken = [m for m in answers.get("medicines") or [] if m != "none" and m not in counts]
    for medicine in taken:
        entry = kb.medicines.get(medicine)
        rows.append(
            {
                "name": medicine_name(kb, medicine),
                "days": None,
                "from": "",
                "to": "",
                "prescription": bool(entry and entry.prescription),
            }
        )
    return rows


def _claim(kb: KnowledgeBase, notes: Footnotes, ref: str) -> dict[str, Any]:
    """A knowledge-base claim (``topic.claim``) as the report says it: text, evidence, footnotes."""
    from crampcare.i18n.wording import evidence_label, text

    key, claim = kb.claim(ref)
    return {"text": text(kb, f"{key}.text"), "evidence": evidence_label(claim.evidence), "notes": notes.cite(claim.sources)}


def _diary_part(ins: Insights, nights: Sequence[NightRecord], days: Sequence[DayRecord],
                kb: KnowledgeBase, notes: Footnotes) -> dict[str, Any]:
    cramps = [c for n in nights for c in n.cramps]
    share = ins.cramp_night_share
    part: dict[str, Any] = {
        "nights": ins.nights_logged,
        "days": ins.days_logged,
        "cramp_nights": ins.cramp_nights,
        "quiet_nights": ins.quiet_nights,
        "total_cramps": ins.total_cramps,
        "share": None,
        "per_week": None,
        "trend": ins.trend.message,
        "trend_status": ins.trend.status,
        "recent": None,
    }
    from crampcare.i18n.wording import diary_word, relief_word

    loc = current_localizer()

    def ci(low: str, high: str) -> str:
        return _("95% CI {low}–{high}", low=low, high=high)

    def fixed(x: float, digits: int) -> str:
        return loc.number(x, digits=digits)

    if share is not None and ins.cramp_nights_per_week is not None:
        part["share"] = _("{share} of nights ({ci})", share=loc.percent(share.estimate),
                          ci=ci(loc.percent(share.low), loc.percent(share.high)))
        part["per_week"] = (
            f"{fixed(ins.cramp_nights_per_week, 1)} "
            f"({ci(fixed(ins.cramp_nights_per_week_low or 0, 1), fixed(ins.cramp_nights_per_week_high or 0, 1))})"
        )
    if ins.recent.nights_logged:
        part["recent"] = ngettext(
            "{n} cramp night of {logged} logged in the last {days} days",
            "{n} cramp nights of {logged} logged in the last {days} days",
            ins.recent.cramp_nights, logged=ins.recent.nights_logged, days=ins.recent.days,
        )
    tn = ins.time_of_night
    if tn.total and tn.peak_hour is not None:
        busiest = f"{tn.peak_hour:02d}:00–{(tn.peak_hour + 1) % 24:02d}:00"
        part["time"] = _(
            "half started between {start} and {end}; busiest hour {hour}; {share} between 01:00 and 05:00",
            start=tn.typical_from, end=tn.typical_to, hour=busiest, share=loc.percent(tn.share_1_to_5am or 0),
        )
    if ins.duration_seconds is not None:
        d = ins.duration_seconds
        part["duration"] = _("median {median} (range {low} to {high})", median=formatting.duration(d.median),
                             low=formatting.duration(d.min), high=formatting.duration(d.max))
    if ins.severity is not None:
        s = ins.severity
        part["severity"] = _("median {median} of 10 (range {low}–{high})", median=formatting.figure(s.median),
                             low=fixed(s.min, 0), high=fixed(s.max, 0))
    if ins.cramps_per_cramp_night is not None:
        c = ins.cramps_per_cramp_night
        part["per_night"] = _("{mean} on average (range {low}–{high})", mean=fixed(c.mean, 1), low=fixed(c.min, 0),
                              high=fixed(c.max, 0))
    part["legs"] = ", ".join(f"{diary_word(i.name)} {loc.percent(i.share)}" for i in ins.legs)
    part["muscles"] = ", ".join(f"{diary_word(i.name)} {loc.percent(i.share)}" for i in ins.muscles)
    part["relief"] = [
        {
            "method": relief_word(r.method),
            "times": r.times_helped,
            "median": _("{minutes} min", minutes=formatting.figure(r.median_minutes)) if r.median_minutes is not None else "—",
            "share": loc.percent(r.times_helped / len(cramps)) if cramps else "",
        }
        for r in ins.relief
    ]
    part["nothing_helped"] = sum(1 for c in cramps if not c.helped)
    exercise_days = [d for d in days if d.exercises_done is not None]
    part["exercises"] = (
        _("bedtime exercises done on {done} of {logged} days where it was logged",
          done=loc.number(sum(1 for d in exercise_days if d.exercises_done)), logged=loc.number(len(exercise_days)))
        if exercise_days
        else None
    )
    triggers = ins.triggers
    part["triggers"] = {
        "ok": triggers.status == "ok",
        "message": triggers.message,
        "linked": [f.message for f in triggers.factors if f.verdict in ("seems_linked", "seems_protective")],
        # The knowledge base's word on low fluids (the care team's say, or ask them first), with its
        # sources as footnotes: the insights chose it (FactorResult.note_claim).
        "claims": [_claim(kb, notes, f.note_claim) for f in triggers.factors if f.note_claim],
        "unclear": [_lower_first(f.label) for f in triggers.factors if f.verdict == "no_clear_link"],
        "thin": [_lower_first(f.label) for f in triggers.factors if f.verdict == "not_enough_data"],
        "caveat": _(triggers.caveat),
    }
    return part


def _lower_first(label: str) -> str:
    """``Temperature swing over 10 °C`` → ``temperature swing over 10 °C`` (units keep their case)."""
    return label[:1].lower() + label[1:]


def _chart(ins: Insights) -> str | None:
    """The weekly chart as inline SVG: the same renderer as the web page's, sized by the CSS (and
    the same drawing when the page showed these insights)."""
    if not ins.weekly:
        return None
    from crampcare.insights.charts import kept_chart_svg

    return kept_chart_svg(ins, "weekly")


# --------------------------------------------------------------------------- context and rendering


@dataclass
class _Gathered:
    """What the report is made of, read once; contexts at any :class:`Limits` are built from it."""

    kb: KnowledgeBase
    today: dt.date
    start: dt.date | None
    end: dt.date | None
    nights: list[NightRecord]
    days: list[DayRecord]
    stored: StoredAssessment | None
    insights: Insights
    chart: str | None
    shared: Shared = EVERYTHING


def _gather(
    store: DiaryStore, start: dt.date | None, end: dt.date | None, today: dt.date | None, progress: Progress,
    shared: Shared = EVERYTHING,
) -> _Gathered:
    from crampcare.insights import compute_insights
    from crampcare.insights.from_diary import insights_for
    from crampcare.knowledge import load_knowledge

    check_period(start, end)
    today = today or dt.date.today()
    kb = load_knowledge()
    progress(_("Reading the diary…"))
    # What is not shared is never read (a clinician's copy of the report: the patient's choice).
    nights = store.list_nights(start, end) if shared.diary else []
    days = store.list_days(start, end) if shared.diary else []
    stored = store.latest_assessment() if shared.assessments else None
    progress(_("Computing insights…"))
    # The same insights as the CLI's and the page's, from the whole diary (a tag first used before the
    # period is known all through it); the personal fluid target only when assessments are shared.
    ins = (insights_for(store, start, end, today=today, personal_target=shared.assessments) if shared.diary
           else compute_insights([], [], today=today, start=start, end=end))
    progress(_("Drawing the chart…"))
    return _Gathered(kb, today, start, end, nights, days, stored, ins, _chart(ins), shared)


def _context(data: _Gathered, limits: Limits = NORMAL, *, web: bool = False) -> dict[str, Any]:
    from crampcare import __version__

    ins = data.insights
    first = data.start or ins.period_start
    last = data.end or ins.period_end
    if first and last:
        span = (last - first).days + 1
        period = _("{start} to {end} ({days})", start=fmt_date(first), end=fmt_date(last), days=current_localizer().days(span))
    elif first or last:
        period = _("from {date}", date=fmt_date(first)) if first else _("up to {date}", date=fmt_date(last))
    elif data.shared.diary:
        period = _("the whole diary (nothing logged yet)")
    else:
        period = _("the whole diary (not shared)")
    notes = Footnotes(data.kb)
    stored = data.stored
    context: dict[str, Any] = {
        "title": _("Night leg cramps: report for the doctor"),
        "lang": current_language(),
        "generated": fmt_date(data.today),
        "version": __version__,
        "period": period,
        "compact": limits.compact,
        "web": web,
        "shared": {"diary": data.shared.diary, "assessments": data.shared.assessments},
        "has_data": bool(data.nights or data.days),
        "person": _person(data.kb, stored, data.days) if data.shared.assessments else _(
            "Age and sex not shown (assessments are not shared)."),
        "diary": _diary_part(ins, data.nights, data.days, data.kb, notes),
        "chart": data.chart,
        "medicines": _medicines(data.kb, data.days, stored.answers if stored is not None else {}),
        "assessment": _assessment_part(data.kb, stored, notes, limits) if stored is not None else None,
    }
    context["footnotes"] = notes.items()
    return context


def report_context(
    store: DiaryStore,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    today: dt.date | None = None,
    progress: Progress = _quiet,
    limits: Limits = NORMAL,
    shared: Shared = EVERYTHING,
) -> dict[str, Any]:
    """Everything the template shows, as plain values (JSON-friendly except the SVG string)."""
    return _context(_gather(store, start, end, today, progress, shared), limits)


@functools.cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("crampcare.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The current language's gettext (brace formatting, like the Python code: _("… {n}", n=1)).
    env.install_gettext_callables(_, ngettext, newstyle=False)  # type: ignore[attr-defined]
    # Counts as the reader's language writes them (1,838 / 1 838), as the period's days are.
    env.filters["count"] = lambda value: current_localizer().number(value)
    return env


def render_html(context: Mapping[str, Any]) -> str:
    """Fill the report template (the single source of the HTML page and the PDF)."""
    from markupsafe import Markup

    values = dict(context)
    if values.get("chart"):
        values["chart"] = Markup(values["chart"])  # our own SVG, made from numbers
    return _environment().get_template("report.html").render(**values)


def report_html(
    store: DiaryStore,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    today: dt.date | None = None,
    progress: Progress = _quiet,
) -> str:
    """The report as a standalone HTML page (styles inline, chart as inline SVG)."""
    return render_html(report_context(store, start, end, today=today, progress=progress))


def report_pdf(
    store: DiaryStore,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    today: dt.date | None = None,
    progress: Progress = _quiet,
    web: bool = False,
    shared: Shared = EVERYTHING,
) -> bytes:
    """The same report as an A4 PDF (WeasyPrint, the template's print CSS).

    When a very long assessment would push it past two pages, it is laid out again in the
    compact form (fewer factors in full, one reason each, smaller type). ``web``: made for the web
    app, so it names the app's pages, not terminal commands. ``shared``: what a clinician's copy may show.
    """
    data = _gather(store, start, end, today, progress, shared)
    progress(_("Laying out the PDF…"))
    html = render_html(_context(data, NORMAL, web=web))
    key = digest(html)
    kept = _PDFS.get(key)
    if kept is not None:
        progress(_("Writing the PDF…"))
        return kept
    document = _layout(html)
    if len(document.pages) > MAX_PAGES:
        progress(_("Making it fit on two pages…"))
        for limits in (COMPACT, TIGHTER, TIGHTEST):
            shorter = _layout(render_html(_context(data, limits, web=web)))
            if len(shorter.pages) < len(document.pages):
                document = shorter
            if len(document.pages) <= MAX_PAGES:
                break
        progress(_("Writing the PDF…"))
        return document.write_pdf()
    progress(_("Writing the PDF…"))
    pdf: bytes = document.write_pdf()
    _PDFS.put(key, pdf)
    return pdf


# Laying out and writing the PDF takes 0.2-1.5 s of CPU (WeasyPrint); a report downloaded again
# unchanged (the same day, the same diary) is the PDF made before. The key is the whole HTML the PDF
# is made from, and only a PDF of that HTML as it is (within two pages) is kept: the PDF carries no
# date or id of its own, so a kept one is exactly the PDF a fresh layout would give.
_PDFS: Kept[bytes] = Kept(8)


def _layout(html: str) -> Any:
    import logging

    from weasyprint import HTML

    # WeasyPrint logs every CSS property it does not support at WARNING; the template is ours.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, url_fetcher=_own_resources()).render()


# Where a report may take a file from: crampcare's own package (nothing of the person's, nothing
# of the machine's).
_PACKAGE = Path(__file__).resolve().parent.parent


def _own_resources() -> Any:
    """WeasyPrint's fetcher for the report: ``data:`` URLs and files of the crampcare package only.

    Every other address (http, https, ftp, a file elsewhere) is refused before anything is opened,
    so laying out a report never makes a network request or reads another file, whatever text ends
    up in it. A refused resource is left out (WeasyPrint logs it) and the report is still made."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetchingError

    class OwnResources(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(_PACKAGE):
                    return super().fetch(url, headers)
            elif scheme == "data":
                return super().fetch(url, headers)
            raise URLFetchingError(f"a report uses only crampcare's own files, not {url[:80]}")

    return OwnResources(allowed_protocols=("data", "file"), allow_redirects=False)
