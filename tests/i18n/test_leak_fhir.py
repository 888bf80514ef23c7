"""Issue 13, the FHIR Questionnaire: every text a form filler reads — item texts, help, choices and the
units shown beside number boxes — carries a Russian ``translation`` extension (i18nqa)."""

from __future__ import annotations

from typing import Any

from tests.i18n.leak import LIMIT, describe, latin_share

from crampcare.knowledge import load_knowledge
from crampcare.report.questionnaire import questionnaire_resource

# Shown to nobody: FHIR's own code for a help item, and the display inside an enableWhen condition.
_NOT_READ = {"Help-Button"}


def _russian_of(element: dict[str, Any], field: str) -> str | None:
    for extension in element.get("_" + field, {}).get("extension", []):
        parts = {part["url"]: part for part in extension["extension"]}
        if parts["lang"]["valueCode"] == "ru":
            return str(parts["content"]["valueString"])
    return None


def test_every_read_text_has_russian() -> None:
    resource = questionnaire_resource(load_knowledge(), version="test")
    untranslated: list[str] = []
    russian: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "display") and isinstance(value, str) and value not in _NOT_READ \
                        and "enableWhen" not in path:
                    found = _russian_of(node, key)
                    if found is None:
                        untranslated.append(f"{path}.{key}: {value}")
                    else:
                        russian.append(found)
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(resource["item"], "item")
    assert untranslated == []
    assert latin_share("\n".join(russian)) <= LIMIT, describe("\n".join(russian))
