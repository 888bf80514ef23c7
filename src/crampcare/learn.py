"""The knowledge base arranged by topic for reading (CLI `learn` and the web `/learn` page)."""

from __future__ import annotations

from crampcare.i18n.context import N_, _, ngettext
from crampcare.i18n.wording import (
    caution_line,
    evidence_label,
    source_names,
    source_title,
    text,
    urgency_action,
    urgency_name,
)
from crampcare.knowledge.loader import KnowledgeBase
from crampcare.knowledge.schema import Sourced

# English; shown through gettext (`_(BUILT_IN_TOPICS[topic])`).
BUILT_IN_TOPICS: dict[str, str] = {
    "causes": N_("Causes and contributing factors"),
    "warning-signs": N_("Warning signs and how urgent they are"),
    "look-alikes": N_("Conditions mistaken for cramps"),
    "first-aid": N_("First aid and self-help"),
    "exercises": N_("Bedtime exercises"),
    "medicines": N_("Medicines: which cause cramps, and the ones not to take on your own"),
    "prevention": N_("Prevention"),
}
FACTOR_CATEGORIES: dict[str, str] = {
    "age": N_("Age"),
    "child": N_("Children"),
    "daily_habits": N_("Daily habits"),
    "disease": N_("Diseases"),
    "environment": N_("Surroundings"),
    "location": N_("Where the cramp is"),
    "medicine": N_("Medicines"),
    "nutrition": N_("Food and nutrients"),
    "pregnancy": N_("Pregnancy"),
}
FIRST_AID_PHASES: dict[str, str] = {
    "first_aid": N_("first aid"),
    "self_help": N_("self-help"),
    "afterwards": N_("afterwards"),
}
MEDICINE_ROLES: dict[str, str] = {
    "article_treatment": N_("suggested by the article"),
    "may_cause_cramps": N_("may cause cramps"),
    "pain_relief": N_("pain relief"),
    "supplement": N_("supplement"),
}


def topic_titles(kb: KnowledgeBase) -> dict[str, str]:
    """Every topic id with its title in the current language."""
    listed = {t.id: text(kb, f"topics.{t.id}.title") for t in kb.topics.values()}
    listed.update({topic_id: _(title) for topic_id, title in BUILT_IN_TOPICS.items()})
    return listed


def _label(labels: dict[str, str], value: str) -> str:
    return _(labels[value]) if value in labels else value.replace("_", " ")


def evidence_md(kb: KnowledgeBase, collection: str, entry: Sourced) -> str:
    note = text(kb, f"{collection}.{entry.id}.evidence_note")
    line = "*" + _("{grade} — {note} Sources: {sources}.", grade=evidence_label(entry.evidence), note=note,
                   # Source names, not ids: a reader knows "NHS: Leg cramps", not "nhs-leg-cramps".
                   sources=source_names(kb, entry.sources, english_ids=False)) + "*"
    if entry.guidance_note:
        guidance = text(kb, f"{collection}.{entry.id}.guidance_note")
        line += "  \n*" + _("Where guidance differs from the article: {note}", note=guidance) + "*"
    return line


