#!/usr/bin/env python3
"""List missing, stale and orphan knowledge-base translations; record re-checked ones.

    python scripts/i18n_status.py              # every language in knowledge/data/i18n/
    python scripts/i18n_status.py ru           # one language
    python scripts/i18n_status.py ru --update-fingerprints 'questions.calf_swollen.*' first_aid.fa_stretch.text

A text is stale when its English changed after it was translated. Re-translate or re-check
it in i18n/<lang>.yaml, then record it with --update-fingerprints (keys or shell-style
patterns). Exit status 1 while anything is missing, stale or orphaned.
"""

from __future__ import annotations

import argparse
import sys

from crampcare.knowledge.loader import load_knowledge
from crampcare.knowledge.translation_status import languages, status, update_fingerprints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("langs", nargs="*", help="language codes (default: every i18n/*.yaml)")
    parser.add_argument(
        "--update-fingerprints",
        nargs="+",
        metavar="KEY",
        help="after re-checking these translations, record the English they now match (patterns allowed)",
    )
    args = parser.parse_args(argv)
    kb = load_knowledge()
    langs = args.langs or languages()
    if args.update_fingerprints:
        if len(langs) != 1:
            parser.error("--update-fingerprints needs exactly one language")
        updated = update_fingerprints(kb, langs[0], args.update_fingerprints)
        print(f"{langs[0]}: recorded {len(updated)} fingerprint(s)")
        if not updated:
            print("  no translated key matched", " ".join(args.update_fingerprints))
            return 1
    failed = False
    for lang in langs:
        result = status(kb, lang)
        print(f"{lang}: {len(result.missing)} missing, {len(result.stale)} stale, {len(result.orphans)} orphan")
        for label, keys in (("missing", result.missing), ("stale", result.stale), ("orphan", result.orphans)):
            for key in keys:
                print(f"  {label:7} {key}")
        failed = failed or not result.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
