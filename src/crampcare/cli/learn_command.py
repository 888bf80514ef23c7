"""`crampcare learn`: the knowledge base by topic, every statement with its sources."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markdown import Markdown

from crampcare.knowledge import load_knowledge
from crampcare.knowledge.loader import KnowledgeBase
from crampcare.learn import BUILT_IN_TOPICS, topic_markdown


def show(topic: str | None, *, lang: str = "en") -> None:
    kb = load_knowledge()
    console = Console()
    if topic is None:
        console.print("[bold]Topics[/bold] (crampcare learn TOPIC):")
        for topic_id, title in topics(kb).items():
            console.print(f"  [cyan]{topic_id:<16}[/cyan] {title}")
        return
    if topic not in topics(kb):
        typer.echo(f"error: unknown topic {topic!r}; choose from: {', '.join(topics(kb))}", err=True)
        raise typer.Exit(2)
    console.print(Markdown(topic_markdown(kb, topic, lang=lang)))


def topics(kb: KnowledgeBase) -> dict[str, str]:
    listed = {t.id: t.title for t in kb.topics.values()}
    listed.update(BUILT_IN_TOPICS)
    return listed


__all__ = ["show", "topics"]
