"""Render an assessment or the questionnaire as Markdown (also read as plain text), in the
current language (``crampcare.i18n.context``)."""

from __future__ import annotations

from typing import Any

from crampcare.assess.answers import allowed
from crampcare.assess.interview import SECTION_TITLES, describe, quoted
from crampcare.assess.localize import localize_assessment
from crampcare.assess.model import Assessment
from crampcare.i18n.context import N_, _, current_language, current_localizer
from crampcare.i18n.wording import caution_words, evidence_label, source_names, text, urgency_action, urgency_name
from crampcare.knowledge.loader import KnowledgeBase, load_knowledge
from crampcare.knowledge.schema import URGENCY_RANK


def urgency_headline(urgency: str) -> str:
    from crampcare.knowledge.vocabulary import vocabulary

    return vocabulary().headline_of(urgency)


# Facts the engine derives from answers (crampcare.assess.facts), named for a reader.
DERIVED_FACTS: dict[str, str] = {
    "is_child": N_("a child (under 18)"),
    "is_infant": N_("a baby (under 1 year)"),
    "age_over_60": N_("aged 60 or over"),
    "trimester": N_("trimester of pregnancy"),
    "fluid_target_ml": N_("daily fluid target (ml)"),
    "fluid_below_target": N_("drinks less than the target"),
    "cramp_causing_medicine": N_("takes a medicine that can cause cramps"),
    "frequent": N_("cramps every week or more often"),
}


# Units of number questions, named for a reader.
UNITS: dict[str, str] = {
    "years": N_("years"),
    "weeks": N_("weeks"),
    "kg": N_("kg"),
    "L": N_("L"),
    "minutes": N_("minutes"),
    "hours": N_("hours"),
}


def answer_value(kb: KnowledgeBase, question_id: str, value: Any) -> str:
    """An answer as the reader says it: ``yes``, ``70``, ``Every week``."""
    question = kb.questions.get(question_id)
    if value is None:
        return _("not answered")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float)):
        return current_localizer().number(value)
    if question is not None and question.choices:
        index = {choice.id: i for i, choice in enumerate(question.choices)}
        values = value if isinstance(value, list) else [value]
        return ", ".join(text(kb, f"questions.{question_id}.choices.{index[v]}.text") if v in index else str(v)
                         for v in values)
    return str(value)


def answer_words(kb: KnowledgeBase, question_id: str, value: Any) -> str:
    """An answer in words: yes/no, a number with its unit, choice texts."""
    words = answer_value(kb, question_id, value)
    question = kb.questions.get(question_id)
    if question is not None and question.type == "number" and question.unit and isinstance(value, (int, float)):
        words += " " + (_(UNITS[question.unit]) if question.unit in UNITS else question.unit)
    return words


def answers_phrase(kb: KnowledgeBase, answers: dict[str, Any]) -> str:
    """The answers behind a finding, in words: “question” answer; … (the reader's quotation marks:
    «…» in Russian, as the refusals and the FHIR Questionnaire quote questions)."""
    parts = [f"{quoted(_question_label(kb, question_id))} {answer_words(kb, question_id, value)}"
             for question_id, value in answers.items()]
    return "; ".join(parts) or "—"


def _question_label(kb: KnowledgeBase, fact: str) -> str:
    """The question as asked (with its question mark), or what a derived fact is about."""
    return text(kb, f"questions.{fact}.text") if fact in kb.questions else question_words(kb, fact)


def question_words(kb: KnowledgeBase, fact: str) -> str:
    """What an answer or derived fact is about, in the reader's language (no question mark)."""
    if fact in kb.questions:
        return text(kb, f"questions.{fact}.text").rstrip("?")
    if fact in DERIVED_FACTS:
        return _(DERIVED_FACTS[fact])
    return fact.replace("_", " ")


def _evidence_line(kb: KnowledgeBase, item: Any) -> str:
    line = "  *" + _("Evidence: {grade}. {note} Sources: {sources}.", grade=evidence_label(item.evidence),
                     note=item.evidence_note, sources=source_names(kb, getattr(item, "sources", []))) + "*"
    guidance = getattr(item, "guidance_note", None)
    if guidance:
        line += "\n  *" + _("Guidance differs from the article: {note}", note=guidance) + "*"
    return line


def _sentence(words: str) -> str:
    """``words`` ending in exactly one full stop (texts from the knowledge base may or may not)."""
    words = words.strip()
    return words if words.endswith((".", "!", "?", ":")) else words + "."


def headline(result: Assessment, kb: KnowledgeBase) -> str:
    """The headline every client shows, in the current language: the action, and whether warning
    signs are still open."""
    line = urgency_headline(result.urgency)
    if not result.complete:
        line += " — " + text(kb, "messages.incomplete_headline.text")
    return line


