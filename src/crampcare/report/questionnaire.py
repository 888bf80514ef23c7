"""The interview as a FHIR R4 Questionnaire, and answers as QuestionnaireResponse items.

Item types: ``yes_no`` → ``boolean``; ``number`` → ``integer`` (when the question takes whole
numbers) or ``decimal``; ``single`` → ``choice``; ``multiple`` → ``choice`` with ``repeats``.
(``open-choice`` would carry a choice question that also takes free text; no crampcare
question does, so none is produced.) Choices become ``answerOption.valueCoding`` in a code
system per question; numbers carry the standard ``minValue``/``maxValue`` and
``questionnaire-unit`` (UCUM) extensions; help text is a child ``display`` item with
``itemControl = help``.

``show_if`` becomes ``enableWhen`` when FHIR can say the same thing. FHIR has one flat list
of conditions joined by one ``enableBehavior`` (all / any), with these semantics (R4):

* ``=``, ``>``, ``>=``, ``<``, ``<=``: true if *some* answer compares true, so an
  unanswered question gives false — as a crampcare leaf does;
* ``!=``: true if *no* answer equals the value, so an unanswered question gives **true**;
* ``exists``: whether the question is answered.

The translation keeps crampcare's meaning exactly, including for unanswered questions:

==========================  ==========================================================
crampcare                   enableWhen
==========================  ==========================================================
eq/gt/ge/lt/le v            ``=``/``>``/``>=``/``<``/``<=`` v
ne v                        all: ``exists`` true, ``!=`` v
answered / unanswered       ``exists`` true / false
contains v (multiple)       ``=`` v
in / intersects [a, b]      any: ``=`` a, ``=`` b
not eq v, not contains v    ``!=`` v
not gt v (etc.)             any: ``exists`` false, ``<=`` v (the complement)
not in / intersects [a, b]  all: ``!=`` a, ``!=`` b
not (all / any / not …)     pushed inwards (De Morgan)
all / any of the above      one list with enableBehavior all / any, when every part fits
==========================  ==========================================================

A condition that needs nesting FHIR lacks (an ``any`` inside an ``all`` with other parts),
or that reads a derived fact rather than a question, gets no ``enableWhen``: the item
carries the :data:`~crampcare.report.codes.EXT_SHOW_IF` extension instead, with the
condition in words (each question named by its text, in every language) and as JSON, so a form
filler can still see when to ask it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crampcare.i18n.context import N_, _
from crampcare.knowledge.conditions import All, AnyOf, Condition, Leaf, Not
from crampcare.knowledge.loader import KnowledgeBase
from crampcare.knowledge.schema import Question
from crampcare.report import codes

__all__ = [
    "Inexpressible",
    "answer_items",
    "answers_from_items",
    "condition_text",
    "enable_when",
    "questionnaire_resource",
]

_COMPARE = {"eq": "=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
# The complement of a comparison, for ``not``: not (x > v) is (x <= v) or unanswered.
_COMPLEMENT = {"gt": "<=", "ge": "<", "lt": ">=", "le": ">", "ne": "="}


class Inexpressible(ValueError):
    """The condition has no exact FHIR enableWhen equivalent."""


def choice_system(question_id: str) -> str:
    return codes.CS_ANSWER_PREFIX + question_id


def item_type(question: Question) -> str:
    if question.type == "yes_no":
        return "boolean"
    if question.type == "number":
        return "integer" if question.integer else "decimal"
    return "choice"


# --------------------------------------------------------------------------- enableWhen


def _answer(kb: KnowledgeBase, question: Question, value: Any) -> dict[str, Any]:
    """``answer[x]`` for ``value`` of ``question`` (the type must match the item's type)."""
    kind = item_type(question)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise Inexpressible(f"{question.id}: {value!r} is not a boolean")
        return {"answerBoolean": value}
    if kind in ("integer", "decimal"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Inexpressible(f"{question.id}: {value!r} is not a number")
        if kind == "integer":
            if not float(value).is_integer():
                raise Inexpressible(f"{question.id}: {value!r} is not a whole number")
            return {"answerInteger": int(value)}
        return {"answerDecimal": value}
    if not isinstance(value, str) or value not in question.choice_ids:
        raise Inexpressible(f"{question.id}: {value!r} is not one of its choices")
    choice = next(c for c in question.choices if c.id == value)
    return {"answerCoding": {"system": choice_system(question.id), "code": value, "display": choice.text}}


def _atom(kb: KnowledgeBase, question: Question, operator: str, value: Any) -> dict[str, Any]:
    if operator == "exists":
        return {"question": question.id, "operator": "exists", "answerBoolean": bool(value)}
    if operator in (">", ">=", "<", "<=") and item_type(question) not in ("integer", "decimal"):
        raise Inexpressible(f"{question.id}: {operator} needs a number question")
    return {"question": question.id, "operator": operator, **_answer(kb, question, value)}


def _values(leaf: Leaf) -> list[Any]:
    if not isinstance(leaf.value, (list, tuple)) or not leaf.value:
        raise Inexpressible(f"{leaf.fact} {leaf.op}: expected a non-empty list")
    return list(leaf.value)


# A translated condition: ("one" | "all" | "any", atoms). "one" has exactly one atom.
_Flat = tuple[str, list[dict[str, Any]]]


def _leaf(kb: KnowledgeBase, leaf: Leaf, negated: bool) -> _Flat:
    question = kb.questions.get(leaf.fact)
    if question is None:
        raise Inexpressible(f"{leaf.fact} is derived from answers, not a question")
    op = leaf.op
    multiple = question.type == "multiple"
    if multiple and op in ("eq", "ne", "gt", "ge", "lt", "le", "in"):
        raise Inexpressible(f"{leaf.fact} {op}: compares a whole multiple-choice answer")
    if not multiple and op in ("contains", "intersects"):
        raise Inexpressible(f"{leaf.fact} {op}: needs a multiple-choice question")
    if op == "answered" or op == "unanswered":
        exists = (op == "answered") != negated
        return "one", [_atom(kb, question, "exists", exists)]
    if not negated:
        if op in _COMPARE:
            return "one", [_atom(kb, question, _COMPARE[op], leaf.value)]
        if op == "ne":
            return "all", [_atom(kb, question, "exists", True), _atom(kb, question, "!=", leaf.value)]
        if op == "contains":
            return "one", [_atom(kb, question, "=", leaf.value)]
        values = _values(leaf)  # in, intersects
        atoms = [_atom(kb, question, "=", v) for v in values]
        return ("one" if len(atoms) == 1 else "any"), atoms
    if op in ("eq", "contains"):
        return "one", [_atom(kb, question, "!=", leaf.value)]
    if op in _COMPLEMENT:
        return "any", [_atom(kb, question, "exists", False), _atom(kb, question, _COMPLEMENT[op], leaf.value)]
    values = _values(leaf)  # not in, not intersects: none of the values
    atoms = [_atom(kb, question, "!=", v) for v in values]
    return ("one" if len(atoms) == 1 else "all"), atoms


def _flatten(kb: KnowledgeBase, condition: Condition, negated: bool = False) -> _Flat:
    if isinstance(condition, Leaf):
        return _leaf(kb, condition, negated)
    if isinstance(condition, Not):
        return _flatten(kb, condition.not_, not negated)
    if isinstance(condition, All):
        behavior, children = ("any" if negated else "all"), condition.all
    elif isinstance(condition, AnyOf):
        behavior, children = ("all" if negated else "any"), condition.any
    else:  # pragma: no cover - the condition model has no other kind
        raise Inexpressible(f"unknown condition {condition!r}")
    parts = [_flatten(kb, child, negated) for child in children]
    if len(parts) == 1:
        return parts[0]
    atoms: list[dict[str, Any]] = []
    for kind, part in parts:
        if kind not in ("one", behavior):
            raise Inexpressible(f"an '{kind}' inside an '{behavior}' needs nesting that enableWhen lacks")
        atoms.extend(part)
    return behavior, atoms


def enable_when(kb: KnowledgeBase, condition: Condition) -> tuple[list[dict[str, Any]], str | None]:
    """``(enableWhen, enableBehavior)`` meaning exactly ``condition``; raises :class:`Inexpressible`.

    ``enableBehavior`` is ``None`` when there is a single condition.
    """
    kind, atoms = _flatten(kb, condition)
    return atoms, (None if kind == "one" else kind)


# --------------------------------------------------------------------------- words

SHOW_IF_TEXT = N_("Asked only if {condition}.")


def condition_text(kb: KnowledgeBase, condition: Condition) -> list[dict[str, Any]]:
    """The show-condition in words, as parts of the show-if extension: ``text`` in English (the base
    language), then one ``translation`` part (``lang`` and ``content``, shaped like the standard
    translation extension) per other language. Each question is named by its text in that language
    through the one helper every client's refusal uses (:func:`crampcare.assess.interview.describe`),
    never by its id."""
    from crampcare.assess.interview import describe
    from crampcare.i18n.context import _, use_language
    from crampcare.i18n.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

    def words(lang: str) -> str:
        with use_language(lang):
            return _(SHOW_IF_TEXT, condition=describe(kb, condition))

    english = words(DEFAULT_LANGUAGE)
    parts: list[dict[str, Any]] = [{"url": "text", "valueString": english}]
    for lang in SUPPORTED_LANGUAGES:
        said = words(lang)
        if lang != DEFAULT_LANGUAGE and said != english:
            parts.append({"url": "translation",
                          "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": said}]})
    return parts


