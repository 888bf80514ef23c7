"""Step-by-step first aid and the bedtime routine, with a countdown per step."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from crampcare.knowledge import load_knowledge
from crampcare.knowledge.schema import URGENCY_RANK
from crampcare.knowledge.vocabulary import evidence_label, vocabulary


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _countdown(console: Console, seconds: int, label: str) -> None:
    """A visible timer; Ctrl-C skips to the next step instead of quitting."""
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(), console=console,
                      transient=True) as progress:
            task = progress.add_task(label, total=seconds)
            for _ in range(seconds):
                time.sleep(1)
                progress.advance(task)
    except KeyboardInterrupt:
        console.print("[dim]skipped[/dim]")


def run(*, plain: bool, lang: str) -> None:
    if plain:
        from crampcare.cli import fast

        fast.run(["now", "--plain", "--lang", lang])
        return
    kb = load_knowledge()
    console = Console()
    interactive = _interactive()
    steps = [s for s in kb.first_aid.values() if s.in_now]
    for number, step in enumerate(steps, start=1):
        title = kb.text(f"first_aid.{step.id}.title", lang)
        text = kb.text(f"first_aid.{step.id}.text", lang)
        evidence = f"{evidence_label(step.evidence)} — {', '.join(step.sources)}"
        console.print(Panel(f"[bold]{text}[/bold]\n\n[dim]{evidence}[/dim]", title=f"{number}/{len(steps)}  {title}",
                            border_style="cyan"))
        if interactive and step.seconds:
            _countdown(console, step.seconds, title)
        if interactive and number < len(steps) and input("Enter for the next step, q to stop: ").strip().lower() == "q":
            break
    urgency = "self_care"
    console.print()
    for question in kb.escalation.values():
        text = kb.text(f"escalation.{question.id}.text", lang)
        if _ask_yes_no(text):
            console.print(Panel(f"[bold]{vocabulary().action(question.yes_urgency)}[/bold] "
                                f"{kb.text(f'escalation.{question.id}.yes_action', lang)}",
                                border_style="red", title="Get help"))
            if URGENCY_RANK[question.yes_urgency] > URGENCY_RANK[urgency]:
                urgency = question.yes_urgency
            if question.yes_urgency == "emergency":
                break
    if urgency == "self_care":
        console.print("The cramp should pass. In the morning, `crampcare assess` explains what may cause it "
                      "and `crampcare log night` records it.")


def _ask_yes_no(text: str) -> bool:
    while True:
        try:
            answer = input(f"{text} [y/n] ").strip().lower()
        except EOFError:
            return False
        if answer in ("y", "yes", "д", "да"):
            return True
        if answer in ("n", "no", "н", "нет", ""):
            return False
        print("Please answer y or n.")


def run_exercises(*, plain: bool, lang: str) -> None:
    kb = load_knowledge()
    console = Console()
    interactive = _interactive() and not plain
    routine = [e for e in kb.exercises.values()]
    console.print("[bold]Bedtime routine[/bold] — do it just before bed.\n")
    for number, exercise in enumerate(routine, start=1):
        title = kb.text(f"exercises.{exercise.id}.title", lang)
        steps = "\n".join(f"• {kb.text(f'exercises.{exercise.id}.steps.{i}', lang)}" for i in range(len(exercise.steps)))
        footer = (f"{exercise.repetitions} × {exercise.seconds} s — {evidence_label(exercise.evidence)} "
                  f"({', '.join(exercise.sources)})")
        if exercise.guidance_note:
            footer += f"\nGuidance: {exercise.guidance_note}"
        console.print(Panel(f"{steps}\n\n[dim]{footer}[/dim]", title=f"{number}/{len(routine)}  {title}"))
        if interactive:
            for round_number in range(1, exercise.repetitions + 1):
                _countdown(console, exercise.seconds, f"{title} {round_number}/{exercise.repetitions}")
