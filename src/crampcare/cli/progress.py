"""Progress bars for long work in the terminal (``simulate``, ``import``): one Rich bar per stage, on stderr
(stdout keeps the command's result), each showing done/total and the time taken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["progress_bars", "stage_progress"]


@contextmanager
def progress_bars(*, transient: bool = False) -> Iterator[Progress]:
    """A Rich progress display on stderr; add one task per stage. ``transient``: the bars vanish when done."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=transient,
        console=Console(stderr=True),
    ) as progress:
        yield progress


@contextmanager
def stage_progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A ``progress(stage, done, total)`` callback for a service, drawing one bar per stage (the first report
    of a stage adds it) while a person watches stderr in a terminal; the bars vanish when the work ends, so
    the result (or a refusal's one line) is what stays. ``None`` when stderr is not a terminal: a script
    reading the output gets no bars."""
    from rich.console import Console

    if not Console(stderr=True).is_terminal:
        yield None
        return
    with progress_bars(transient=True) as progress:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield report
