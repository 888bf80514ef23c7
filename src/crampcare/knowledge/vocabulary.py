"""The shared words (``data/vocabulary.yaml``): urgency headlines and actions, evidence labels,
insight verdicts, leg and relief words — one definition for the CLI, the web pages, the report and
the FHIR export."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import get_args

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from crampcare.knowledge.loader import YAML_LOADER
from crampcare.knowledge.schema import Evidence, Urgency

__all__ = ["LANGUAGES", "LegWords", "UrgencyWords", "Vocabulary", "evidence_label", "vocabulary"]

VOCABULARY_FILE = Path(__file__).with_name("data") / "vocabulary.yaml"
LANGUAGES = ("en", "ru")


class UrgencyWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    headline: dict[str, str]  # the assessment's first line, per language
    report_label: dict[str, str]  # the report's urgency line, per language
    action: dict[str, str]  # what to do, per language


class LegWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    side: dict[str, str]  # beside a heading that says "leg": "left", per language
    name: dict[str, str]  # on its own (a FHIR export's body site), per language


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    urgency: dict[Urgency, UrgencyWords]
    evidence: dict[Evidence, dict[str, str]]
    verdicts: dict[str, dict[str, str]]
    legs: dict[str, LegWords]
    relief: dict[str, dict[str, str]]

    @model_validator(mode="after")
    def _complete(self) -> Vocabulary:
        missing = [f"urgency.{u}" for u in get_args(Urgency) if u not in self.urgency]
        missing += [f"evidence.{e}" for e in get_args(Evidence) if e not in self.evidence]
        missing += [f"urgency.{u}.{field}.{lang}" for u, words in self.urgency.items()
                    for field in ("headline", "report_label", "action") for lang in LANGUAGES
                    if lang not in getattr(words, field)]
        missing += [f"{group}.{key}.{lang}" for group in ("verdicts", "relief")
                    for key, words in getattr(self, group).items() for lang in LANGUAGES if lang not in words]
        missing += [f"evidence.{e}.{lang}" for e, words in self.evidence.items() for lang in LANGUAGES
                    if lang not in words]
        missing += [f"legs.{leg}.{form}.{lang}" for leg, words in self.legs.items() for form in ("side", "name")
                    for lang in LANGUAGES if lang not in getattr(words, form)]
        if missing:
            raise ValueError(f"vocabulary.yaml lacks {', '.join(missing)}")
        return self

    # Each takes a language; without one, the current language (crampcare.i18n.context).
    def action(self, urgency: str, lang: str | None = None) -> str:
        return _pick(self.urgency[urgency].action, lang)  # type: ignore[index]

    def headline_of(self, urgency: str, lang: str | None = None) -> str:
        return _pick(self.urgency[urgency].headline, lang)  # type: ignore[index]

    def report_label_of(self, urgency: str, lang: str | None = None) -> str:
        return _pick(self.urgency[urgency].report_label, lang)  # type: ignore[index]

    def evidence_label(self, grade: str, lang: str | None = None) -> str:
        return _pick(self.evidence[grade], lang)  # type: ignore[index]

    def verdict(self, verdict: str, lang: str | None = None) -> str:
        return _pick(self.verdicts[verdict], lang)

    def leg_side(self, leg: str, lang: str | None = None) -> str:
        return _pick(self.legs[leg].side, lang)

    def leg_name(self, leg: str, lang: str | None = None) -> str:
        return _pick(self.legs[leg].name, lang)

    def relief_word(self, method: str, lang: str | None = None) -> str:
        return _pick(self.relief[method], lang)


def _pick(words: dict[str, str], lang: str | None) -> str:
    if lang is None:
        from crampcare.i18n.context import current_language

        lang = current_language()
    return words.get(lang, words["en"])


@functools.cache
def vocabulary() -> Vocabulary:
    """The shared words, read and checked once."""
    return Vocabulary.model_validate(yaml.load(VOCABULARY_FILE.read_text(encoding="utf-8"), Loader=YAML_LOADER))


def evidence_label(grade: str, lang: str | None = None) -> str:
    """The words for an evidence grade (``supported``, ``mixed``, …) in ``lang``, English when missing."""
    return vocabulary().evidence_label(grade, lang)
