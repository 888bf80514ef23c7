"""The layering, checked: interfaces (``cli``, ``web``) parse, call one service and render.

They may use the services, the records and units they parse into, errors they map to
messages, the knowledge base and the assessment engine (pure functions), and the accounts
service. They must not reach into storage (``db``, ``diary.store``, SQLAlchemy) or the
statistics and report internals: those are the services' business.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "crampcare"
INTERFACES = sorted([*SRC.joinpath("cli").rglob("*.py"), *SRC.joinpath("web").rglob("*.py")])
FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "crampcare.db",
    "crampcare.diary.store",
    "crampcare.diary.models",
    "crampcare.diary.prefill",
    "crampcare.diary.transfer",
    "crampcare.accounts.models",
    "crampcare.clinic",
    "crampcare.insights",
    "crampcare.report.document",
    "crampcare.report.fhir",
    "crampcare.report.reminders",
)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


@pytest.mark.parametrize("path", INTERFACES, ids=[str(p.relative_to(SRC)) for p in INTERFACES])
def test_interfaces_use_services_not_storage_or_statistics(path: Path) -> None:
    bad = [f"line {line}: {module}" for line, module in _imports(path) if _forbidden(module)]
    assert not bad, f"{path.relative_to(SRC)} reaches past the services: {bad}"


def test_the_check_would_catch_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from crampcare.diary.store import DiaryStore\nimport sqlalchemy.exc\n")
    assert [module for _line, module in _imports(sample) if _forbidden(module)] == [
        "crampcare.diary.store", "crampcare.diary.store.DiaryStore", "sqlalchemy.exc",
    ]


def test_pages_do_not_borrow_from_the_api() -> None:
    """Shared request parsing lives in web/params.py, not in another interface module."""
    modules = {module for _line, module in _imports(SRC / "web" / "pages.py")}
    assert not {m for m in modules if m == "crampcare.web.api" or m.startswith("crampcare.web.api.")}
