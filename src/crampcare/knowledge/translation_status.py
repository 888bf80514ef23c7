"""Which knowledge-base translations are missing, stale or orphaned.

A translation is tied to the English it was made from: ``i18n/fingerprints/<lang>.yaml``
maps each key to a short fingerprint of that English text. When the English text is
rewritten its fingerprint changes, and the translation is reported stale until a
translator has re-checked it and recorded the new fingerprint
(``scripts/i18n_status.py LANG --update-fingerprints KEY…``).

The fingerprints live in a sub-folder so that the loader, which reads every
``i18n/*.yaml`` as a language, never mistakes them for one.
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from crampcare.knowledge.loader import DATA_DIR, YAML_LOADER, KnowledgeBase, text_catalog

FINGERPRINT_LENGTH = 10


def fingerprint(english: str) -> str:
    """A short, stable fingerprint of an English text."""
    return hashlib.sha256(english.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def i18n_dir(data_dir: Path = DATA_DIR) -> Path:
    return data_dir / "i18n"


def fingerprints_path(lang: str, data_dir: Path = DATA_DIR) -> Path:
    return i18n_dir(data_dir) / "fingerprints" / f"{lang}.yaml"


def languages(data_dir: Path = DATA_DIR) -> list[str]:
    """Every language with a translation file, e.g. ``["ru"]``."""
    return sorted(path.stem for path in i18n_dir(data_dir).glob("*.yaml"))


def _read_mapping(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=YAML_LOADER) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of text keys")
    return {str(key): str(value) for key, value in raw.items()}


@dataclass(frozen=True)
class Status:
    """The state of one language's translations against the current English."""

    lang: str
    missing: list[str]  # English text with no translation
    stale: list[str]  # translated from an English text that has changed since (or was never recorded)
    orphans: list[str]  # translation or fingerprint whose key names no English text

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphans)


def status(kb: KnowledgeBase, lang: str, data_dir: Path = DATA_DIR) -> Status:
    catalog = text_catalog(kb)
    translated = _read_mapping(i18n_dir(data_dir) / f"{lang}.yaml")
    recorded = _read_mapping(fingerprints_path(lang, data_dir))
    # An empty English text (a question without help) needs no translation.
    missing = [key for key, english in catalog.items() if english and not translated.get(key)]
    stale = [key for key in catalog if translated.get(key) and recorded.get(key) != fingerprint(catalog[key])]
    orphans = sorted((set(translated) | set(recorded)) - set(catalog))
    return Status(lang, missing, stale, orphans)


def update_fingerprints(kb: KnowledgeBase, lang: str, patterns: list[str], data_dir: Path = DATA_DIR) -> list[str]:
    """Record the current English fingerprint for translated keys matching ``patterns``.

    Run this only after checking that each translation still says what the English says.
    Fingerprints of keys that no longer exist are dropped. Returns the keys updated.
    """
    catalog = text_catalog(kb)
    translated = _read_mapping(i18n_dir(data_dir) / f"{lang}.yaml")
    recorded = {key: value for key, value in _read_mapping(fingerprints_path(lang, data_dir)).items() if key in catalog}
    updated = [
        key
        for key in catalog
        if translated.get(key) and any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns)
    ]
    for key in updated:
        recorded[key] = fingerprint(catalog[key])
    ordered = {key: recorded[key] for key in catalog if key in recorded}
    path = fingerprints_path(lang, data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Fingerprint (sha256, first {FINGERPRINT_LENGTH} hex) of the English text each {lang}.yaml entry\n"
        "# was translated from. Written by scripts/i18n_status.py --update-fingerprints; do not edit.\n"
    )
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header)
        yaml.safe_dump(ordered, handle, allow_unicode=True, sort_keys=False, width=1000)
    return updated


__all__ = ["Status", "fingerprint", "fingerprints_path", "languages", "status", "update_fingerprints"]
