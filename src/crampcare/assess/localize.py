"""An assessment in another language: the same conclusions, its texts looked up again by key.

The engine works in English (the knowledge base's source language) and the diary stores that;
every interface shows it in the reader's language through this one function, so the same answers
give the same result — the same ids, urgencies, ranks and reasons — in every client and language.
"""

from __future__ import annotations

from typing import Any

from crampcare.assess.engine import INCOMPLETE_RULE
from crampcare.assess.model import Assessment
from crampcare.i18n.catalogs import translations
from crampcare.i18n.context import current_language
from crampcare.knowledge.loader import KnowledgeBase

# The field of each collection that names an entry in a "because" list.
_RULE_TITLE_FIELD = {"lookalikes": "name"}


def localize_assessment(result: Assessment, kb: KnowledgeBase, lang: str | None = None) -> Assessment:
    """``result`` with every text in ``lang`` (default: the current language)."""
    lang = lang or current_language()
    if lang == "en":
        return result
    data = result.model_dump(mode="python")
    _ = translations(lang).gettext  # ``lang``'s messages, whatever the current language is

    def text(key: str, english: Any) -> Any:
        return kb.text(key, lang) if isinstance(english, str) and key in _keys(kb) else english

    def evidenced(collection: str, item: dict[str, Any]) -> None:
        for field in ("evidence_note", "guidance_note"):
            if item.get(field):
                item[field] = text(f"{collection}.{item['id']}.{field}", item[field])

    def rule_title(because: dict[str, Any]) -> None:
        if because["rule"] == INCOMPLETE_RULE:
            because["title"] = text("messages.incomplete_headline.text", because["title"])
            return
        collection, _dot, entry_id = because["rule"].partition(".")
        field = _RULE_TITLE_FIELD.get(collection, "title")
        because["title"] = text(f"{collection}.{entry_id}.{field}", because["title"])

    for reason in data["urgency_reasons"]:
        rule_title(reason)
    for collection, fields in (
        ("warning_signs", ("title", "text", "action")),
        ("lookalikes", ("name", "distinguishing")),
        ("cramp_types", ("title", "description")),
        ("factors", ("title", "explanation")),
    ):
        for item in data[collection]:
            for field in fields:
                item[field] = text(f"{collection}.{item['id']}.{field}", item[field])
            evidenced(collection, item)
    for collection, fields in (("referrals", ("specialty", "text")), ("tests", ("name", "text"))):
        for item in data[collection]:
            for field in fields:
                item[field] = text(f"{collection}.{item['id']}.{field}", item[field])
            for because in item["because"]:
                rule_title(because)
    for item in data["plan"]["items"]:
        for field in ("title", "text"):
            item[field] = text(f"advice.{item['id']}.{field}", item[field])
        evidenced("advice", item)
        for because in item["because"]:
            rule_title(because)
        for exercise in item["exercises"]:
            exercise["title"] = text(f"exercises.{exercise['id']}.title", exercise["title"])
            if exercise.get("caution"):
                caution = exercise["caution"]
                caution["text"] = text(f"exercises.{exercise['id']}.caution.text", caution["text"])
    fluid = data["plan"]["fluid_target"]
    if fluid is not None:
        fluid["caveats"] = [_(caveat) for caveat in fluid["caveats"]]
    for item in data["do_nots"]:
        for field in ("title", "text"):
            item[field] = text(f"do_nots.{item['id']}.{field}", item[field])
        evidenced("do_nots", item)
        for medicine in item["medicines"]:
            key = f"medicines.{medicine['id']}"
            for field in ("name", "recommendation", "pregnancy_warning"):
                medicine[field] = text(f"{key}.{field}", medicine[field])
            medicine["dangers"] = [text(f"{key}.dangers.{i}", d) for i, d in enumerate(medicine["dangers"])]
            evidenced("medicines", medicine)
    for source in data["sources"]:
        source["title"] = text(f"sources.{source['id']}.title", source["title"])
    if data["notice"]:
        data["notice"] = text("messages.incomplete_text.text", data["notice"])
    if data["plan"].get("note"):
        data["plan"]["note"] = text("messages.plan_deferred.text", data["plan"]["note"])
    data["tests_note"] = _(data["tests_note"])
    data["disclaimer"] = _(data["disclaimer"])
    return Assessment.model_validate(data)


def _keys(kb: KnowledgeBase) -> dict[str, str]:
    from crampcare.knowledge.loader import text_catalog

    return text_catalog(kb)
