"""The interactive interview: one question at a time, re-asking on invalid input."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from crampcare.assess.answers import AnswerError, allowed, parse_text_answer
from crampcare.assess.interview import SECTION_TITLES, drop_hidden, next_question
from crampcare.knowledge import load_knowledge

DONT_KNOW = ("?", "don't know", "dont know", "не знаю")


def ask_interactively(suggested: dict[str, Any] | None = None) -> dict[str, Any]:
    """Ask the visible questions; Enter accepts a suggestion from the diary, or skips."""
    kb = load_knowledge()
    suggested = suggested or {}
    console = Console(stderr=True)
    console.print("[bold]crampcare assessment[/bold] — about 3 minutes. Press Enter to skip a question; "
                  "a warning question left unanswered (or '?' for don't know) counts as not ruled out.\n")
    if suggested:
        console.print("[dim]Suggestions from your diary are shown in brackets; Enter accepts them.[/dim]")
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    warned: set[str] = set()
    section = None
    while (question := next_question(kb, answers, skipped)) is not None:
        if question.section != section:
            section = question.section
            console.print(f"\n[bold cyan]{SECTION_TITLES.get(section, section)}[/bold cyan]")
        if question.help:
            console.print(f"[dim]{question.help}[/dim]")
        if question.choices:
            for number, choice in enumerate(question.choices, start=1):
                console.print(f"  {number}. {choice.text} [dim]({choice.id})[/dim]")
        while True:
            try:
                # Prompts go to stderr so that `--format json` output stays clean on stdout.
                hint = f" [green](diary: {suggested[question.id]})[/green]" if question.id in suggested else ""
                raw = console.input(f"{question.text} [dim]\\[{allowed(question)}][/dim]{hint} ")
            except EOFError:
                return drop_hidden(kb, answers)
            if not raw.strip() and question.id in suggested:
                answers[question.id] = suggested[question.id]
                break
            if question.section == "warning_signs" and raw.strip().lower() in DONT_KNOW:
                console.print("[yellow]Left open: this warning sign is not ruled out.[/yellow]")
                skipped.add(question.id)
                break
            if question.section == "warning_signs" and not raw.strip() and question.id not in warned:
                # Skipping a warning question is a conscious choice: Enter asks once more.
                warned.add(question.id)
                console.print("[yellow]A warning question left unanswered is not ruled out, and the result "
                              "cannot reassure you. Answer yes or no, or press Enter again to leave it open.[/yellow]")
                continue
            if not raw.strip():
                skipped.add(question.id)
                break
            try:
                answers[question.id] = parse_text_answer(question, raw)
                break
            except AnswerError as exc:
                console.print(f"[red]{exc.message}[/red]")
    # A later answer (age 70) can hide a question answered earlier (a child's fever): drop it,
    # as the web form does, so that every client scores the same answers.
    return drop_hidden(kb, answers)
