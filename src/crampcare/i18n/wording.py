"""Wording every interface shares, in the current language: evidence grades, urgency actions,
knowledge-base texts and source names. One place, so the CLI, web, report and calendar agree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from crampcare.i18n.context import N_, _, current_language, current_region

if TYPE_CHECKING:
    from crampcare.knowledge.loader import KnowledgeBase

# A patient's cramp trend (clinic dashboard, cohort) as a reader sees it.
TREND_NAMES = {"rising": N_("rising"), "steady": N_("steady"), "falling": N_("falling"),
               "not_enough_data": N_("not enough data")}

URGENCY_NAMES = {
    "emergency": N_("emergency"),
    "urgent": N_("urgent: today"),
    "doctor": N_("see a doctor"),
    "self_care": N_("self-care"),
}


def evidence_label(grade: str) -> str:
    from crampcare.knowledge.vocabulary import vocabulary

    return vocabulary().evidence_label(grade)


def urgency_action(urgency: str) -> str:
    """What to do, with the region's numbers for an emergency: ``Call emergency services now (112, 103).``"""
    from crampcare.knowledge.vocabulary import vocabulary

    action = vocabulary().action(urgency)
    if urgency == "emergency":
        return f"{action.rstrip('.')}: {emergency_numbers()}."
    return action


def urgency_name(urgency: str) -> str:
    return _(URGENCY_NAMES[urgency])


def emergency_numbers() -> str:
    return _(" or ").join(current_region().emergency)


def text(kb: KnowledgeBase, key: str) -> str:
    """A knowledge-base text in the current language (English where no translation exists)."""
    return kb.text(key, current_language())


def caution_line(kb: KnowledgeBase, exercise_id: str, english_ids: bool = True) -> str | None:
    """An exercise's caution (``exercises.yaml``: to whom it does not suit) as one line with its
    evidence and sources, in the current language; ``None`` for an exercise without one. Every
    client that lists the exercise says it before the steps."""
    caution = kb.exercises[exercise_id].caution
    if caution is None:
        return None
    return caution_words(kb, text(kb, f"exercises.{exercise_id}.caution.text"), caution.evidence, caution.sources,
                         english_ids)


def caution_words(kb: KnowledgeBase, words: str, evidence: str, sources: Iterable[str], english_ids: bool = True) -> str:
    """A caution already in the reader's language (an assessment's), worded as :func:`caution_line`."""
    return _("Caution: {text} ({evidence}; {sources})", text=words, evidence=evidence_label(evidence),
             sources=source_names(kb, sources, english_ids))


def medicine_name(kb: KnowledgeBase, medicine: str) -> str:
    """A medicine id from the diary as the knowledge base names it, in the current language
    (``statin`` → ``Statins (cholesterol medicines)``); an unknown id in words."""
    return text(kb, f"medicines.{medicine}.name") if medicine in kb.medicines else medicine.replace("_", " ")


def source_names(kb: KnowledgeBase, ids: Iterable[str], english_ids: bool = True) -> str:
    """Sources as a reader sees them: in English the short ids (``seed, nhs-leg-cramps``), which
    the source list explains; in other languages the translated titles, so no English shows."""
    ids = list(ids)
    if current_language() == "en" and english_ids:
        return ", ".join(ids)
    return "; ".join(source_title(kb, sid) for sid in ids)


def source_title(kb: KnowledgeBase, source_id: str) -> str:
    if source_id not in kb.sources:
        return source_id
    return kb.text(f"sources.{source_id}.title", current_language())


# Diary values (muscles, signs, levels) as the reader's language names them; legs and what eased a
# cramp are in knowledge/data/vocabulary.yaml (leg_name, relief_word).
DIARY_WORDS = {
    "calf": N_("calf"),
    "foot": N_("foot"),
    "toes": N_("toes"),
    "thigh": N_("thigh"),
    "other": N_("other"),
    "hard_knot": N_("hard knot"),
    "twitching": N_("twitching"),
    "whole_limb": N_("whole limb"),
    "none": N_("none"),
    "some": N_("some"),
    "high": N_("high"),
    "low": N_("low"),
    "normal": N_("normal"),
    "protein_diet": N_("protein diet"),
    "strict_diet": N_("strict diet"),
}


def diary_word(value: str) -> str:
    """A leg (its side: "left"), muscle, sign or day value of the diary in words (what eased a cramp:
    :func:`relief_word`, whose "other" is not the muscles' "other")."""
    from crampcare.knowledge.vocabulary import vocabulary

    if value in vocabulary().legs:
        return vocabulary().leg_side(value)
    return _(DIARY_WORDS[value]) if value in DIARY_WORDS else value.replace("_", " ")


def leg_name(leg: str) -> str:
    """A cramp's leg named on its own, from knowledge/data/vocabulary.yaml."""
    from crampcare.knowledge.vocabulary import vocabulary

    return vocabulary().leg_name(leg)


def cramp_place(leg: str, muscles: Iterable[str]) -> str:
    """Where a cramp was, as the diary lists it and a FHIR export's body site says it: the leg named
    on its own, then the muscles ("both legs: foot", never "both foot")."""
    return _("{leg}: {muscles}", leg=leg_name(leg), muscles=", ".join(map(diary_word, muscles)))


def relief_word(method: str) -> str:
    """What eased a cramp as every client names it, from knowledge/data/vocabulary.yaml."""
    from crampcare.knowledge.vocabulary import vocabulary

    words = vocabulary()
    return words.relief_word(method) if method in words.relief else method.replace("_", " ")


def in_sentence(name: str) -> str:
    """A name as it stands inside a sentence or a list: "helped: stretching, a pain reliever"."""
    return name[:1].lower() + name[1:]


def helped_words(methods: Iterable[str]) -> str:
    """What eased a cramp, as a list inside a sentence: "stretching, walking about"."""
    return ", ".join(in_sentence(relief_word(method)) for method in methods)


def yes_no(text: str) -> bool | None:
    """A typed yes or no: the whole word in any language crampcare speaks ("yes", "да", "нет"…), so a
    new language's catalog brings its own answers, or its first letter in the language the person is
    being asked in ("y"/"n"; "д"/"н"); ``None`` if it is neither.

    A first letter counts in the asking language only, because keyboards share keys: the key that
    types "y" on an English layout types "н" on a Russian one. Read in every language, a "y" meant as
    yes to "Is one calf swollen?", typed with the Russian layout still on, became "н", a no, and a
    warning sign was ruled out; now it is asked again. Whole words do not collide ("yes" on a Russian
    layout types "нуы")."""
    from crampcare.i18n.catalogs import translations
    from crampcare.i18n.context import current_language
    from crampcare.i18n.languages import SUPPORTED_LANGUAGES

    answer = text.strip().lower()
    if not answer:
        return None
    asking = current_language()
    for meaning, word in ((True, "yes"), (False, "no")):
        for lang in SUPPORTED_LANGUAGES:
            said = translations(lang).gettext(word).lower()
            if answer == said or (lang == asking and answer == said[:1]):
                return meaning
    return None


_OS_REASONS = {
    "ENOENT": N_("no such file or folder"),
    "EACCES": N_("permission denied"),
    "EPERM": N_("permission denied"),
    "EISDIR": N_("it is a folder, not a file"),
    "ENOTDIR": N_("a part of the path is not a folder"),
    "ENOSPC": N_("the disk is full"),
    "EROFS": N_("the disk is read-only"),
    "EEXIST": N_("it already exists"),
}


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in the reader's language (its own text is English only);
    an unusual reason as the system says it."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _(_OS_REASONS[name]) if name in _OS_REASONS else str(exc.strerror or exc)
