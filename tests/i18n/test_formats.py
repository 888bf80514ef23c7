"""Plurals, dates and decimal commas in Russian output, the FHIR translation extension, and the
assessment translated by key (same conclusions in every language)."""

from __future__ import annotations

import datetime as dt

import pytest

from crampcare.assess import assess
from crampcare.assess.answers import AnswerError, check_answer
from crampcare.assess.localize import localize_assessment
from crampcare.i18n import localizer
from crampcare.i18n.context import current_language, use_language
from crampcare.knowledge import load_knowledge


@pytest.mark.parametrize(
    ("count", "days", "cramps", "weeks"),
    [(1, "1 день", "1 судорога", "1 неделя"), (3, "3 дня", "3 судороги", "3 недели"),
     (5, "5 дней", "5 судорог", "5 недель"), (12, "12 дней", "12 судорог", "12 недель"),
     (22, "22 дня", "22 судороги", "22 недели"), (101, "101 день", "101 судорога", "101 неделя")],
)
def test_russian_plurals_for_days_cramps_weeks(count: int, days: str, cramps: str, weeks: str) -> None:
    ru = localizer("ru")
    assert (ru.days(count), ru.cramps(count), ru.weeks(count)) == (days, cramps, weeks)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(1.5, None, "1,5"), (0.25, None, "0,25"), (2, 1, "2,0"), (1234.5, 1, "1\xa0234,5"), (3.14159, 2, "3,14")],
)
def test_decimal_commas(value: float, digits: int | None, expected: str) -> None:
    assert localizer("ru").number(value, digits=digits) == expected


def test_percent_and_dates() -> None:
    ru, en = localizer("ru"), localizer("en")
    assert ru.percent(0.23).replace("\xa0", " ") == "23 %" and en.percent(0.23) == "23%"
    assert ru.date(dt.date(2026, 3, 1), form="medium").replace("\u202f", " ") == "1 мар. 2026 г."
    assert ru.day_month(dt.date(2026, 12, 2)) == "2 декабря" and ru.short_day_month(dt.date(2026, 5, 9)) == "9 мая"
    assert ru.time(dt.datetime(2026, 1, 1, 23, 5)) == "23:05"


def test_assessment_fluids_in_litres_with_a_comma() -> None:
    from crampcare.assess.render import assessment_markdown

    result = assess({"age": 40, "weight_kg": 75, "fluids_l": 1.0})  # the fluid rule is for adults
    with use_language("ru"):
        text = assessment_markdown(result)
    assert "около 1,5 л в день (20 мл × 75 кг)" in text and "не хватает 0,5 л" in text
    assert current_language() == "en"  # use_language restores the language it found


def test_same_conclusions_in_every_language() -> None:
    kb = load_knowledge()
    result = assess({"age": 70, "medicines": ["diuretic"], "calf_swollen_red_warm": True, "fluids_l": 0.8, "weight_kg": 60})
    russian = localize_assessment(result, kb, "ru")
    assert russian.urgency == result.urgency == "urgent"
    assert [f.id for f in russian.factors] == [f.id for f in result.factors]
    assert [w.id for w in russian.warning_signs] == [w.id for w in result.warning_signs]
    assert [r.rule for r in russian.urgency_reasons] == [r.rule for r in result.urgency_reasons]
    assert russian.warning_signs[0].title == kb.text(f"warning_signs.{result.warning_signs[0].id}.title", "ru")
    assert russian.disclaimer != result.disclaimer and russian.trace == result.trace


def test_fhir_questionnaire_carries_russian_translations() -> None:
    from crampcare.report.codes import EXT_TRANSLATION
    from crampcare.report.questionnaire import questionnaire_resource

    kb = load_knowledge()
    resource = questionnaire_resource(kb, version="test")
    assert resource["language"] == "en"
    for item in resource["item"]:
        (extension,) = item["_text"]["extension"]
        assert extension["url"] == EXT_TRANSLATION
        parts = {part["url"]: part for part in extension["extension"]}
        assert parts["lang"]["valueCode"] == "ru"
        assert parts["content"]["valueString"] == kb.text(f"questions.{item['linkId']}.text", "ru")
        for option in item.get("answerOption", []):
            assert option["valueCoding"]["_display"]["extension"][0]["url"] == EXT_TRANSLATION
    assert resource["_title"]["extension"][0]["extension"][1]["valueString"].startswith("Разбор crampcare")


def test_fhir_questionnaire_with_translations_is_valid_r4() -> None:
    from fhir.resources.R4B.questionnaire import Questionnaire

    from crampcare.report.questionnaire import questionnaire_resource

    Questionnaire.model_validate(questionnaire_resource(load_knowledge(), version="test"))


