"""Render an assessment or the questionnaire as Markdown (also read as plain text)."""

from __future__ import annotations

from typing import Any

from crampcare.assess.answers import allowed
from crampcare.assess.model import Assessment
from crampcare.knowledge.loader import KnowledgeBase
from crampcare.knowledge.vocabulary import evidence_label, vocabulary


def _evidence_line(item: Any) -> str:
    sources = ", ".join(getattr(item, "sources", []))
    grade = evidence_label(item.evidence)
    line = f"  *Evidence: {grade}. {item.evidence_note} Sources: {sources}.*"
    guidance = getattr(item, "guidance_note", None)
    if guidance:
        line += f"\n  *Guidance differs from the article: {guidance}*"
    return line


def _answers(answers: dict[str, object]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in answers.items()) or "—"


def assessment_markdown(result: Assessment) -> str:
    out: list[str] = [f"# {vocabulary().urgency[result.urgency].headline}", ""]
    if result.urgency_reasons:
        out.append("Why: " + "; ".join(f"{r.title} ({r.urgency})" for r in result.urgency_reasons) + ".")
    else:
        out.append("Why: no warning sign or condition that needs a doctor was found in your answers.")
    out.append("")
    if result.warning_signs:
        out += ["## Warning signs", ""]
        for sign in result.warning_signs:
            out.append(f"- **{sign.title}** — {sign.text} **{sign.action}** (because {_answers(sign.answers)})")
            out.append(_evidence_line(sign))
        out.append("")
    if result.lookalikes:
        out += ["## This may not be a cramp", ""]
        for look in result.lookalikes:
            out.append(f"- **{look.name}**: {look.distinguishing} (because {_answers(look.answers)})")
            out.append(_evidence_line(look))
        out.append("")
    if result.cramp_types:
        out += ["## Type of cramp (the article's terms)", ""]
        for cramp_type in result.cramp_types:
            out.append(f"- **{cramp_type.title}**: {cramp_type.description} (because {_answers(cramp_type.answers)})")
            out.append(_evidence_line(cramp_type))
        out.append("")
    out += ["## What may contribute", ""]
    if not result.factors:
        out.append("- Nothing in your answers points to a particular cause; many night cramps have none.")
    for factor in result.factors:
        out.append(f"{factor.rank}. **{factor.title}** — {factor.explanation} (why: {_answers(factor.answers)})")
        out.append(_evidence_line(factor))
    out.append("")
    if result.referrals:
        out += ["## Whom to see", ""]
        for referral in result.referrals:
            why = "; ".join(b.title for b in referral.because)
            out.append(f"- **{referral.specialty}** — {referral.text} (why: {why})")
        out.append("")
    if result.tests:
        out += ["## Tests to ask about", "", result.tests_note, ""]
        for test in result.tests:
            why = "; ".join(b.title for b in test.because)
            out.append(f"- **{test.name}** — {test.text} (why: {why})")
        out.append("")
    out += ["## Prevention plan", ""]
    fluid = result.plan.fluid_target
    if fluid is not None:
        line = f"- **Fluids**: about {fluid.target_ml / 1000:.1f} L a day (20 ml × {fluid.weight_kg:g} kg)"
        if fluid.current_ml is not None:
            line += f"; you drink about {fluid.current_ml / 1000:.1f} L"
            if fluid.shortfall_ml:
                line += f", {fluid.shortfall_ml / 1000:.1f} L short"
        out.append(line + ".")
        for caveat in fluid.caveats:
            out.append(f"  *{caveat}*")
    for item in result.plan.items:
        why = f" (for: {'; '.join(b.title for b in item.because)})" if item.because else ""
        out.append(f"- **{item.title}** — {item.text}{why}")
        if item.exercises:
            out.append("  Exercises: " + ", ".join(e.title for e in item.exercises) + " (`crampcare exercises`)")
        out.append(_evidence_line(item))
    out.append("")
    out += ["## Do not", ""]
    for do_not in result.do_nots:
        out.append(f"- **{do_not.title}** — {do_not.text}")
        for medicine in do_not.medicines:
            dangers = "; ".join(medicine.dangers)
            out.append(f"  - {medicine.name}: {medicine.recommendation} Dangers: {dangers}.")
            if medicine.pregnancy_warning:
                out.append(f"    Pregnancy: {medicine.pregnancy_warning}")
        out.append(_evidence_line(do_not))
    out.append("")
    out += ["## Sources", ""]
    for source in result.sources:
        out.append(f"- [{source.id}] {source.citation}" + (f" <{source.url}>" if source.url else ""))
    out += ["", f"_{result.disclaimer}_", ""]
    return "\n".join(out)


def questionnaire_markdown(kb: KnowledgeBase) -> str:
    out = ["# crampcare questionnaire", ""]
    section = None
    for question in kb.questions.values():
        if question.section != section:
            section = question.section
            out += [f"## {section.replace('_', ' ').capitalize()}", ""]
        out.append(f"- `{question.id}` — {question.text}")
        out.append(f"  - answer: {allowed(question)}")
        if question.help:
            out.append(f"  - help: {question.help}")
        if question.show_if is not None:
            out.append(f"  - asked only if: `{question.show_if.model_dump_json(by_alias=True, exclude_none=True)}`")
    return "\n".join(out) + "\n"


def questionnaire_json(kb: KnowledgeBase) -> list[dict[str, object]]:
    return [q.model_dump(mode="json", by_alias=True, exclude_none=True) for q in kb.questions.values()]
