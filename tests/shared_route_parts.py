"""The parts of a route that FastAPI builds again for every app, built once per test process.

FastAPI (0.16x) builds each included route for each app on the app's first request: it reads the
endpoint's and every dependency's signature and makes a pydantic TypeAdapter for each parameter and
response model (25 ms of CPU an app, and the tests make hundreds of apps). Both are pure functions of
what they are built from: a signature of its function (read from the function, never changed), a
TypeAdapter of its type, its constraints and its field settings. Here the same inputs give the object
built the first time; every route, dependency, validation and error is as before. Anything not known
to be the same (a key that cannot be hashed) is built afresh; if FastAPI no longer has these
functions, nothing is shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def route_parts_shared() -> Iterator[None]:
    try:
        from fastapi._compat import v2
        from fastapi.dependencies import utils
    except ImportError:  # pragma: no cover - another FastAPI layout: build everything as FastAPI does
        yield
        return
    real_signature: Callable[[Any], Any] | None = getattr(utils, "get_typed_signature", None)
    real_post_init: Callable[[Any], None] | None = getattr(v2.ModelField, "__post_init__", None)
    if real_signature is None or real_post_init is None or not hasattr(v2, "asdict"):  # pragma: no cover
        yield
        return
    signatures: dict[Any, Any] = {}
    adapters: dict[Any, Any] = {}

    def typed_signature(call: Any) -> Any:
        try:
            return signatures[call]
        except KeyError:
            signature = signatures[call] = real_signature(call)
            return signature
        except TypeError:  # not hashable
            return real_signature(call)

    def post_init(field: Any) -> None:
        parts = v2.asdict(field.field_info)
        try:
            key = (parts["annotation"], repr(parts["metadata"]), repr(sorted(parts["attributes"].items())),
                   repr(field.config))
            adapter = adapters.get(key)
        except TypeError:  # an annotation that cannot be hashed
            real_post_init(field)
            return
        if adapter is None:
            real_post_init(field)
            adapters[key] = field._type_adapter
        else:
            field._type_adapter = adapter

    utils.get_typed_signature = typed_signature
    v2.ModelField.__post_init__ = post_init  # type: ignore[method-assign]
    try:
        yield
    finally:
        utils.get_typed_signature = real_signature
        v2.ModelField.__post_init__ = real_post_init  # type: ignore[method-assign]
