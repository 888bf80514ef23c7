"""Step-by-step first aid and the bedtime routine, with a countdown per step."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Column

from crampcare.i18n.context import _, ngettext
from crampcare.i18n.wording import caution_line, evidence_label, source_names, text, urgency_action
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.schema import URGENCY_RANK


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _countdown(console: Console, seconds: int, label: str) -> None:
    """A visible timer with the exact time left (``0:25``, as on /now); Ctrl-C skips to the next
    step instead of quitting."""
    try:
        # The time left first and never cut: in a narrow terminal the label gives way, not the clock.
        with Progress(TextColumn("{task.fields[left]}", table_column=Column(no_wrap=True, min_width=5)),
                      BarColumn(bar_width=10), TextColumn("{task.description}", table_column=Column(ratio=1, no_wrap=True)),
                      console=console, transient=True) as progress:
            task = progress.add_task(label, total=seconds, left=_clock(seconds))
            for second in range(1, seconds + 1):
                time.sleep(1)
                progress.update(task, advance=1, left=_clock(seconds - second))
        console.bell()  # time is up: heard with the eyes closed, as /now vibrates
    except KeyboardInterrupt:
        console.print("[dim]" + _("skipped") + "[/dim]")


def run(*, plain: bool) -> None:
    if plain:
        from crampcare.cli import fast
        from crampcare.i18n.context import current_language, current_region

        fast.run(["now", "--plain", "--lang", current_language(), "--region", current_region().code])
        return
    kb = load_knowledge()
    console = Console()
    interactive = _interactive()
    steps = [s for s in kb.first_aid.values() if s.in_now]
    for number, step in enumerate(steps, start=1):
        title = text(kb, f"first_aid.{step.id}.title")
        body = text(kb, f"first_aid.{step.id}.text")
        evidence = f"{evidence_label(step.evidence)} — {source_names(kb, step.sources)}"
        if step.guidance_note:  # where guidance differs from the article, as --plain and /now say
            evidence += "\n" + _("Guidance: {note}", note=text(kb, f"first_aid.{step.id}.guidance_note"))
        # The title inside the panel, where it wraps: a border title is cut off in a narrow terminal.
        console.print(Panel(f"[bold cyan]{escape(title)}[/bold cyan]\n[bold]{escape(body)}[/bold]\n\n"
                            f"[dim]{escape(evidence)}[/dim]", title=f"{number}/{len(steps)}", border_style="cyan"))
        if interactive and step.seconds:
            _countdown(console, step.seconds, title)
        # Anything typed but a bare Enter goes to the warning questions: "q" on a Russian layout is "й",
        # and a sign that cannot wait must never be one wrong key away from another step. Ctrl-D too:
        # it ended the walk-through with no question asked and nothing said.
        if interactive and number < len(steps) and _wants_the_questions():
            break
    urgency = "self_care"
    unanswered = False
    console.print()
    for question in kb.escalation.values():
        answer = _ask_yes_no(text(kb, f"escalation.{question.id}.text"))
        unanswered = unanswered or answer is None
        if answer:
            evidence = f"{evidence_label(question.evidence)} — {source_names(kb, question.sources)}"
            console.print(Panel(f"[bold]{escape(urgency_action(question.yes_urgency))}[/bold] "
                                f"{escape(text(kb, f'escalation.{question.id}.yes_action'))}\n\n[dim]{escape(evidence)}[/dim]",
                                border_style="red", title=_("Get help")))
            if URGENCY_RANK[question.yes_urgency] > URGENCY_RANK[urgency]:
                urgency = question.yes_urgency
            if question.yes_urgency == "emergency":
                break
    if urgency == "self_care" and unanswered:
        # Nothing answered is not "no": never reassure about a sign that was not ruled out.
        console.print("[bold]" + _("Not every question was answered, so crampcare cannot say the cramp is harmless.")
                      + "[/bold] " + _("If any of those signs is there, get help as the question says."))
    elif urgency == "self_care":
        # The questions come a few minutes into a cramp: "no" to "still there after 10 minutes" is then
        # only "not yet", so the reassurance says when it stops holding (safety-netting).
        console.print(_("The cramp should pass. If it is still there 10 minutes after it began, even with "
                        "stretching, or one of those signs comes later, get help as the question says. In the "
                        "morning, `crampcare assess` explains what may cause it and `crampcare log night` records it."))


def _wants_the_questions() -> bool:
    """After a step: ``False`` for a bare Enter (the next step), ``True`` for anything else, Ctrl-D included."""
    try:
        return bool(input(_("Enter for the next step, q for the warning signs now: ")).strip())
    except EOFError:
        print()
        return True


def _ask_yes_no(question: str) -> bool | None:
    """``True`` or ``False``; ``None`` when the input ends unanswered. Enter is not "no": it asks again."""
    while True:
        try:
            answer = input(f"{question} [" + _("y/n") + "] ").strip().lower()
        except EOFError:
            print()
            return None
        from crampcare.i18n.wording import yes_no

        said = yes_no(answer)
        if said is not None:
            return said
        if answer == "":
            print(_("Enter is not an answer: please type y (yes) or n (no)."))
        else:
            print(_("Please answer y or n."))


def run_exercises(*, plain: bool) -> None:
    kb = load_knowledge()
    console = Console()
    interactive = _interactive() and not plain
    routine = list(kb.exercises.values())
    console.print("[bold]" + _("Bedtime routine") + "[/bold] — " + _("do it just before bed.") + "\n")
    for number, exercise in enumerate(routine, start=1):
        title = text(kb, f"exercises.{exercise.id}.title")
        steps = "\n".join(f"• {text(kb, f'exercises.{exercise.id}.steps.{i}')}" for i in range(len(exercise.steps)))
        rounds = ngettext("{n} time", "{n} times", exercise.repetitions)
        seconds = ngettext("{n} second", "{n} seconds", exercise.seconds)
        footer = (f"{rounds} × {seconds} — {evidence_label(exercise.evidence)} "
                  f"({source_names(kb, exercise.sources)})")
        if exercise.guidance_note:
            footer += "\n" + _("Guidance: {note}", note=text(kb, f"exercises.{exercise.id}.guidance_note"))
        caution = caution_line(kb, exercise.id)
        # Before the steps: whom the exercise does not suit (this command does not know the person).
        lead = f"[bold yellow]{escape(caution)}[/bold yellow]\n" if caution else ""
        console.print(Panel(f"{lead}{escape(steps)}\n\n[dim]{escape(footer)}[/dim]", title=f"{number}/{len(routine)}  {escape(title)}"))
        if interactive:
            for round_number in range(1, exercise.repetitions + 1):
                _countdown(console, exercise.seconds, f"{title} {round_number}/{exercise.repetitions}")
