"""Babel extraction for the command line: gettext's ``_``/``ngettext``/``N_`` as everywhere, plus the
texts Typer shows in ``--help`` — every ``help="…"`` string and the docstring of every function
registered as a command (``@x.command(...)`` or ``x.command(...)(function)`` in the same module).

The CLI translates these when it builds its commands (``crampcare.cli.language.translate_help``),
so the help strings stay plain literals and docstrings in the code, as Typer expects them.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from typing import IO, Any

from babel.messages.extract import extract_python


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Iterator[tuple]:
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    tree = ast.parse(source)
    commands = _registered_commands(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "help" and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            yield node.value.lineno, None, node.value.value, []
        elif isinstance(node, ast.FunctionDef) and node.name in commands:
            doc = ast.get_docstring(node)
            if doc:
                yield node.lineno, None, doc, []


def _is_command_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "command"


def _registered_commands(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_is_command_call(d) for d in node.decorator_list):
            names.add(node.name)
        elif isinstance(node, ast.Call) and _is_command_call(node.func) and node.args \
                and isinstance(node.args[0], ast.Name):
            names.add(node.args[0].id)
    return names