def _actions_now(result: Assessment) -> list[str]:
    """What to do now, as Markdown list items, for an urgent or emergency result (``result`` localized)."""
    actions = [f"- **{_sentence(sign.action)}** ({sign.title})"
               for sign in result.warning_signs if sign.urgency == result.urgency]
    if not actions:
        # Urgent through a look-alike or a factor: the level's own action (as the web page leads with).
        urgent_titles = dict.fromkeys(r.title for r in result.urgency_reasons if r.urgency == result.urgency)
        actions = [f"- **{_sentence(urgency_action(result.urgency))}** ({'; '.join(urgent_titles)})"]
    return actions


def recap_markdown(result: Assessment, kb: KnowledgeBase | None = None) -> str:
    """What to do now (when urgent or emergency), then the headline, last: to repeat below a long result,
    whose top a phone-sized terminal has scrolled away by the time the person reaches the end, so that
    the most important line is the one nearest the prompt."""
    kb = kb or load_knowledge()
    result = localize_assessment(result, kb)
    actions = _actions_now(result) if URGENCY_RANK[result.urgency] >= URGENCY_RANK["urgent"] else []
    return "\n".join([*actions, *([""] if actions else []), f"**{headline(result, kb)}**"])


def assessment_markdown(result: Assessment, kb: KnowledgeBase | None = None) -> str:
    kb = kb or load_knowledge()
    result = localize_assessment(result, kb)
    loc = current_localizer()

    def because(answers: dict[str, Any]) -> str:
        return _("because {answers}", answers=answers_phrase(kb, answers))

    out: list[str] = [f"# {headline(result, kb)}", ""]
    if URGENCY_RANK[result.urgency] >= URGENCY_RANK["urgent"]:
        # Lead with what to do; nothing before it.
        out += ["## " + _("What to do now"), "", *_actions_now(result), ""]
    if result.notice:
        out.append(f"**{result.notice}**")
        out += [f"- {text(kb, f'questions.{qid}.text')}" if qid in kb.questions else f"- {qid}"
                for qid in result.unanswered_warning_questions]
        out.append("")
    titles = list(dict.fromkeys(f"{r.title} ({urgency_name(r.urgency)})" for r in result.urgency_reasons))
    if titles:
        out.append(_("Why: {reasons}.", reasons="; ".join(titles)))
    else:
        out.append(_("Why: {reasons}", reasons=text(kb, "messages.no_warning_sign.text")))
    out.append("")
    if result.warning_signs:
        out += ["## " + _("Warning signs"), ""]
        for sign in result.warning_signs:
            out.append(f"- **{sign.title}** — {_sentence(sign.text)} **{_sentence(sign.action)}** ({because(sign.answers)})")
            out.append(_evidence_line(kb, sign))
        out.append("")
    if result.lookalikes:
        out += ["## " + _("This may not be a cramp"), ""]
        for look in result.lookalikes:
            out.append(f"- **{look.name}**: {_sentence(look.distinguishing)} ({because(look.answers)})")
            out.append(_evidence_line(kb, look))
        out.append("")
    if result.cramp_types:
        out += ["## " + _("Type of cramp"), ""]
        for cramp_type in result.cramp_types:
            out.append(f"- **{cramp_type.title}**: {_sentence(cramp_type.description)} ({because(cramp_type.answers)})")
            out.append(_evidence_line(kb, cramp_type))
        out.append("")
    out += ["## " + _("What may contribute"), ""]
    if not result.factors:
        out.append("- " + _("Nothing in your answers points to a particular cause; many night cramps have none."))
    for factor in result.factors:
        out.append(f"{factor.rank}. **{factor.title}** — {_sentence(factor.explanation)} "
                   "(" + _("why: {reasons}", reasons=answers_phrase(kb, factor.answers)) + ")")
        out.append(_evidence_line(kb, factor))
    out.append("")
    if result.referrals:
        out += ["## " + _("Whom to see"), ""]
        for referral in result.referrals:
            why = "; ".join(dict.fromkeys(b.title for b in referral.because))
            out.append(f"- **{referral.specialty}** — {_sentence(referral.text)} (" + _("why: {reasons}", reasons=why) + ")")
        out.append("")
    if result.tests:
        out += ["## " + _("Tests to ask about"), "", result.tests_note, ""]
        for test in result.tests:
            why = "; ".join(dict.fromkeys(b.title for b in test.because))
            out.append(f"- **{test.name}** — {_sentence(test.text)} (" + _("why: {reasons}", reasons=why) + ")")
        out.append("")
    out += ["## " + _("Prevention plan"), ""]
    if result.plan.note:
        out.append(result.plan.note)
    fluid = result.plan.fluid_target
    if fluid is not None:
        litres = {"target": loc.number(fluid.target_ml / 1000, digits=1), "weight": loc.number(fluid.weight_kg)}
        line = "- " + _("**Fluids**: about {target} L a day (20 ml × {weight} kg)", **litres)
        if fluid.current_ml is not None:
            line += _("; you drink about {current} L", current=loc.number(fluid.current_ml / 1000, digits=1))
            if fluid.shortfall_ml:
                line += _(", {shortfall} L short", shortfall=loc.number(fluid.shortfall_ml / 1000, digits=1))
        out.append(line + ".")
        for caveat in fluid.caveats:
            out.append(f"  *{caveat}*")
    for item in result.plan.items:
        reasons = "; ".join(dict.fromkeys(b.title for b in item.because))
        why = " (" + _("for: {reasons}", reasons=reasons) + ")" if reasons else ""
        out.append(f"- **{item.title}** — {_sentence(item.text)}{why}")
        if item.exercises:
            out.append("  " + _("Exercises: {names} (`crampcare exercises`)", names=", ".join(e.title for e in item.exercises)))
            out += ["  " + caution_words(kb, e.caution.text, e.caution.evidence, e.caution.sources)
                    for e in item.exercises if e.caution is not None]
        out.append(_evidence_line(kb, item))
    out.append("")
    out += ["## " + _("Do not"), ""]
    for do_not in result.do_nots:
        out.append(f"- **{do_not.title}** — {do_not.text}")
        for medicine in do_not.medicines:
            # Each danger is a sentence of its own: "drive. Can…", never "drive.; Can…".
            dangers = " ".join(_sentence(d) for d in medicine.dangers)
            out.append(f"  - {medicine.name}: {_sentence(medicine.recommendation)} " + _("Dangers: {dangers}", dangers=dangers))
            if medicine.pregnancy_warning:
                out.append("    " + _("Pregnancy: {warning}", warning=medicine.pregnancy_warning))
        out.append(_evidence_line(kb, do_not))
    out.append("")
    out += ["## " + _("Sources"), ""]
    for source in result.sources:
        link = f" <{source.url}>" if source.url else ""
        if current_language() == "en":
            out.append(f"- [{source.id}] {source.citation}{link}")
        else:
            out.append(f"- {source.title}{link}")
    out += ["", f"_{result.disclaimer}_", ""]
    return "\n".join(out)


