"""Load and validate the knowledge base.

Everything is checked at load: each entry against its schema, then every
cross-reference (sources, questions and choices read by conditions, referrals, tests,
advice, exercises, medicines). An error names the file, the entry and what is wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from crampcare.knowledge.conditions import Condition, leaves_of
from crampcare.knowledge.schema import (
    DERIVED_FACTS,
    Advice,
    Claim,
    CrampType,
    DoNot,
    EscalationQuestion,
    Exercise,
    Factor,
    FirstAidStep,
    LookAlike,
    MedicalTest,
    Medicine,
    Message,
    Question,
    Referral,
    Source,
    Sourced,
    Topic,
    WarningSign,
)

DATA_DIR = Path(__file__).parent / "data"

# libyaml's safe loader: a tenth of the pure-Python one's time on the translation files.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

M = TypeVar("M", bound=BaseModel)


class KnowledgeError(ValueError):
    """The knowledge base is invalid; the message names file, entry and problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid knowledge base:\n  " + "\n  ".join(problems))


# file name -> (attribute, model)
FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "sources.yaml": ("sources", Source),
    "questions.yaml": ("questions", Question),
    "factors.yaml": ("factors", Factor),
    "cramp_types.yaml": ("cramp_types", CrampType),
    "warning_signs.yaml": ("warning_signs", WarningSign),
    "lookalikes.yaml": ("lookalikes", LookAlike),
    "advice.yaml": ("advice", Advice),
    "do_nots.yaml": ("do_nots", DoNot),
    "medicines.yaml": ("medicines", Medicine),
    "exercises.yaml": ("exercises", Exercise),
    "first_aid.yaml": ("first_aid", FirstAidStep),
    "escalation.yaml": ("escalation", EscalationQuestion),
    "referrals.yaml": ("referrals", Referral),
    "tests.yaml": ("tests", MedicalTest),
    "topics.yaml": ("topics", Topic),
    "messages.yaml": ("messages", Message),
}


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base: ordered dicts of entries by id."""

    sources: dict[str, Source]
    questions: dict[str, Question]
    factors: dict[str, Factor]
    cramp_types: dict[str, CrampType]
    warning_signs: dict[str, WarningSign]
    lookalikes: dict[str, LookAlike]
    advice: dict[str, Advice]
    do_nots: dict[str, DoNot]
    medicines: dict[str, Medicine]
    exercises: dict[str, Exercise]
    first_aid: dict[str, FirstAidStep]
    escalation: dict[str, EscalationQuestion]
    referrals: dict[str, Referral]
    tests: dict[str, MedicalTest]
    topics: dict[str, Topic]
    messages: dict[str, Message]
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def medicine_ids(self) -> frozenset[str]:
        return frozenset(self.medicines)

    def sourced_entries(self) -> Iterator[tuple[str, Sourced]]:
        """Every entry that carries sources and evidence, with its collection name."""
        for attr in (
            "factors",
            "cramp_types",
            "warning_signs",
            "lookalikes",
            "advice",
            "do_nots",
            "medicines",
            "exercises",
            "first_aid",
            "escalation",
        ):
            for entry in getattr(self, attr).values():
                yield attr, entry
        for topic in self.topics.values():
            for claim in topic.claims:
                yield f"topics.{topic.id}", claim

    def claim(self, ref: str) -> tuple[str, Claim]:
        """A claim by its ``topic.claim`` id, with the key its texts are translated under
        (``topics.<topic>.claims.<n>``: ``<key>.text``, ``<key>.evidence_note``)."""
        topic_id, claim_id = ref.split(".", 1)
        for index, claim in enumerate(self.topics[topic_id].claims):
            if claim.id == claim_id:
                return f"topics.{topic_id}.claims.{index}", claim
        raise KeyError(ref)

    def text(self, key: str, lang: str = "en") -> str:
        """The text for ``key`` in ``lang``, falling back to English."""
        if lang != "en":
            translated = self.translations.get(lang, {}).get(key)
            if translated:
                return translated
        return text_catalog(self)[key]


def _text_items(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield prefix, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_items(f"{prefix}.{index}", item)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name in _UNTRANSLATED_FIELDS:
                continue
            yield from _text_items(f"{prefix}.{name}", getattr(value, name))


# Identifiers, codes and references are not prose and are never translated.
_UNTRANSLATED_FIELDS = frozenset(
    {
        "id",
        "sources",
        "evidence",
        "section",
        "type",
        "unit",
        "category",
        "axis",
        "urgency",
        "yes_urgency",
        "referrals",
        "tests",
        "advice",
        "exercises",
        "medicines",
        "phase",
        "role",
        "kind",
        "url",
        # A bibliographic reference stays as published, so a reader can find the work.
        "citation",
        "when",
        "show_if",
        "warning_sign",
        "claim",
        # A reviewer's note on where a limit comes from, like a YAML comment: never shown.
        "note",
    }
)


_CATALOGS: dict[int, tuple[KnowledgeBase, dict[str, str]]] = {}


def _catalog_for(kb: KnowledgeBase) -> dict[str, str]:
    cached = _CATALOGS.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    catalog: dict[str, str] = {}
    for attr, _model in FILES.values():
        for entry_id, entry in getattr(kb, attr).items():
            for key, text in _text_items(f"{attr}.{entry_id}", entry):
                catalog[key] = text
    _CATALOGS[id(kb)] = (kb, catalog)
    return catalog


def text_catalog(kb: KnowledgeBase) -> dict[str, str]:
    """Every translatable text keyed ``collection.entry_id.field[.index]`` (English)."""
    return _catalog_for(kb)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=YAML_LOADER)
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing")
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML: {exc}")
    return None


def _validate_entries(path: Path, raw: Any, model: type[M], problems: list[str]) -> dict[str, M]:
    if not isinstance(raw, list):
        problems.append(f"{path.name}: expected a list of entries, got {type(raw).__name__}")
        return {}
    entries: dict[str, M] = {}
    for index, item in enumerate(raw):
        label = item.get("id", f"#{index + 1}") if isinstance(item, dict) else f"#{index + 1}"
        try:
            entry = model.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"]) or "(entry)"
                problems.append(f"{path.name}: entry {label!r}: {where}: {error['msg']}")
            continue
        entry_id: str = getattr(entry, "id")  # noqa: B009 - every model here has an id
        if entry_id in entries:
            problems.append(f"{path.name}: entry {entry_id!r}: duplicate id")
        entries[entry_id] = entry
    return entries


_CONDITION_ADAPTER: TypeAdapter[Condition] = TypeAdapter(Condition)


def _check_condition(
    where: str, condition: Condition | None, questions: dict[str, Question], problems: list[str]
) -> None:
    if condition is None:
        return
    for leaf in leaves_of(condition):
        if leaf.fact in DERIVED_FACTS:
            continue
        question = questions.get(leaf.fact)
        if question is None:
            problems.append(f"{where}: condition reads unknown question {leaf.fact!r}")
            continue
        if question.type in ("single", "multiple") and leaf.op in ("eq", "ne", "in", "contains", "intersects"):
            values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
            for value in values:
                if value not in question.choice_ids:
                    problems.append(
                        f"{where}: condition compares {leaf.fact!r} with {value!r}, "
                        f"which is not one of its choices ({', '.join(question.choice_ids)})"
                    )
        if question.type == "yes_no" and leaf.op in ("eq", "ne") and not isinstance(leaf.value, bool):
            problems.append(f"{where}: yes/no question {leaf.fact!r} compared with non-boolean {leaf.value!r}")
        numeric = isinstance(leaf.value, (int, float)) and not isinstance(leaf.value, bool)
        if question.type == "number" and leaf.op in ("lt", "le", "gt", "ge", "eq", "ne") and not numeric:
            problems.append(f"{where}: number question {leaf.fact!r} compared with non-number {leaf.value!r}")


def _check_references(kb: dict[str, dict[str, Any]], problems: list[str]) -> None:
    sources, questions = kb["sources"], kb["questions"]
    for attr in ("factors", "cramp_types", "warning_signs", "lookalikes", "advice", "do_nots", "medicines",
                 "exercises", "first_aid", "escalation"):
        file = next(name for name, (a, _m) in FILES.items() if a == attr)
        for entry_id, entry in kb[attr].items():
            where = f"{file}: entry {entry_id!r}"
            for source in entry.sources:
                if source not in sources:
                    problems.append(f"{where}: unknown source {source!r}")
            caution = getattr(entry, "caution", None)
            for source in caution.sources if caution is not None else ():
                if source not in sources:
                    problems.append(f"{where}: caution: unknown source {source!r}")
            for ref_attr, target in (("referrals", "referrals"), ("tests", "tests"), ("advice", "advice"),
                                     ("exercises", "exercises"), ("medicines", "medicines")):
                refs = getattr(entry, ref_attr, None)
                if not isinstance(refs, list):
                    continue
                for ref in refs:
                    if ref not in kb[target]:
                        problems.append(f"{where}: unknown {ref_attr[:-1] if ref_attr != 'advice' else 'advice'} {ref!r}")
            for cond_attr in ("when", "show_if"):
                _check_condition(where, getattr(entry, cond_attr, None), questions, problems)
    claims = {f"{topic_id}.{claim.id}": claim for topic_id, topic in kb["topics"].items() for claim in topic.claims}
    for attr in ("factors", "cramp_types", "warning_signs", "lookalikes", "advice", "do_nots", "medicines",
                 "exercises", "first_aid", "escalation"):
        file = next(name for name, (a, _m) in FILES.items() if a == attr)
        for entry_id, entry in kb[attr].items():
            if entry.claim is None:
                continue
            claim = claims.get(entry.claim)
            where = f"{file}: entry {entry_id!r}: claim {entry.claim!r}"
            if claim is None:
                problems.append(f"{where}: no such claim in topics.yaml (expected 'topic.claim')")
            elif entry.evidence != claim.evidence:
                problems.append(f"{where}: graded {entry.evidence}, but the claim is graded {claim.evidence}")
            elif set(entry.sources) != set(claim.sources):
                problems.append(f"{where}: cites {sorted(entry.sources)}, but the claim cites {sorted(claim.sources)}")
    for look_id, look in kb["lookalikes"].items():
        if look.warning_sign is not None and look.warning_sign not in kb["warning_signs"]:
            problems.append(f"lookalikes.yaml: entry {look_id!r}: unknown warning_sign {look.warning_sign!r}")
    for topic_id, topic in kb["topics"].items():
        for claim in topic.claims:
            for source in claim.sources:
                if source not in sources:
                    problems.append(f"topics.yaml: entry {topic_id!r}: claim {claim.id!r}: unknown source {source!r}")
    for question_id, question in questions.items():
        _check_condition(f"questions.yaml: entry {question_id!r}", question.show_if, questions, problems)
        for limit in question.limits:
            _check_condition(f"questions.yaml: entry {question_id!r}: limit", limit.when, questions, problems)
    medicine_question = questions.get("medicines")
    if medicine_question is not None:
        for choice in medicine_question.choice_ids:
            if choice != "none" and choice not in kb["medicines"]:
                problems.append(f"questions.yaml: entry 'medicines': choice {choice!r} is not in medicines.yaml")


def load_knowledge_from(data_dir: Path) -> KnowledgeBase:
    """Load and validate a knowledge base folder; raise :class:`KnowledgeError` listing every problem."""
    problems: list[str] = []
    loaded: dict[str, dict[str, Any]] = {}
    for file_name, (attr, model) in FILES.items():
        path = data_dir / file_name
        raw = _read_yaml(path, problems)
        loaded[attr] = _validate_entries(path, raw, model, problems) if raw is not None else {}
    if not problems:
        _check_references(loaded, problems)
    translations: dict[str, dict[str, str]] = {}
    for path in sorted((data_dir / "i18n").glob("*.yaml")):
        raw = _read_yaml(path, problems)
        if isinstance(raw, dict):
            translations[path.stem] = {str(k): str(v) for k, v in raw.items()}
        elif raw is not None:
            problems.append(f"i18n/{path.name}: expected a mapping of text keys to translations")
    if problems:
        raise KnowledgeError(problems)
    kb = KnowledgeBase(**loaded, translations=translations)
    catalog = text_catalog(kb)
    for lang, texts in translations.items():
        for key in texts:
            if key not in catalog:
                problems.append(f"i18n/{lang}.yaml: key {key!r} names no text in the knowledge base")
    if problems:
        raise KnowledgeError(problems)
    return kb


@functools.cache
def load_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded once per process."""
    return load_knowledge_from(DATA_DIR)


__all__ = ["KnowledgeBase", "KnowledgeError", "load_knowledge", "load_knowledge_from", "text_catalog", "Claim"]
