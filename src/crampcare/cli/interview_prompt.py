"""The interactive interview: one question at a time, re-asking on invalid input."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from crampcare.assess.answers import AnswerError, allowed, parse_text_answer
from crampcare.assess.engine import warning_questions_left_open
from crampcare.assess.interview import (
    SECTION_TITLES,
    drop_hidden,
    drop_unusable,
    implausible_answers,
    next_question,
    signs_to_show_now,
)
from crampcare.assess.render import answer_value
from crampcare.i18n.context import _, current_language
from crampcare.i18n.wording import text, yes_no
from crampcare.knowledge import load_knowledge

if TYPE_CHECKING:
    from crampcare.assess.model import Assessment

DONT_KNOW = ("?", "don't know", "don\u2019t know", "dont know", "не знаю")


def ask_interactively(suggested: dict[str, Any] | None = None,
                      show_early: Callable[[Assessment], None] | None = None,
                      ) -> tuple[dict[str, Any], Assessment | None]:
    """Ask the visible questions; Enter accepts a suggestion from the diary, or skips.

    As in the web interview, a warning sign that calls for help now or today (``signs_to_show_now``) is
    not kept waiting behind the other sections: once the section that found it is done (its
    follow-up, which can stand it down, asked), ``show_early`` shows the result, and the person
    chooses whether to answer the other questions (default: no). Returns the answers, and the
    result already shown if the interview stopped there (``None`` otherwise).
    """
    from crampcare.assess import assess

    kb = load_knowledge()
    suggested = suggested or {}
    console = Console(stderr=True)
    console.print("[bold]" + _("crampcare assessment") + "[/bold] — "
                  + _("about 3 minutes. Press Enter to skip a question; a warning question left unanswered "
                      "(or '?' for don't know) counts as not ruled out.") + "\n")
    console.print(escape(text(kb, "messages.answering_for_someone.text")) + "\n")
    if suggested:
        console.print("[dim]" + _("Suggestions from your diary are shown in brackets; Enter accepts them.") + "[/dim]")
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    warned: set[str] = set()
    section = None
    signs_shown: set[str] = set()
    while (question := next_question(kb, answers, skipped)) is not None:
        if section is not None and question.section != section and show_early is not None:
            so_far = drop_hidden(kb, answers)
            result = assess(so_far)
            new_signs = signs_to_show_now(result, signs_shown)
            if new_signs:
                signs_shown.update(new_signs)
                show_early(result)
                if not _go_on(console, result):
                    return so_far, result
        if question.section != section:
            section = question.section
            title = _(SECTION_TITLES[section]) if section in SECTION_TITLES else section
            console.print(f"\n[bold cyan]{escape(title)}[/bold cyan]")
        if question.help:
            console.print(f"[dim]{escape(text(kb, f'questions.{question.id}.help'))}[/dim]")
        if question.choices:
            english = current_language() == "en"
            for number, choice in enumerate(question.choices, start=1):
                label = escape(text(kb, f"questions.{question.id}.choices.{number - 1}.text"))
                # The id is what English answer files use; other languages answer by number.
                console.print(f"  {number}. {label}" + (f" [dim]({choice.id})[/dim]" if english else ""))
        while True:
            try:
                # Prompts go to stderr so that `--format json` output stays clean on stdout.
                hint = ""
                if question.id in suggested:
                    diary = _("diary: {value}", value=answer_value(kb, question.id, suggested[question.id]))
                    hint = f" [green]({escape(diary)})[/green]"
                prompt = escape(text(kb, f"questions.{question.id}.text"))
                raw = console.input(f"{prompt} [dim]\\[{escape(allowed(question))}][/dim]{hint} ")
            except EOFError:
                return drop_hidden(kb, answers), None
            if not raw.strip() and question.id in suggested:
                answers[question.id] = suggested[question.id]
                break
            # A question that keeps a warning sign open, not only the warning section's ("Are you
            # pregnant?": being sick late in pregnancy), as the web's step and the result decide it.
            keeps_sign_open = ((not raw.strip() or raw.strip().lower() in DONT_KNOW)
                               and bool(warning_questions_left_open(kb, drop_unusable(kb, answers), [question])))
            if keeps_sign_open and raw.strip().lower() in DONT_KNOW:
                console.print("[yellow]" + _("Left open: this warning sign is not ruled out.") + "[/yellow]")
                skipped.add(question.id)
                break
            if keeps_sign_open and not raw.strip() and question.id not in warned:
                # Skipping a warning question is a conscious choice: Enter asks once more.
                warned.add(question.id)
                console.print("[yellow]" + _("A warning question left unanswered is not ruled out, and the result "
                                             "cannot reassure you. Answer yes or no, or press Enter again to leave "
                                             "it open.") + "[/yellow]")
                continue
            if not raw.strip() or raw.strip().lower() in DONT_KNOW:
                # "Don't know" leaves any question open, as Enter does (it was refused as "expected a
                # number" or "please answer yes or no" wherever no warning sign waited on it).
                skipped.add(question.id)
                break
            try:
                value = parse_text_answer(question, raw)
            except AnswerError as exc:
                console.print(f"[red]{escape(exc.message)}[/red]")
                continue
            # An answer outside a limit for the answers so far (an adult's weight of 2 kg): asked again.
            implausible = implausible_answers(kb, {**answers, question.id: value}).get(question.id)
            if implausible is None:
                answers[question.id] = value
                break
            console.print(f"[red]{escape(implausible)}[/red]")
    # A later answer (age 70) can hide a question answered earlier (a child's fever): drop it,
    # as the web form does, so that every client scores the same answers.
    return drop_hidden(kb, answers), None


def _go_on(console: Console, result: Assessment) -> bool:
    """Whether the person, shown a warning sign's result, wants to answer the other questions
    (Enter or end of input: no). What to do now and the result's headline are repeated first, the
    headline last but one line before the question: on a phone-sized terminal the long result has
    scrolled its top line away, and this is what stays on the screen."""
    from rich.markdown import Markdown

    from crampcare.assess.render import recap_markdown

    console.print()
    console.print(Markdown(recap_markdown(result)))
    console.print(_("This warning sign is enough to act on now; the other questions can wait."))
    while True:
        try:
            raw = console.input(escape(_("Answer the other questions?")) + " [dim]\\[" + escape(_("yes/NO"))
                                + "][/dim] ")
        except EOFError:
            return False
        if not raw.strip():
            return False
        said = yes_no(raw)
        if said is not None:
            return said
        console.print("[red]" + escape(_("please answer yes or no")) + "[/red]")