# --------------------------------------------------------------------------- the Questionnaire


def _number_extensions(question: Question) -> list[dict[str, Any]]:
    kind = "valueInteger" if question.integer else "valueDecimal"

    def number(value: float) -> int | float:
        return int(value) if question.integer or float(value).is_integer() else value

    extensions: list[dict[str, Any]] = []
    if question.min is not None:
        extensions.append({"url": codes.EXT_MIN_VALUE, kind: number(question.min)})
    if question.max is not None:
        extensions.append({"url": codes.EXT_MAX_VALUE, kind: number(question.max)})
    if question.unit:
        code, display = codes.UCUM_UNITS.get(question.unit, (question.unit, question.unit))
        # The unit is shown beside the answer box, so its name is translated like the item's text.
        coding = {"system": codes.UCUM, "code": code, "display": display, "_display": message_translations(display)}
        extensions.append({"url": codes.EXT_UNIT, "valueCoding": {k: v for k, v in coding.items() if v}})
    return extensions


QUESTIONNAIRE_TITLE = N_("crampcare assessment: night leg cramps")
QUESTIONNAIRE_DESCRIPTION = N_(
    "The crampcare interview about night leg cramps: warning signs first, then the person, the cramps, "
    "daily life and health. Questions appear only when they matter (enableWhen)."
)


