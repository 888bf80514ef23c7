"""Render an assessment or the questionnaire as Markdown (also read as plain text)."""

from __future__ import annotations

from typing import Any

from crampcare.assess.answers import allowed
from crampcare.assess.model import Assessment
from crampcare.knowledge.loader import KnowledgeBase, load_knowledge
from crampcare.knowledge.schema import URGENCY_RANK
from crampcare.knowledge.vocabulary import evidence_label, vocabulary


def _evidence_line(item: Any) -> str:
    sources = ", ".join(getattr(item, "sources", []))
    grade = evidence_label(item.evidence)
    line = f"  *Evidence: {grade}. {item.evidence_note} Sources: {sources}.*"
    guidance = getattr(item, "guidance_note", None)
    if guidance:
        line += f"\n  *Guidance differs from the article: {guidance}*"
    return line


def answer_words(kb: KnowledgeBase, question_id: str, value: Any) -> str:
    """An answer in words: yes/no, a number with its unit, choice texts."""
    question = kb.questions.get(question_id)
    if question is None:
        return str(value)
    if value is None:
        return "not answered"
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "number":
        return f"{value:g} {question.unit or ''}".strip()
    names = {c.id: c.text for c in question.choices}
    items = value if isinstance(value, list) else [value]
    return ", ".join(names.get(str(v), str(v)) for v in items)


def _answers(kb: KnowledgeBase, answers: dict[str, object]) -> str:
    """The answers behind a finding, in words: “question” answer; …"""
    parts = []
    for question_id, value in answers.items():
        question = kb.questions.get(question_id)
        label = question.text if question is not None else question_id
        parts.append(f"“{label}” {answer_words(kb, question_id, value)}")
    return "; ".join(parts) or "—"


def _sentence(text: str) -> str:
    """``text`` ending in exactly one full stop (texts from the knowledge base may or may not)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def headline(result: Assessment, kb: KnowledgeBase) -> str:
    """The headline every client shows: the action, and whether warning signs are still open."""
    line = vocabulary().urgency[result.urgency].headline
    if not result.complete:
        line += " — " + kb.messages["incomplete_headline"].text
    return line


def assessment_markdown(result: Assessment, kb: KnowledgeBase | None = None) -> str:
    kb = kb or load_knowledge()
    out: list[str] = [f"# {headline(result, kb)}", ""]
    urgent = URGENCY_RANK[result.urgency] >= URGENCY_RANK["urgent"]
    if urgent:
        # Lead with what to do; nothing before it.
        out += ["## What to do now", ""]
        for sign in result.warning_signs:
            if sign.urgency == result.urgency:
                out.append(f"- **{_sentence(sign.action)}** ({sign.title})")
        out.append("")
    if result.notice:
        out.append(f"**{result.notice}**")
        out += [f"- {kb.questions[qid].text}" if qid in kb.questions else f"- {qid}"
                for qid in result.unanswered_warning_questions]
        out.append("")
    titles = list(dict.fromkeys(f"{r.title} ({r.urgency.replace('_', ' ')})" for r in result.urgency_reasons))
    if titles:
        out.append("Why: " + "; ".join(titles) + ".")
    else:
        out.append("Why: " + kb.messages["no_warning_sign"].text)
    out.append("")
    if result.warning_signs:
        out += ["## Warning signs", ""]
        for sign in result.warning_signs:
            out.append(f"- **{sign.title}** — {_sentence(sign.text)} **{_sentence(sign.action)}** "
                       f"(because {_answers(kb, sign.answers)})")
            out.append(_evidence_line(sign))
        out.append("")
    if result.lookalikes:
        out += ["## This may not be a cramp", ""]
        for look in result.lookalikes:
            out.append(f"- **{look.name}**: {_sentence(look.distinguishing)} (because {_answers(kb, look.answers)})")
            out.append(_evidence_line(look))
        out.append("")
    if result.cramp_types:
        out += ["## Type of cramp", ""]
        for cramp_type in result.cramp_types:
            out.append(f"- **{cramp_type.title}**: {_sentence(cramp_type.description)} "
                       f"(because {_answers(kb, cramp_type.answers)})")
            out.append(_evidence_line(cramp_type))
        out.append("")
    out += ["## What may contribute", ""]
    if not result.factors:
        out.append("- Nothing in your answers points to a particular cause; many night cramps have none.")
    for factor in result.factors:
        out.append(f"{factor.rank}. **{factor.title}** — {_sentence(factor.explanation)} "
                   f"(why: {_answers(kb, factor.answers)})")
        out.append(_evidence_line(factor))
    out.append("")
    if result.referrals:
        out += ["## Whom to see", ""]
        for referral in result.referrals:
            why = "; ".join(dict.fromkeys(b.title for b in referral.because))
            out.append(f"- **{referral.specialty}** — {_sentence(referral.text)} (why: {why})")
        out.append("")
    if result.tests:
        out += ["## Tests to ask about", "", result.tests_note, ""]
        for test in result.tests:
            why = "; ".join(dict.fromkeys(b.title for b in test.because))
            out.append(f"- **{test.name}** — {_sentence(test.text)} (why: {why})")
        out.append("")
    out += ["## Prevention plan", ""]
    if result.plan.note:
        out.append(result.plan.note)
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
        reasons = list(dict.fromkeys(b.title for b in item.because))
        why = f" (for: {'; '.join(reasons)})" if reasons else ""
        out.append(f"- **{item.title}** — {_sentence(item.text)}{why}")
        if item.exercises:
            out.append("  Exercises: " + ", ".join(e.title for e in item.exercises) + " (`crampcare exercises`)")
        out.append(_evidence_line(item))
    out.append("")
    out += ["## Do not", ""]
    for do_not in result.do_nots:
        out.append(f"- **{do_not.title}** — {do_not.text}")
        for medicine in do_not.medicines:
            # Each danger is a sentence of its own: "drive. Can…", never "drive.; Can…".
            dangers = " ".join(_sentence(d) for d in medicine.dangers)
            out.append(f"  - {medicine.name}: {_sentence(medicine.recommendation)} Dangers: {dangers}")
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
