"""The knowledge base loads, validates, cross-references and is keyed for translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from crampcare.knowledge import KnowledgeError, load_knowledge, load_knowledge_from
from crampcare.knowledge.loader import DATA_DIR, text_catalog


def test_packaged_knowledge_loads() -> None:
    kb = load_knowledge()
    assert len(kb.questions) > 30
    assert len(kb.factors) > 40
    assert {"seed", "nice-cks-2012", "aafp-2012", "fda-quinine"} <= set(kb.sources)


def test_every_shown_entry_has_sources_and_evidence() -> None:
    kb = load_knowledge()
    for collection, entry in kb.sourced_entries():
        assert entry.sources, f"{collection}.{entry.id}"
        assert entry.evidence in ("supported", "mixed", "not_supported", "unsafe")
        assert entry.evidence_note.strip()
        for source in entry.sources:
            assert source in kb.sources


def test_every_guideline_source_has_title_year_and_link() -> None:
    kb = load_knowledge()
    for source in kb.sources.values():
        assert source.title and source.citation
        if source.kind in ("guideline", "review", "trial", "regulator"):
            assert source.url, source.id
        if source.kind in ("review", "trial"):
            assert source.year, source.id


def test_every_text_is_keyed_and_translations_resolve() -> None:
    kb = load_knowledge()
    catalog = text_catalog(kb)
    assert "first_aid.fa_stretch.title" in catalog
    assert "factors.varicose_veins.explanation" in catalog
    assert "ru" in kb.translations
    for key in kb.translations["ru"]:
        assert key in catalog
    assert kb.text("first_aid.fa_stretch.title", "ru") != kb.text("first_aid.fa_stretch.title", "en")
    assert kb.text("factors.varicose_veins.title", "xx") == kb.factors["varicose_veins"].title


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    entries = yaml.safe_load(path.read_text())
    change(entries)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False))


def test_error_names_file_entry_and_problem_for_unknown_source(data_copy: Path) -> None:
    _edit(data_copy / "factors.yaml", lambda e: e[0].__setitem__("sources", ["no-such-source"]))
    with pytest.raises(KnowledgeError) as info:
        load_knowledge_from(data_copy)
    message = str(info.value)
    assert "factors.yaml" in message and "change_of_activity" in message and "no-such-source" in message


def test_error_for_condition_on_unknown_question(data_copy: Path) -> None:
    _edit(data_copy / "warning_signs.yaml",
          lambda e: e[0].__setitem__("when", {"fact": "no_such_question", "op": "eq", "value": True}))
    with pytest.raises(KnowledgeError, match="warning_signs.yaml: entry 'ws_lung_clot'.*no_such_question"):
        load_knowledge_from(data_copy)


def test_error_for_condition_on_unknown_choice(data_copy: Path) -> None:
    _edit(data_copy / "factors.yaml",
          lambda e: e[0].__setitem__("when", {"fact": "conditions", "op": "contains", "value": "gout"}))
    with pytest.raises(KnowledgeError, match="'gout', which is not one of its choices"):
        load_knowledge_from(data_copy)


def test_error_for_bad_evidence_grade(data_copy: Path) -> None:
    _edit(data_copy / "advice.yaml", lambda e: e[0].__setitem__("evidence", "probably"))
    with pytest.raises(KnowledgeError, match="advice.yaml: entry .*evidence"):
        load_knowledge_from(data_copy)


def test_error_for_unknown_referral_and_duplicate_id(data_copy: Path) -> None:
    def change(entries):  # type: ignore[no-untyped-def]
        entries[0]["referrals"] = ["astrologer"]
        entries.append(dict(entries[1]))

    _edit(data_copy / "factors.yaml", change)
    with pytest.raises(KnowledgeError) as info:
        load_knowledge_from(data_copy)
    assert "duplicate id" in str(info.value)


def test_error_for_broken_yaml_and_missing_file(data_copy: Path) -> None:
    (data_copy / "tests.yaml").write_text("- id: [unclosed\n")
    (data_copy / "exercises.yaml").unlink()
    with pytest.raises(KnowledgeError) as info:
        load_knowledge_from(data_copy)
    assert "tests.yaml: not valid YAML" in str(info.value)
    assert "exercises.yaml: file is missing" in str(info.value)


def test_error_for_unknown_translation_key(data_copy: Path) -> None:
    (data_copy / "i18n" / "ru.yaml").write_text("first_aid.nope.title: Нет\n")
    with pytest.raises(KnowledgeError, match="names no text"):
        load_knowledge_from(data_copy)


def test_no_prescription_drug_is_advised_anywhere_in_advice() -> None:
    kb = load_knowledge()
    drugs = ("diazepam", "phenytoin", "valproate", "benzonal", "quinine")
    for advice in kb.advice.values():
        text = f"{advice.title} {advice.text}".lower()
        for drug in drugs:
            assert drug not in text, (advice.id, drug)
    for medicine in kb.medicines.values():
        if medicine.prescription:
            assert "doctor" in medicine.recommendation.lower() or "prescriber" in medicine.recommendation.lower()


def test_every_question_feeds_a_rule() -> None:
    """Each answer is used: read by a rule's condition, directly or through a derived fact."""
    from crampcare.knowledge.conditions import leaves_of
    from crampcare.knowledge.schema import DERIVED_FROM

    kb = load_knowledge()
    read: set[str] = set()
    for _collection, entry in kb.sourced_entries():
        condition = getattr(entry, "when", None)
        if condition is not None:
            for fact in {leaf.fact for leaf in leaves_of(condition)}:
                read.update(DERIVED_FROM.get(fact, (fact,)))
    unused = [qid for qid in kb.questions if qid not in read]
    assert unused == [], f"questions that feed no rule: {unused}"


