"""Refresh the catalogs after changing user-facing strings: ``make i18n``.

1. extracts every gettext string from webapp/, sync/ and templates/ into i18n/messages.pot;
2. updates i18n/nl.po, keeping existing Dutch translations (new ones are left empty);
3. rewrites i18n/en.po: English is the source language, so each msgstr is its msgid;
4. lists Dutch strings that still need a translation (a test fails while any remain).

``--add FILE.json`` merges Dutch translations ({"English msgid": "Nederlandse tekst"}) into
i18n/nl.po in the same run; a plural has its singular and its plural msgid as two entries.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.pofile import read_po, write_po

I18N = Path(__file__).resolve().parent
ROOT = I18N.parent


def extract() -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(I18N / "babel.cfg"),
         "-k", "_l", "-k", "lazy_gettext", "--no-location", "--sort-output", "--omit-header",
         "-o", str(I18N / "messages.pot"), "."],
        cwd=ROOT, check=True, capture_output=True,
    )


def _key(message):
    """A message's key: its id, or "context\u0004id" for a message with a context (pgettext),
    as gettext itself joins them; the JSON of --add uses the same keys."""
    return f"{message.context}\x04{message.id}" if message.context and isinstance(message.id, str) else message.id


def update(lang: str, additions: dict[str, str] | None = None) -> list[str]:
    path = I18N / f"{lang}.po"
    existing: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as handle:
            existing = {_key(m): m.string for m in read_po(handle) if m.id}
    with (I18N / "messages.pot").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    # Fixed header values keep the files free of churn; git holds the real history.
    catalog.project, catalog.version = "OnsPlan", "1"
    catalog.creation_date = catalog.revision_date = datetime(2026, 1, 1, tzinfo=timezone.utc)
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = ""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if lang == "en":
            message.string = message.id
        elif isinstance(message.id, tuple):  # a plural: the JSON holds the singular and the plural apart
            added = tuple((additions or {}).get(form) for form in message.id)
            message.string = added if all(added) else existing.get(_key(message), ("", ""))
        else:
            message.string = (additions or {}).get(_key(message)) or existing.get(_key(message), "")
        if not all(message.string) if isinstance(message.string, tuple) else not message.string:
            missing.append(message.id)
    with path.open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, width=100)
    return missing


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--add", type=Path, help="JSON file with Dutch translations to merge")
    args = parser.parse_args()
    additions = json.loads(args.add.read_text()) if args.add else None
    extract()
    update("en")
    todo = update("nl", additions)
    for msgid in todo:
        print(f"nl: needs a translation: {msgid!r}")
    sys.exit(1 if todo else 0)
