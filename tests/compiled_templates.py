"""The page templates compiled once per test process and shared by every app the tests create.

Each app has its own Jinja environment, which would otherwise parse and compile every page again
(0.03-0.1 s of CPU a page, in every test that makes an app). Jinja checks each template's source
checksum on load, so an edited template is compiled afresh.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache


class CompiledTemplates(BytecodeCache):
    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


class SharingEnvironment(Environment):
    """crampcare.web.app's Environment, with the process's shared cache of compiled templates."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("bytecode_cache", COMPILED_TEMPLATES)
        super().__init__(*args, **kwargs)
