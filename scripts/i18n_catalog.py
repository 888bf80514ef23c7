"""Manage the interface's gettext catalogs with Babel.

    python scripts/i18n_catalog.py extract        # src → src/crampcare/i18n/messages.pot
    python scripts/i18n_catalog.py update         # merge the template into every <lang>/messages.po
    python scripts/i18n_catalog.py init LANG      # start a new language's catalog
    python scripts/i18n_catalog.py compile        # .po → .mo (the files crampcare loads)
    python scripts/i18n_catalog.py check          # exit 1 if any message is missing, fuzzy, stale or uncompiled

The test suite runs ``check`` (tests/test_i18n.py), so a string added to the code without a
translation, or a translation left uncompiled, fails the build.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "src" / "crampcare" / "i18n" / "locale"
TEMPLATE = ROOT / "src" / "crampcare" / "i18n" / "messages.pot"


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = TEMPLATE) -> None:
    _babel(
        "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(output), "--no-location", "--sort-output",
        "--project", "crampcare", "-k", "_", "-k", "ngettext:1,2", str(ROOT / "src" / "crampcare"),
    )


def _key(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else str(list(message_id)[0])  # type: ignore[call-overload]


def _forms(string: object) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)  # type: ignore[arg-type]


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists())


def problems() -> list[str]:
    """What stops the catalogs from being complete and current, one line each."""
    found: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "messages.pot"
        extract(fresh)
        with fresh.open("rb") as handle:
            template = read_po(handle)
    wanted = {message.id if isinstance(message.id, str) else message.id[0] for message in template if message.id}
    for lang in languages():
        po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        have: dict[str, object] = {}
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            have[key] = message
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                found.append(f"{lang}: fuzzy (needs review): {key!r}")
            elif not all(strings):
                found.append(f"{lang}: untranslated: {key!r}")
        found += [f"{lang}: missing (run update, then translate): {key!r}" for key in sorted(wanted - set(have))]
        found += [f"{lang}: no longer in the code (run update): {key!r}" for key in sorted(set(have) - wanted)]
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            found.append(f"{lang}: {mo_path.name} missing (run compile)")
            continue
        with mo_path.open("rb") as handle:
            compiled = read_mo(handle)
        # read_mo gives plural forms as lists, read_po as tuples: compare them as tuples.
        compiled_strings = {_key(m.id): _forms(m.string) for m in compiled if m.id}
        current = {_key(m.id): _forms(m.string) for m in catalog if m.id and not m.fuzzy}
        if compiled_strings != current:
            found.append(f"{lang}: {mo_path.name} is older than {po_path.name} (run compile)")
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        extract()
    elif command == "update":
        extract()
        _babel("update", "-i", str(TEMPLATE), "-d", str(LOCALE_DIR), "--no-fuzzy-matching", "--ignore-obsolete")
    elif command == "init" and len(argv) == 2:
        extract()
        _babel("init", "-i", str(TEMPLATE), "-d", str(LOCALE_DIR), "-l", argv[1])
    elif command == "compile":
        _babel("compile", "-d", str(LOCALE_DIR), "--use-fuzzy" if "--use-fuzzy" in argv else "--statistics")
    elif command == "check":
        found = problems()
        sys.stdout.write("".join(f"{line}\n" for line in found) or "catalogs complete and compiled\n")
        return 1 if found else 0
    else:
        sys.stderr.write(__doc__ or "")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
