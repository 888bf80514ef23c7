"""The knowledge base arranged by topic for reading (CLI `learn` and the web `/learn` page)."""

from __future__ import annotations

from crampcare.knowledge.loader import KnowledgeBase
from crampcare.knowledge.schema import Sourced
from crampcare.knowledge.vocabulary import evidence_label

BUILT_IN_TOPICS: dict[str, str] = {
    "causes": "Causes and contributing factors",
    "warning-signs": "Warning signs and how urgent they are",
    "look-alikes": "Conditions mistaken for cramps",
    "first-aid": "First aid and self-help",
    "exercises": "Bedtime exercises",
    "medicines": "Medicines: which cause cramps, and the ones not to take on your own",
    "prevention": "Prevention",
}


def evidence_md(entry: Sourced) -> str:
    line = f"*{evidence_label(entry.evidence)} — {entry.evidence_note} Sources: {', '.join(entry.sources)}.*"
    if entry.guidance_note:
        line += f"  \n*Where guidance differs from the article: {entry.guidance_note}*"
    return line


def topic_markdown(kb: KnowledgeBase, topic: str, *, lang: str = "en") -> str:
    t = kb.text
    out: list[str] = []
    if topic in kb.topics:
        entry = kb.topics[topic]
        out += [f"# {entry.title}", "", entry.summary, ""]
        for claim in entry.claims:
            out += [f"- {claim.text}", f"  {evidence_md(claim)}"]
    elif topic == "causes":
        out += [f"# {BUILT_IN_TOPICS[topic]}", ""]
        category = None
        for factor in sorted(kb.factors.values(), key=lambda f: f.category):
            if factor.category != category:
                category = factor.category
                out += ["", f"## {category.replace('_', ' ').capitalize()}", ""]
            out += [f"- **{factor.title}** — {factor.explanation}", f"  {evidence_md(factor)}"]
    elif topic == "warning-signs":
        out += [f"# {BUILT_IN_TOPICS[topic]}", ""]
        for sign in kb.warning_signs.values():
            out += [f"- **{sign.title}** ({sign.urgency}) — {sign.text} {sign.action}", f"  {evidence_md(sign)}"]
    elif topic == "look-alikes":
        out += [f"# {BUILT_IN_TOPICS[topic]}", ""]
        for look in kb.lookalikes.values():
            out += [f"- **{look.name}** — {look.distinguishing}", f"  {evidence_md(look)}"]
    elif topic == "first-aid":
        out += [f"# {BUILT_IN_TOPICS[topic]}", ""]
        for step in kb.first_aid.values():
            title = t(f"first_aid.{step.id}.title", lang)
            out += [f"- **{title}** ({step.phase.replace('_', ' ')}) — {t(f'first_aid.{step.id}.text', lang)}",
                    f"  {evidence_md(step)}"]
    elif topic == "exercises":
        out += [f"# {BUILT_IN_TOPICS[topic]}", ""]
        for exercise in kb.exercises.values():
            out.append(f"## {t(f'exercises.{exercise.id}.title', lang)}")
            out += [f"{i + 1}. {t(f'exercises.{exercise.id}.steps.{i}', lang)}" for i in range(len(exercise.steps))]
            out += [f"{exercise.repetitions} × {exercise.seconds} s", evidence_md(exercise), ""]
    elif topic == "medicines":
        out += [f"# {BUILT_IN_TOPICS[topic]}", ""]
        for medicine in kb.medicines.values():
            kind = "prescription" if medicine.prescription else "over the counter"
            out.append(f"- **{medicine.name}** ({kind}, {medicine.role.replace('_', ' ')}) — {medicine.recommendation}")
            if medicine.dangers:
                out.append(f"  Dangers: {'; '.join(medicine.dangers)}.")
            if medicine.pregnancy_warning:
                out.append(f"  Pregnancy: {medicine.pregnancy_warning}")
            out.append(f"  {evidence_md(medicine)}")
    elif topic == "prevention":
        out += [f"# {BUILT_IN_TOPICS[topic]}", ""]
        for advice in kb.advice.values():
            out += [f"- **{advice.title}** — {advice.text}", f"  {evidence_md(advice)}"]
        out += ["", "## Do not", ""]
        for do_not in kb.do_nots.values():
            out += [f"- **{do_not.title}** — {do_not.text}", f"  {evidence_md(do_not)}"]
    else:
        raise KeyError(topic)
    out += ["", "## Sources", ""]
    out += [f"- [{s.id}] {s.citation}" for s in kb.sources.values()]
    return "\n".join(out) + "\n"
