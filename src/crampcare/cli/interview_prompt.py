"""The interactive interview: one question at a time, re-asking on invalid input."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from crampcare.assess.answers import AnswerError, allowed, parse_text_answer
from crampcare.assess.interview import SECTION_TITLES, next_question
from crampcare.knowledge import load_knowledge


def ask_interactively(suggested: dict[str, Any] | None = None) -> dict[str, Any]:
    """Ask the visible questions; Enter accepts a suggestion from the diary, or skips."""
    kb = load_knowledge()
    suggested = suggested or {}
    console = Console(stderr=True)
    console.print("[bold]crampcare assessment[/bold] — about 3 minutes. Press Enter to skip a question.\n")
    if suggested:
        console.print("[dim]Suggestions from your diary are shown in brackets; Enter accepts them.[/dim]")
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
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
                return answers
            if not raw.strip() and question.id in suggested:
                answers[question.id] = suggested[question.id]
                break
            if not raw.strip():
                skipped.add(question.id)
                break
            try:
                answers[question.id] = parse_text_answer(question, raw)
                break
            except AnswerError as exc:
                console.print(f"[red]{exc.message}[/red]")
    return answers