def questionnaire_markdown(kb: KnowledgeBase) -> str:
    out = ["# " + _("crampcare questionnaire"), ""]
    section = None
    for question in kb.questions.values():
        if question.section != section:
            section = question.section
            title = _(SECTION_TITLES[section]) if section in SECTION_TITLES else section
            out += [f"## {title}", ""]
        out.append(f"- `{question.id}` — {text(kb, f'questions.{question.id}.text')}")
        out.append("  - " + _("answer: {allowed}", allowed=allowed(question)))
        if question.choices and current_language() != "en":
            for index in range(len(question.choices)):
                out.append(f"    {index + 1}. {text(kb, f'questions.{question.id}.choices.{index}.text')}")
        if question.help:
            out.append("  - " + _("help: {text}", text=text(kb, f"questions.{question.id}.help")))
        # Each condition in words (questions named by their text, in the reader's language), then as
        # data with the question ids, for people who write answer files.
        if question.show_if is not None:
            condition = question.show_if.model_dump_json(by_alias=True, exclude_none=True)
            out.append("  - " + _("asked only if: {condition}",
                                  condition=f"{describe(kb, question.show_if)} (`{condition}`)"))
        for index, limit in enumerate(question.limits):
            condition = f"{describe(kb, limit.when)} (`{limit.when.model_dump_json(by_alias=True, exclude_none=True)}`)"
            out.append("  - " + _("from {low} to {high} when {condition}: {reason}", low=current_localizer().number(
                limit.min), high=current_localizer().number(limit.max), condition=condition,
                reason=text(kb, f"questions.{question.id}.limits.{index}.reason")))
    return "\n".join(out) + "\n"


def questionnaire_json(kb: KnowledgeBase) -> list[dict[str, object]]:
    """The questions as data: ids, types and conditions as they are, the texts a person reads in the
    current language (like the assessment's JSON), so a client can show them as they come."""
    questions: list[dict[str, object]] = []
    for question in kb.questions.values():
        item = question.model_dump(mode="json", by_alias=True, exclude_none=True)
        item["text"] = text(kb, f"questions.{question.id}.text")
        if question.help:
            item["help"] = text(kb, f"questions.{question.id}.help")
        item["choices"] = [{**choice, "text": text(kb, f"questions.{question.id}.choices.{index}.text")}
                           for index, choice in enumerate(item["choices"])]
        # A limit's reason is read by people; its reviewer's note is not for them.
        item["limits"] = [{**{k: v for k, v in limit.items() if k != "note"},
                           "reason": text(kb, f"questions.{question.id}.limits.{index}.reason")}
                          for index, limit in enumerate(item["limits"])]
        questions.append(item)
    return questions