def translations(kb: KnowledgeBase, key: str, base: str = "en") -> dict[str, Any]:
    """The standard ``translation`` extensions of a knowledge-base text, for its ``_text``/``_display``
    element: one per supported language other than ``base`` (the element's own language), where its text
    differs (English, always, when the base is another language)."""
    from crampcare.i18n.languages import SUPPORTED_LANGUAGES

    own = kb.text(key, base)
    found = []
    for lang in SUPPORTED_LANGUAGES:
        text = kb.text(key, lang)
        if lang != base and text != own:
            found.append({"url": codes.EXT_TRANSLATION,
                          "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": text}]})
    return {"extension": found} if found else {}


def message_translations(message: str) -> dict[str, Any]:
    """Like :func:`translations`, for an interface message (gettext catalogs)."""
    from crampcare.i18n.catalogs import translations as catalog
    from crampcare.i18n.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

    found = [
        {"url": codes.EXT_TRANSLATION,
         "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": catalog(lang).gettext(message)}]}
        for lang in SUPPORTED_LANGUAGES
        if lang != DEFAULT_LANGUAGE and catalog(lang).gettext(message) != message
    ]
    return {"extension": found} if found else {}


def _with_translations(element: dict[str, Any], field: str, kb: KnowledgeBase, key: str,
                       lang: str = "en") -> dict[str, Any]:
    """``element`` with ``field`` set to the text of ``key`` (English, or ``lang``) and ``_field`` to its
    translations."""
    element[field] = kb.text(key, lang)
    extensions = translations(kb, key, lang)
    if extensions:
        element["_" + field] = extensions
    return element


def _coding(kb: KnowledgeBase, question: Question, index: int, lang: str = "en") -> dict[str, Any]:
    coding = {"system": choice_system(question.id), "code": question.choices[index].id}
    return _with_translations(coding, "display", kb, f"questions.{question.id}.choices.{index}.text", lang)