def test_one_claim_one_grade() -> None:
    """A claim the article makes is graded once: entries that restate it carry its grade and
    sources, and the article alone never makes a claim more than "not supported"."""
    kb = load_knowledge()
    claims = {f"{t.id}.{c.id}": c for t in kb.topics.values() for c in t.claims}
    restated: dict[str, set[str]] = {}
    for collection, entry in kb.sourced_entries():
        if entry.claim is not None:
            claim = claims[entry.claim]
            assert (entry.evidence, set(entry.sources)) == (claim.evidence, set(claim.sources)), entry.id
            restated.setdefault(entry.claim, set()).add(f"{collection}.{entry.id}")
        if list(entry.sources) == ["seed"] and not collection.startswith("topics"):
            assert entry.evidence in ("not_supported", "unsafe"), f"{collection}.{entry.id}: article only"
    # The article's causes that appear both as a factor and as advice are one claim each.
    for claim_id in ("article_causes.cold", "article_causes.shoes", "article_causes.sitting", "article_causes.protein_diet",
                     "article_causes.stress"):
        assert len(restated[claim_id]) >= 2, claim_id


def test_a_restated_claim_with_another_grade_is_refused(data_copy: Path) -> None:
    path = data_copy / "advice.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: keep_warm")
    path.write_text(text[:start] + text[start:].replace("evidence: not_supported", "evidence: mixed", 1),
                    encoding="utf-8")
    with pytest.raises(KnowledgeError, match="keep_warm.*graded mixed, but the claim is graded not_supported"):
        load_knowledge_from(data_copy)


def test_an_unsupported_claim_cannot_set_an_urgency(data_copy: Path) -> None:
    path = data_copy / "factors.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: harsh_climate")
    path.write_text(text[:start] + text[start:].replace("  weight: 1\n", "  weight: 1\n  urgency: doctor\n", 1),
                    encoding="utf-8")
    with pytest.raises(KnowledgeError, match="harsh_climate.*not_supported cannot set an urgency"):
        load_knowledge_from(data_copy)
