"""Dutch by default, English on request; catalogs compiled from i18n/*.po at start."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel

from webapp.paths import asset_dir

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_COOKIE = "onsplan_lang"

babel = Babel()


def compile_catalogs(source: Path, target: Path) -> Path:
    """Compile every i18n/<lang>.po into target/<lang>/LC_MESSAGES/messages.mo, so a catalog is never stale."""
    for lang in LANGUAGES:
        po_file = source / f"{lang}.po"
        if not po_file.exists():
            continue
        out = target / lang / "LC_MESSAGES" / "messages.mo"
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists() and out.stat().st_mtime >= po_file.stat().st_mtime:
            continue
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        tmp = out.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, catalog)
        tmp.replace(out)
    return target


def select_language() -> str:
    """The remembered choice from the language switch, else Dutch."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    config = app.config["ONSPLAN"]
    compiled = compile_catalogs(asset_dir("i18n"), config.data_dir / "cache" / "i18n")
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=select_language)
