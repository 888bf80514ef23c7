"""Manage the interface's gettext catalogs with Babel.

    python scripts/i18n_catalog.py extract        # src → src/crampcare/i18n/<domain>.pot
    python scripts/i18n_catalog.py update         # merge the templates into every <lang>/<domain>.po
    python scripts/i18n_catalog.py init LANG      # start a new language's catalogs
    python scripts/i18n_catalog.py compile        # .po → .mo (the files crampcare loads)
    python scripts/i18n_catalog.py check          # exit 1 if any message is missing, fuzzy, stale or uncompiled

There are two catalogs (domains), so the command line and the web can be translated side by side:
``messages`` (the CLI and everything below the interfaces) and ``web`` (web code and every Jinja
template); scripts/babel/<domain>.cfg says which files feed which. crampcare looks a message up in
both. The test suite runs ``check`` (tests/test_i18n.py), so a string added to the code without a
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
# scripts/babel/cli_help.py: the extractor of the CLI's --help texts (named in messages.cfg).
sys.path.insert(0, str(ROOT / "scripts" / "babel"))
LOCALE_DIR = ROOT / "src" / "crampcare" / "i18n" / "locale"
DOMAINS = ("messages", "web")


def template(domain: str) -> Path:
    return ROOT / "src" / "crampcare" / "i18n" / f"{domain}.pot"


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(domain: str, output: Path | None = None) -> None:
    _babel(
        "extract", "-F", str(ROOT / "scripts" / "babel" / f"{domain}.cfg"), "-o", str(output or template(domain)),
        "--no-location", "--sort-output",
        "--project", "crampcare", "-k", "_", "-k", "ngettext:1,2", str(ROOT / "src" / "crampcare"),
    )


def _key(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else str(list(message_id)[0])  # type: ignore[call-overload]


def _forms(string: object) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)  # type: ignore[arg-type]


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())


def problems() -> list[str]:
    """What stops the catalogs from being complete and current, one line each."""
    return [line for domain in DOMAINS for line in _domain_problems(domain)]


def _domain_problems(domain: str) -> list[str]:
    found: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / f"{domain}.pot"
        extract(domain, fresh)
        with fresh.open("rb") as handle:
            wanted = {_key(message.id) for message in read_po(handle) if message.id}
    for lang in languages():
        po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
        if not po_path.exists():
            found.append(f"{lang}: {po_path.name} missing (run init {lang})")
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        have: dict[str, object] = {}
        for message in catalog:
            if not message.id:
                continue
            key = _key(message.id)
            have[key] = message
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                found.append(f"{lang}/{domain}: fuzzy (needs review): {key!r}")
            elif not all(strings):
                found.append(f"{lang}/{domain}: untranslated: {key!r}")
        found += [f"{lang}/{domain}: missing (run update, then translate): {key!r}" for key in sorted(wanted - set(have))]
        found += [f"{lang}/{domain}: no longer in the code (run update): {key!r}" for key in sorted(set(have) - wanted)]
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
        for domain in DOMAINS:
            extract(domain)
    elif command == "update":
        for domain in DOMAINS:
            extract(domain)
            _babel("update", "-D", domain, "-i", str(template(domain)), "-d", str(LOCALE_DIR),
                   "--no-fuzzy-matching", "--ignore-obsolete")
    elif command == "init" and len(argv) == 2:
        for domain in DOMAINS:
            if (LOCALE_DIR / argv[1] / "LC_MESSAGES" / f"{domain}.po").exists():
                continue  # never overwrite a translator's work; `update` merges new messages in
            extract(domain)
            _babel("init", "-D", domain, "-i", str(template(domain)), "-d", str(LOCALE_DIR), "-l", argv[1])
    elif command == "compile":
        for domain in DOMAINS:
            _babel("compile", "-D", domain, "-d", str(LOCALE_DIR), "--statistics")
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
