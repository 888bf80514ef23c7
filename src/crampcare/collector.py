"""How a crampcare process uses the garbage collector: every command and web process runs full
collections less often, and a web process builds its app with the collector paused. (One module for
both, below the interfaces: the CLI and the web each use it.)

Start-up imports the app's modules and builds its routes, models and templates: objects that live
as long as the process, so the collections Python runs meanwhile find next to nothing to free. They
took 0.1-0.15 s of CPU per start (a fifth of a ``--workers`` worker's); the collector is back on
before the first request is served, and frees whatever start-up left over at its next collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the garbage collector for the block; it is on again afterwards if it was before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Python runs a full collection after this many of the middle generation (its default: 10). A process
#: that keeps most of what it builds (modules, routes, the knowledge base; a 10-year diary read for the
#: insights) has the full ones walk it all again to free next to nothing: they were half the CPU of
#: /api/v1/insights over a 10-year diary in a ``--workers`` worker (about 220 ms a request against 130 ms
#: with 100 here). Garbage is still collected, by the younger generations and every 100th full run.
FULL_COLLECTION_AFTER = 100


def collect_fully_less_often() -> None:
    """Full collections after :data:`FULL_COLLECTION_AFTER` middle ones (each command and web process)."""
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
