"""Refresh the catalogs after changing user-facing strings: ``make i18n``.

1. extracts every gettext string from webapp/, sync/ and templates/ into i18n/messages.pot;
2. updates i18n/nl.po, keeping existing Dutch translations (new ones are left empty);
3. rewrites i18n/en.po: English is the source language, so each msgstr is its msgid;
4. lists Dutch strings that still need a translation (a test fails while any remain).
"""
from __future__ import annotations

import subprocess
import sys
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


def update(lang: str) -> list[str]:
    path = I18N / f"{lang}.po"
    existing: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as handle:
            existing = {m.id: m.string for m in read_po(handle) if m.id}
    with (I18N / "messages.pot").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        message.string = message.id if lang == "en" else existing.get(message.id, "")
        if not message.string:
            missing.append(message.id)
    with path.open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, width=100)
    return missing


if __name__ == "__main__":
    extract()
    update("en")
    todo = update("nl")
    for msgid in todo:
        print(f"nl: needs a translation: {msgid!r}")
    sys.exit(1 if todo else 0)