def test_yes_and_no_in_every_language() -> None:
    """One rule for every prompt (`now`, `assess`, the quick log forms): the word for yes/no or its first
    letter in any language crampcare speaks, taken from the catalogs, so a new language brings its own."""
    from crampcare.i18n.wording import yes_no

    assert [yes_no(text) for text in ("y", "Yes", "ДА", " да ")] == [True] * 4
    assert [yes_no(text) for text in ("n", "NO", "нет")] == [False] * 3
    assert [yes_no(text) for text in ("", "может", "yesno", "1")] == [None] * 4
    with use_language("ru"):
        assert [yes_no(text) for text in ("д", "да", "yes")] == [True] * 3
        assert [yes_no(text) for text in ("н", "нет", "no")] == [False] * 3


def test_a_first_letter_counts_only_in_the_language_asking() -> None:
    """The key that types "y" on an English layout types "н" on a Russian one (and "н" on a Russian
    layout is "y" on an English one): a "y" meant as yes, typed with the other layout on, must be asked
    again, never read as "no" (or a Russian "н" as "yes")."""
    from crampcare.i18n.wording import yes_no

    assert yes_no("н") is None and yes_no("д") is None
    with use_language("ru"):
        assert yes_no("y") is None


@pytest.mark.parametrize(("n", "expected"), [(1, "не короче 1 символа"), (2, "не короче 2 символов"),
                                             (5, "не короче 5 символов"), (11, "не короче 11 символов"),
                                             (21, "не короче 21 символа"), (22, "не короче 22 символов")])
def test_length_limits_are_counted(n: int, expected: str) -> None:
    """Pydantic's length refusals in Russian take the count's plural form (i18nqa: «1 символов»)."""
    from crampcare.i18n.context import activate
    from crampcare.i18n.validation import validation_text

    activate("ru")
    try:
        assert validation_text({"type": "string_too_short", "msg": "…", "ctx": {"min_length": n}}).endswith(expected)
    finally:
        activate("en")


def test_an_answer_out_of_range_is_shown_as_the_reader_writes_numbers() -> None:
    age = load_knowledge().questions["age"]
    with use_language("ru"), pytest.raises(AnswerError, match=r"^age: 9\s999,5 вне допустимых"):
        check_answer(age, 9999.5)
    with pytest.raises(AnswerError, match="^age: 300 is out of range"):
        check_answer(age, 300)


def test_russian_texts_quote_with_guillemets() -> None:
    """Russian quotes words «так»; a key or value the reader types is set in `backticks`, as the
    other import messages do. The CLI's answers-file message put "answers" in English quotes."""
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    from crampcare.knowledge.loader import text_catalog

    tags = re.compile(r"<[^>]*>")  # an HTML attribute's quotes are markup, not text
    locale = Path(__file__).parents[2] / "src/crampcare/i18n/locale/ru/LC_MESSAGES"
    straight = []
    for domain in ("messages", "web"):
        with (locale / f"{domain}.po").open("rb") as po:
            for message in read_po(po):
                forms = message.string if isinstance(message.string, tuple) else (message.string,)
                straight += [form for form in forms if form and re.search("[\"“”]", tags.sub("", form))]
    kb = load_knowledge()
    straight += [key for key in text_catalog(kb) if re.search("[\"“”]", kb.text(key, "ru"))]
    assert not straight, straight


@pytest.mark.parametrize(("n", "pairs", "combinations", "with_it"), [
    (1, "1 день и ночь", "1 сочетание", "1 день с этим фактором"), (2, "2 дня и ночи", "2 сочетания", "2 дня с этим фактором"),
    (5, "5 дней и ночей", "5 сочетаний", "5 дней с этим фактором"), (11, "11 дней и ночей", "11 сочетаний", "11 дней с этим фактором"),
    (21, "21 день и ночь", "21 сочетание", "21 день с этим фактором"), (22, "22 дня и ночи", "22 сочетания", "22 дня с этим фактором"),
])
def test_insights_counts_agree_with_their_nouns_in_russian(n: int, pairs: str, combinations: str, with_it: str) -> None:
    """These plural messages had one Russian form for every count, the count put after a colon
    ("запишите ещё дней и ночей: 1"), where the sibling messages say "запишите ещё 1 день с этим фактором"."""
    from crampcare.i18n.context import ngettext

    with use_language("ru"):
        assert f"запишите ещё {pairs} (" in ngettext("log {n} more day and night (at least {least} in all).",
                                                     "log {n} more days and nights (at least {least} in all).", n, least=30)
        assert f"Проверено {combinations} фактора" in ngettext("Checked {n} factor and timing combination; ",
                                                               "Checked {n} factor and timing combinations; ", n)
        assert f"запишите ещё {with_it} и ещё 3 без него" == ngettext(
            "log {n} more day with it and {without_it} more without it",
            "log {n} more days with it and {without_it} more without it", n, without_it=3)
