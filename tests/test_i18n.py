"""Languages, regions, catalogs and Babel formatting (issue: Russian throughout)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from crampcare.i18n import REGIONS, choose_language, choose_region, localizer, negotiate_language
from crampcare.i18n.regions import region_of_locale

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 ночь"), (2, "2 ночи"), (4, "4 ночи"), (5, "5 ночей"), (11, "11 ночей"), (14, "14 ночей"),
     (21, "21 ночь"), (22, "22 ночи"), (25, "25 ночей"), (101, "101 ночь"), (111, "111 ночей"), (1000, "1 000 ночей")],
)
def test_russian_plurals_follow_cldr(count: int, expected: str) -> None:
    assert localizer("ru").nights(count).replace("\xa0", " ") == expected


def test_english_plurals() -> None:
    en = localizer("en")
    assert (en.nights(1), en.nights(0), en.weeks(3), en.cramps(1)) == ("1 night", "0 nights", "3 weeks", "1 cramp")


def test_numbers_and_dates_in_each_language() -> None:
    ru, en = localizer("ru"), localizer("en")
    assert ru.number(1.5) == "1,5" and en.number(1.5) == "1.5"
    assert ru.number(2, digits=1) == "2,0"
    assert ru.date(dt.date(2026, 12, 2)).replace("\u202f", " ") == "2 декабря 2026 г."
    assert ru.day_month(dt.date(2026, 3, 3)) == "3 марта"
    assert en.day_month(dt.date(2026, 3, 3)) == "March 3"
    assert ru.time(dt.time(3, 10)) == "03:10"


@pytest.mark.parametrize(
    ("flag", "environ", "code", "unsupported"),
    [
        ("ru", {}, "ru", None),
        (None, {"CRAMPCARE_LANG": "ru"}, "ru", None),
        ("en", {"CRAMPCARE_LANG": "ru"}, "en", None),
        (None, {"LANG": "ru_RU.UTF-8"}, "ru", None),
        (None, {"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}, "en", None),
        # Klingon (tlh) stands for a language crampcare lacks: a real one (de, fr) may be added one day
        # by adding files (README), and must not break these tests then.
        (None, {"LANG": "tlh_AQ.UTF-8"}, "en", None),
        ("tlh", {}, "en", "tlh"),
        (None, {"CRAMPCARE_LANG": "tlh-AQ"}, "en", "tlh-AQ"),
    ],
)
def test_cli_language_choice(flag: str | None, environ: dict[str, str], code: str, unsupported: str | None) -> None:
    choice = choose_language(flag, environ)
    assert (choice.code, choice.unsupported) == (code, unsupported)
    assert (choice.notice() is None) == (unsupported is None)


def test_web_language_negotiation() -> None:
    assert negotiate_language(accept_language="ru-RU,ru;q=0.9,en;q=0.8") == "ru"
    assert negotiate_language(accept_language="tlh-AQ,tlh;q=0.9,ru;q=0.5") == "ru"
    assert negotiate_language(accept_language="ru;q=0,en") == "en"
    assert negotiate_language(cookie="en", accept_language="ru") == "en"
    assert negotiate_language(account="ru", accept_language="en") == "ru"
    assert negotiate_language(cookie="xx", accept_language="garbage;;q=") == "en"


def test_regions() -> None:
    assert choose_region(lang="ru", environ={}).emergency == ("112", "103")
    assert choose_region("gb", environ={}) == REGIONS["GB"]
    assert choose_region(environ={"LANG": "en_US.UTF-8"}).emergency == ("911",)
    assert choose_region(environ={"CRAMPCARE_REGION": "US", "LANG": "en_GB"}).emergency == ("911",)
    assert region_of_locale("de_DE.UTF-8") == "EU" and region_of_locale("en") is None
    from crampcare.i18n.context import activate

    activate("en")  # the refusal is said in the current language; a CLI test run before may have left Russian
    with pytest.raises(ValueError, match="unknown region"):
        choose_region("XX", environ={})


def test_catalogs_are_complete_and_compiled() -> None:
    spec = importlib.util.spec_from_file_location("i18n_catalog", ROOT / "scripts" / "i18n_catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_catalog"] = module
    spec.loader.exec_module(module)
    assert module.problems() == []
