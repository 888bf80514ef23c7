"""`crampcare learn`: the knowledge base by topic, every statement with its sources."""

from __future__ import annotations

import textwrap

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape

from crampcare.i18n.context import _, current_language
from crampcare.i18n.wording import emergency_numbers
from crampcare.knowledge import load_knowledge
from crampcare.learn import topic_markdown, topic_titles


def show(topic: str | None) -> None:
    kb = load_knowledge()
    console = Console()
    titles = topic_titles(kb)
    if topic is None:
        console.print("[bold]" + _("Topics") + "[/bold] (" + _("crampcare learn TOPIC") + "):")
        for topic_id, title in titles.items():
            if current_language() == "en":
                console.print(f"  [cyan]{topic_id:<16}[/cyan] {escape(title)}")
            else:  # the id is what to type; in another language it follows the title as a command
                console.print(f"  {escape(title)}: [cyan]crampcare learn {topic_id}[/cyan]")
        return
    if topic not in titles:
        typer.echo("error: " + _("unknown topic {topic!r}; `crampcare learn` lists them", topic=topic), err=True)
        raise typer.Exit(2)
    markdown = topic_markdown(kb, topic)
    heading = "\n## " + _("Sources") + "\n"
    body, found, sources = markdown.partition(heading)
    console.print(Markdown(body + heading if found else markdown))
    # Wrapped between words only: the Markdown renderer folded a long web address mid-word onto the next
    # line, where it could be neither followed nor copied whole. A longer address runs on unbroken.
    for line in sources.strip().splitlines():
        entry = line.removeprefix("- ")
        if entry.endswith(">") and " <" in entry:
            entry = entry.replace(" <", " ").removesuffix(">")
        wrapped = textwrap.fill(entry, width=max(console.width - 3, 20), initial_indent=" • ", subsequent_indent="   ",
                                break_long_words=False, break_on_hyphens=False)
        console.print(wrapped, soft_wrap=True, markup=False, highlight=False)
    # The region's numbers, as every web page's footer gives them: the topics' texts name none (a number of
    # their own could contradict the reader's region), so their "call an ambulance" needs them here.
    console.print("\n" + _("crampcare gives information, not a diagnosis. In an emergency call {numbers}.",
                           numbers=emergency_numbers()), markup=False, highlight=False)
