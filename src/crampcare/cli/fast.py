"""`crampcare now --plain` without the rest of the program.

At 3 a.m. every tenth of a second counts, so this path reads the two first-aid data
files directly (the packaged knowledge base is validated by the test suite) and avoids
importing Typer, Rich and pydantic.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "knowledge" / "data"

def handles(argv: list[str]) -> bool:
    if not argv or argv[0] != "now" or "--plain" not in argv:
        return False
    rest = [a for a in argv[1:] if a != "--plain"]
    return rest in ([], ["--lang", "en"], ["--lang", "ru"]) or (len(rest) == 1 and rest[0].startswith("--lang="))


def _lang(argv: list[str]) -> str:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return "en"


def _load(name: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def _translator(lang: str) -> Any:
    translations: dict[str, str] = {}
    if lang != "en":
        path = DATA / "i18n" / f"{lang}.yaml"
        if path.exists():
            translations = _load(f"i18n/{lang}.yaml") or {}

    def text(key: str, default: str) -> str:
        return translations.get(key) or default

    return text


def _urgency_action(vocabulary: Any, urgency: str) -> str:
    """The shared urgency action (vocabulary.yaml) as an inline phrase: lower-case first letter, no full stop."""
    action = str(vocabulary["urgency"][urgency]["action"]["en"])
    return action[0].lower() + action[1:].rstrip(".")


def run(argv: list[str]) -> None:
    lang = _lang(argv)
    t = _translator(lang)
    out = sys.stdout
    out.write("CRAMP NOW: first aid, step by step\n\n")
    out.flush()  # The first lines reach the screen before any file is read.
    steps = [s for s in _load("first_aid.yaml") if s.get("in_now")]
    for number, step in enumerate(steps, start=1):
        key = f"first_aid.{step['id']}"
        timer = f" [{step['seconds']} s]" if step.get("seconds") else ""
        out.write(f"{number}. {t(key + '.title', step['title'])}{timer}\n")
        out.write(f"   {t(key + '.text', step['text'])}\n")
        note = f"   (source: {', '.join(step['sources'])}; evidence: {step['evidence'].replace('_', ' ')}"
        if step.get("guidance_note"):
            note += f"; guidance: {t(key + '.guidance_note', step['guidance_note'])}"
        out.write(note + ")\n")
        if number == 1:
            out.flush()
    vocabulary = _load("vocabulary.yaml")
    out.write("\nGet help if:\n")
    for question in _load("escalation.yaml"):
        key = f"escalation.{question['id']}"
        action = _urgency_action(vocabulary, question["yes_urgency"])
        out.write(f"- {t(key + '.text', question['text'])} -> {action}. {t(key + '.yes_action', question['yes_action'])}\n")
    out.write("\nMore: `crampcare now` (with timers), `crampcare assess` in the morning.\n")
    out.flush()