def _item(kb: KnowledgeBase, question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": question.id}
    _with_translations(item, "text", kb, f"questions.{question.id}.text")
    item["type"] = item_type(question)
    extensions = _number_extensions(question) if question.type == "number" else []
    if question.show_if is not None:
        try:
            conditions, behavior = enable_when(kb, question.show_if)
        except Inexpressible:
            extensions.append(
                {
                    "url": codes.EXT_SHOW_IF,
                    "extension": [
                        *condition_text(kb, question.show_if),
                        {
                            "url": "condition",
                            "valueString": question.show_if.model_dump_json(by_alias=True, exclude_none=True),
                        },
                    ],
                }
            )
        else:
            item["enableWhen"] = conditions
            if behavior is not None:
                item["enableBehavior"] = behavior
    if extensions:
        item = {"extension": extensions, **item}
    if question.type == "multiple":
        item["repeats"] = True
    if question.choices:
        item["answerOption"] = [{"valueCoding": _coding(kb, question, index)} for index in range(len(question.choices))]
    if question.help:
        item["item"] = [
            {
                "extension": [
                    {
                        "url": codes.EXT_ITEM_CONTROL,
                        "valueCodeableConcept": {
                            "coding": [{"system": codes.ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]
                        },
                    }
                ],
                "linkId": f"{question.id}.help",
                **_with_translations({}, "text", kb, f"questions.{question.id}.help"),
                "type": "display",
            }
        ]
    return item


def questionnaire_resource(kb: KnowledgeBase, *, version: str, resource_id: str | None = None) -> dict[str, Any]:
    """The interview as a Questionnaire (R4), items in interview order."""
    resource: dict[str, Any] = {"resourceType": "Questionnaire"}
    if resource_id:
        resource["id"] = resource_id
    resource |= {
        "url": codes.QUESTIONNAIRE_URL,
        "version": version,
        "name": "CrampcareAssessment",
        "language": "en",  # the base texts; other languages in each text's translation extension
        "title": QUESTIONNAIRE_TITLE,
        "_title": message_translations(QUESTIONNAIRE_TITLE),
        "status": "active",
        "subjectType": ["Patient"],
        "description": QUESTIONNAIRE_DESCRIPTION,
        "_description": message_translations(QUESTIONNAIRE_DESCRIPTION),
        "item": [_item(kb, q) for q in kb.questions.values()],
    }
    return resource


def questionnaire_canonical(version: str) -> str:
    return f"{codes.QUESTIONNAIRE_URL}|{version}"


# --------------------------------------------------------------------------- responses


def answer_items(kb: KnowledgeBase, answers: Mapping[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """QuestionnaireResponse items for validated ``answers``, in questionnaire order; question texts and
    chosen answers in ``lang`` (the person's language), with their translations."""
    items = []
    for question in kb.questions.values():
        if question.id not in answers or answers[question.id] in (None, []):
            # Not answered, or nothing chosen: FHIR has no empty ``answer`` array (JSON arrays are never
            # empty), and an item that states nothing is left out, as the import reads it back.
            continue
        value = answers[question.id]
        kind = item_type(question)
        values: list[dict[str, Any]]
        if kind == "boolean":
            values = [{"valueBoolean": bool(value)}]
        elif kind == "integer":
            values = [{"valueInteger": int(value)}]
        elif kind == "decimal":
            values = [{"valueDecimal": value}]
        else:
            chosen = value if isinstance(value, list) else [value]
            index = {c.id: i for i, c in enumerate(question.choices)}
            values = [
                {"valueCoding": _coding(kb, question, index[c], lang)} if c in index
                else {"valueCoding": {"system": choice_system(question.id), "code": c, "display": c}}
                for c in chosen
            ]
        item = _with_translations({"linkId": question.id}, "text", kb, f"questions.{question.id}.text", lang)
        items.append({**item, "answer": values})
    return items


def answers_from_items(kb: KnowledgeBase, items: Sequence[Mapping[str, Any]], where: str) -> dict[str, Any]:
    """The answers in QuestionnaireResponse ``items`` (raw JSON); raises ValueError naming the field.

    The values are checked later by the assessment's own validation.
    """
    answers: dict[str, Any] = {}
    for index, item in enumerate(items):
        at = f"{where}.item[{index}]"
        link = item.get("linkId")
        question = kb.questions.get(link) if isinstance(link, str) else None
        if question is None or not isinstance(link, str):
            raise ValueError(f"{at}.linkId: " + _("{link} is not a crampcare question", link=repr(link)))
        if link in answers:
            raise ValueError(f"{at}.linkId: " + _("{link} is answered twice", link=repr(link)))
        values = item.get("answer") or []
        if not values:
            continue
        kind = item_type(question)
        parsed = []
        for position, answer in enumerate(values):
            key = {"boolean": "valueBoolean", "integer": "valueInteger", "decimal": "valueDecimal"}.get(
                kind, "valueCoding"
            )
            if key not in answer:
                found = next((k for k in answer if k.startswith("value")), None)
                raise ValueError(f"{at}.answer[{position}]: " + (
                    _("expected {key} for {link}, found {found}", key=key, link=repr(link), found=found) if found
                    else _("expected {key} for {link}, found no value", key=key, link=repr(link))))
            value = answer[key]
            if key == "valueCoding":
                if value.get("system") != choice_system(question.id):
                    raise ValueError(f"{at}.answer[{position}].valueCoding.system: "
                                     + _("expected {system}", system=repr(choice_system(question.id))))
                value = value.get("code")
            parsed.append(value)
        if question.type == "multiple":
            answers[link] = parsed
        elif len(parsed) > 1:
            raise ValueError(f"{at}.answer: " + _("{link} takes one answer, found {count}", link=repr(link),
                                                  count=len(parsed)))
        else:
            answers[link] = parsed[0]
    return answers