def topic_markdown(kb: KnowledgeBase, topic: str) -> str:
    def t(key: str) -> str:
        return text(kb, key)

    out: list[str] = []
    if topic in kb.topics:
        entry = kb.topics[topic]
        out += [f"# {t(f'topics.{topic}.title')}", "", t(f"topics.{topic}.summary"), ""]
        for index, claim in enumerate(entry.claims):
            out += [f"- {t(f'topics.{topic}.claims.{index}.text')}",
                    f"  {evidence_md(kb, f'topics.{topic}.claims', claim.model_copy(update={'id': str(index)}))}"]
    elif topic == "causes":
        out += [f"# {_(BUILT_IN_TOPICS[topic])}", ""]
        category = None
        for factor in sorted(kb.factors.values(), key=lambda f: f.category):
            if factor.category != category:
                category = factor.category
                out += ["", f"## {_label(FACTOR_CATEGORIES, category)}", ""]
            key = f"factors.{factor.id}"
            out += [f"- **{t(key + '.title')}** — {t(key + '.explanation')}", f"  {evidence_md(kb, 'factors', factor)}"]
    elif topic == "warning-signs":
        out += [f"# {_(BUILT_IN_TOPICS[topic])}", ""]
        for sign in kb.warning_signs.values():
            key = f"warning_signs.{sign.id}"
            out += [f"- **{t(key + '.title')}** ({urgency_name(sign.urgency)}) — {t(key + '.text')} {t(key + '.action')}",
                    f"  {evidence_md(kb, 'warning_signs', sign)}"]
    elif topic == "look-alikes":
        out += [f"# {_(BUILT_IN_TOPICS[topic])}", ""]
        for look in kb.lookalikes.values():
            key = f"lookalikes.{look.id}"
            out += [f"- **{t(key + '.name')}** — {t(key + '.distinguishing')}", f"  {evidence_md(kb, 'lookalikes', look)}"]
    elif topic == "first-aid":
        out += [f"# {_(BUILT_IN_TOPICS[topic])}", ""]
        for step in kb.first_aid.values():
            key = f"first_aid.{step.id}"
            out += [f"- **{t(key + '.title')}** ({_label(FIRST_AID_PHASES, step.phase)}) — {t(key + '.text')}",
                    f"  {evidence_md(kb, 'first_aid', step)}"]
        # The questions that end `crampcare now` and /now, which the massage step points to.
        out += ["", "## " + _("Get help if:"), ""]
        for question in kb.escalation.values():
            key = f"escalation.{question.id}"
            out += [f"- **{t(key + '.text')}** {urgency_action(question.yes_urgency)} {t(key + '.yes_action')}",
                    f"  {evidence_md(kb, 'escalation', question)}"]
    elif topic == "exercises":
        out += [f"# {_(BUILT_IN_TOPICS[topic])}", ""]
        for exercise in kb.exercises.values():
            key = f"exercises.{exercise.id}"
            out.append(f"## {t(key + '.title')}")
            caution = caution_line(kb, exercise.id, english_ids=False)
            if caution:  # before the steps: whom it does not suit
                out += [f"**{caution}**", ""]
            out += [f"{i + 1}. {t(f'{key}.steps.{i}')}" for i in range(len(exercise.steps))]
            out += [_("{rounds} × {seconds}", rounds=ngettext("{n} time", "{n} times", exercise.repetitions),
                      seconds=ngettext("{n} second", "{n} seconds", exercise.seconds)), evidence_md(kb, "exercises", exercise), ""]
    elif topic == "medicines":
        out += [f"# {_(BUILT_IN_TOPICS[topic])}", ""]
        for medicine in kb.medicines.values():
            key = f"medicines.{medicine.id}"
            kind = _("prescription") if medicine.prescription else _("over the counter")
            out.append(f"- **{t(key + '.name')}** ({kind}, {_label(MEDICINE_ROLES, medicine.role)}) — {t(key + '.recommendation')}")
            if medicine.dangers:
                dangers = "; ".join(t(f"{key}.dangers.{i}") for i in range(len(medicine.dangers)))
                out.append("  " + _("Dangers: {dangers}.", dangers=dangers))
            if medicine.pregnancy_warning:
                out.append("  " + _("Pregnancy: {warning}", warning=t(key + ".pregnancy_warning")))
            out.append(f"  {evidence_md(kb, 'medicines', medicine)}")
    elif topic == "prevention":
        out += [f"# {_(BUILT_IN_TOPICS[topic])}", ""]
        for advice in kb.advice.values():
            key = f"advice.{advice.id}"
            out += [f"- **{t(key + '.title')}** — {t(key + '.text')}", f"  {evidence_md(kb, 'advice', advice)}"]
        out += ["", "## " + _("Do not"), ""]
        for do_not in kb.do_nots.values():
            key = f"do_nots.{do_not.id}"
            out += [f"- **{t(key + '.title')}** — {t(key + '.text')}", f"  {evidence_md(kb, 'do_nots', do_not)}"]
    else:
        raise KeyError(topic)
    out += ["", "## " + _("Sources"), ""]
    out += [source_line(kb, source_id) for source_id in kb.sources]
    return "\n".join(out) + "\n"


def source_line(kb: KnowledgeBase, source_id: str) -> str:
    """One entry of a source list: the id and citation in English; the translated title elsewhere."""
    source = kb.sources[source_id]
    if source_names(kb, [source_id]) == source_id:
        return f"- [{source.id}] {source.citation}"
    year = f", {source.year}" if source.year else ""
    link = f" <{source.url}>" if source.url else ""
    return f"- {source_title(kb, source_id)}{year}{link}"

