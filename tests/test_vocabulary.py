"""The shared words are defined once (knowledge/data/vocabulary.yaml) and complete."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from crampcare.knowledge.schema import Evidence, Urgency
from crampcare.knowledge.vocabulary import LANGUAGES, vocabulary

SRC = Path(__file__).resolve().parents[1] / "src" / "crampcare"


def test_every_urgency_and_evidence_grade_has_its_words_in_every_language() -> None:
    words = vocabulary()
    assert set(words.urgency) == set(get_args(Urgency))
    assert set(words.evidence) == set(get_args(Evidence))
    for level in get_args(Urgency):
        for lang in LANGUAGES:
            assert words.action(level, lang).endswith(".")
    assert words.action("urgent", "xx") == "See a doctor today."  # unknown language: English


def test_no_module_keeps_its_own_copy_of_the_shared_words() -> None:
    words = vocabulary()
    phrases = [text for w in words.urgency.values() for text in [*w.headline.values(), *w.report_label.values()]]
    phrases += [text for w in words.urgency.values() for text in w.action.values()]
    phrases += [text for grade in words.evidence.values() for text in grade.values()]
    copies = [f"{path.relative_to(SRC)}: {phrase!r}" for path in SRC.rglob("*.py")
              for phrase in phrases if phrase in path.read_text(encoding="utf-8")]
    # The insights' own summary sentences still spell the verdicts (insights/ is being reworked
    # separately); every interface takes them from the vocabulary.
    interfaces = [*SRC.joinpath("cli").rglob("*.py"), *SRC.joinpath("web").rglob("*.py"), *SRC.joinpath("report").rglob("*.py")]
    copies += [f"{path.relative_to(SRC)}: {phrase!r}" for path in interfaces
               for verdict in words.verdicts.values() for phrase in verdict.values()
               if phrase in path.read_text(encoding="utf-8")]
    # What eased a cramp, and which leg: the diary's lines, the insights, the report and the FHIR export
    # all say it in the vocabulary's words (a second list had "walking" where the others said
    # "Walking about", and the FHIR export kept its own "left leg").
    relief = [word for words in words.relief.values() for name in words.values() for word in (name, name[:1].lower() + name[1:])
              if " " in word or len(word) > 8]  # a phrase or a long word: "Walking about", "обезболивающее"
    legs = [name for words in words.legs.values() for name in words.name.values()]  # "left leg", "обе ноги"
    copies += [f"{path.relative_to(SRC)}: {phrase!r}" for path in SRC.rglob("*.py") for phrase in [*relief, *legs]
               if f'"{phrase}"' in path.read_text(encoding="utf-8")]
    assert not copies, copies
