"""Every knowledge-base text is translated in every language, from the English it shows today."""

from __future__ import annotations

from pathlib import Path

import pytest

from crampcare.knowledge.loader import DATA_DIR, load_knowledge, load_knowledge_from, text_catalog
from crampcare.knowledge.translation_status import fingerprint, languages, status, update_fingerprints

HOW_TO_FIX = (
    "Run `python scripts/i18n_status.py {lang}` to list them. Translate missing keys in "
    "knowledge/data/i18n/{lang}.yaml; re-check stale ones against the new English; delete orphans; "
    "then record the checked keys with `python scripts/i18n_status.py {lang} --update-fingerprints KEY…`."
)


def test_there_is_a_russian_translation() -> None:
    assert "ru" in languages()


@pytest.mark.parametrize("lang", languages())
def test_translations_are_complete_current_and_keyed(lang: str) -> None:
    result = status(load_knowledge(), lang)
    problems = (
        [f"missing {key}" for key in result.missing]
        + [f"stale   {key}" for key in result.stale]
        + [f"orphan  {key}" for key in result.orphans]
    )
    assert not problems, f"{lang}: {len(problems)} problem(s):\n  " + "\n  ".join(problems[:20]) + "\n" + (
        HOW_TO_FIX.format(lang=lang)
    )


def _copy_data(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_rewritten_english_makes_its_translation_stale_until_rechecked(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "first_aid.yaml"
    english = load_knowledge().first_aid["fa_stretch"].text
    path.write_text(path.read_text(encoding="utf-8").replace(english[:40], "Keep stretching, gently. " + english[:40]))
    kb = load_knowledge_from(data)
    assert status(kb, "ru", data).stale == ["first_aid.fa_stretch.text"]
    assert update_fingerprints(kb, "ru", ["first_aid.fa_stretch.text"], data) == ["first_aid.fa_stretch.text"]
    assert status(kb, "ru", data).ok


def test_new_english_text_is_missing_and_a_stray_fingerprint_is_an_orphan(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    ru = data / "i18n" / "ru.yaml"
    key = "first_aid.massage.title"
    lines = [line for line in ru.read_text(encoding="utf-8").splitlines() if not line.startswith(key + ":")]
    ru.write_text("\n".join(lines) + "\n", encoding="utf-8")
    prints = data / "i18n" / "fingerprints" / "ru.yaml"
    prints.write_text(prints.read_text(encoding="utf-8") + "first_aid.gone.title: '0123456789'\n", encoding="utf-8")
    result = status(load_knowledge_from(data), "ru", data)
    assert result.missing == [key]
    assert result.orphans == ["first_aid.gone.title"]
    assert result.stale == []


def test_fingerprint_is_short_and_follows_the_text() -> None:
    text = text_catalog(load_knowledge())["first_aid.fa_stretch.title"]
    assert len(fingerprint(text)) == 10
    assert fingerprint(text) != fingerprint(text + " ")
