"""`crampcare now` without the rest of the command line.

At 3 a.m. every tenth of a second counts. `now --plain` reads the first-aid data files directly
(the packaged knowledge base is validated by the test suite) and avoids importing Rich and
pydantic; `now` with its panels and timers starts here too, after the language and region are
chosen, without building Typer's command tree (50 ms of the 250 before its first step).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from crampcare.i18n.context import _, activate
from crampcare.i18n.languages import choose_language
from crampcare.i18n.regions import choose_region

DATA = Path(__file__).resolve().parent.parent / "knowledge" / "data"

def handles(argv: list[str]) -> bool:
    """``now`` with nothing but ``--plain``, ``--lang`` and ``--region`` (anything else, ``--help`` too, goes to Typer)."""
    if not argv or argv[0] != "now":
        return False
    rest = [a for a in argv[1:] if a != "--plain"]
    while rest:
        if rest[0] in ("--lang", "--region") and len(rest) >= 2:
            rest = rest[2:]
        elif rest[0].startswith(("--lang=", "--region=")):
            rest = rest[1:]
        else:
            return False
    return True


def _flag(argv: list[str], name: str) -> str | None:
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


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


def _words(entry: Any, lang: str) -> str:
    """A vocabulary.yaml entry in ``lang`` (English when the language has none)."""
    return str(entry.get(lang) or entry["en"])


def _urgency_action(vocabulary: Any, urgency: str, lang: str) -> str:
    """The shared urgency action as an inline phrase: lower-case first letter, no full stop."""
    action = _words(vocabulary["urgency"][urgency]["action"], lang)
    return action[0].lower() + action[1:].rstrip(".")


def run(argv: list[str]) -> None:
    choice = choose_language(_flag(argv, "--lang"))
    if choice.notice():
        sys.stderr.write(f"{choice.notice()}\n")
    activate(choice.code, None)  # so that a refused --region is said in the chosen language
    try:
        region = choose_region(_flag(argv, "--region"), lang=choice.code)
    except ValueError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None
    activate(choice.code, region.code)
    if "--plain" not in argv:
        from crampcare.cli import now_command

        now_command.run(plain=False)
        return
    t = _translator(choice.code)
    out = sys.stdout
    out.write(_("CRAMP NOW: first aid, step by step") + "\n\n")
    out.flush()  # The first lines reach the screen before any file is read.
    titles = {s["id"]: s["title"] for s in _load("sources.yaml")}

    def sources(ids: list[str]) -> str:
        # English readers see the short ids; other languages the translated titles (no English words).
        if choice.code == "en":
            return ", ".join(ids)
        return "; ".join(t(f"sources.{sid}.title", titles.get(sid, sid)) for sid in ids)

    vocabulary = _load("vocabulary.yaml")
    steps = [s for s in _load("first_aid.yaml") if s.get("in_now")]
    for number, step in enumerate(steps, start=1):
        key = f"first_aid.{step['id']}"
        timer = " [" + _("{seconds} s", seconds=step["seconds"]) + "]" if step.get("seconds") else ""
        out.write(f"{number}. {t(key + '.title', step['title'])}{timer}\n")
        out.write(f"   {t(key + '.text', step['text'])}\n")
        note = "   (" + _("source: {sources}; evidence: {evidence}", sources=sources(step["sources"]),
                             evidence=_words(vocabulary["evidence"][step["evidence"]], choice.code))
        if step.get("guidance_note"):
            note += "; " + _("guidance: {note}", note=t(key + ".guidance_note", step["guidance_note"]))
        out.write(note + ")\n")
        if number == 1:
            out.flush()
    out.write("\n" + _("Get help if:") + "\n")
    for question in _load("escalation.yaml"):
        key = f"escalation.{question['id']}"
        urgency = question["yes_urgency"]
        action = _urgency_action(vocabulary, urgency, choice.code)
        if urgency == "emergency":
            action += " (" + region.emergency_numbers(", ") + ")"
        out.write(f"- {t(key + '.text', question['text'])} -> {action}. {t(key + '.yes_action', question['yes_action'])}\n")
        out.write("  (" + _("source: {sources}; evidence: {evidence}", sources=sources(question["sources"]),
                            evidence=_words(vocabulary["evidence"][question["evidence"]], choice.code)) + ")\n")
    out.write("\n" + _("More: `crampcare now` (with timers), `crampcare assess` in the morning.") + "\n")
    out.flush()
