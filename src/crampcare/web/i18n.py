"""Interface words of the /now page (gettext messages; knowledge texts come from the knowledge base).

The page is built to work offline at 3 a.m., so its words are handed to the template as one
dictionary, in the request's language."""

from __future__ import annotations

from crampcare.i18n.context import N_, _, current_language
from crampcare.i18n.languages import SUPPORTED_LANGUAGES

UI: dict[str, str] = {
    "title": N_("Cramp now? — crampcare"),
    "heading": N_("Cramp now?"),
    "lead": N_("Do these steps one at a time. Breathe slowly."),
    "step": N_("Step"),
    "of": N_("of"),
    "next": N_("Next step"),
    "back": N_("Back"),
    "start_timer": N_("Start timer"),
    "pause": N_("Pause"),
    "done": N_("Done — go on to the next step"),
    "done_big": N_("Done"),
    "timer_started": N_("Timer started"),
    "seconds": N_("s"),
    "source": N_("Source"),
    "evidence": N_("Evidence"),
    "why": N_("Why this step?"),
    "guidance": N_("Where guidance differs from the article"),
    "check": N_("Now check"),
    "check_lead": N_("Answer each question. If the answer is yes, open it for what to do."),
    "yes": N_("Yes"),
    "no_need": N_("If every answer is no, the cramp should pass."),
    "after": N_("Later: an explained assessment of what may cause your cramps, and a diary."),
    "assess": N_("Start the assessment"),
    "diary": N_("Log this night"),
    "offline": N_("Works offline once opened."),
    "skip": N_("Skip to the steps"),
    "signs": N_("Not like an ordinary cramp? Chest pain, a cold pale leg, one side weak: the warning signs"),
}


def ui_words() -> dict[str, str]:
    """The /now page's words in the current language, and a link to the next language."""
    from crampcare.web.language import language_names

    words = {key: _(message) for key, message in UI.items()}
    here = current_language()
    other = SUPPORTED_LANGUAGES[(SUPPORTED_LANGUAGES.index(here) + 1) % len(SUPPORTED_LANGUAGES)]
    words.update(home="crampcare", other_lang=language_names()[other], other_lang_code=other)
    return words
