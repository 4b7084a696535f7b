"""Manifest, service worker (served from the root so it controls every page) and offline page."""
from __future__ import annotations

import hashlib
from functools import lru_cache

from flask import Blueprint, Response, current_app, g, send_from_directory
from flask_babel import get_locale, gettext as _

from webapp.paths import asset_dir
from webapp.render import render

bp = Blueprint("pwa", __name__)

# The app shell every page needs; the service worker precaches exactly this list.
SHELL_FILES = (
    "css/onsplan.css",
    "css/print.css",
    "js/htmx-2.0.11.min.js",
    "js/app.js",
    "js/outbox.js",
    "js/safety.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
)
# The neutral icons of discreet mode (webapp.safety) are not precached: only a phone in discreet
# mode fetches them, and no page needs them to work offline.


@lru_cache(maxsize=1)
def shell_version() -> str:
    """Changes whenever a shell file or the worker changes, so a new worker takes over cleanly."""
    digest = hashlib.sha256()
    static = asset_dir("static")
    for name in (*SHELL_FILES, "js/sw.js"):
        digest.update((static / name).read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest, in the user's language. For a family member in discreet mode (or on a
    phone where someone chose it) the name, icon and colours are neutral; so the manifest depends on
    the session and is never kept by a cache."""
    g.stateless = True  # never sets or renews a cookie (the worker's shell must stay cached)
    family = current_app.config["ONSPLAN"].role == "family"
    discreet = family and _discreet_now()
    icon = "neutral" if discreet else "icon"
    data = {
        "name": _("Notes") if discreet else "OnsPlan",
        "short_name": _("Notes") if discreet else "OnsPlan",
        "description": "" if discreet else _("The plan for your child, with school and help, in your own hands."),
        "lang": str(get_locale()),
        # "/" is also the way back in after "Snel weg" (webapp.safety.views).
        "start_url": "/" if family else "/werkplek",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#5c5c5c" if discreet else "#154273",
        "icons": [
            {"src": f"/static/icons/{icon}-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": f"/static/icons/{icon}-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": f"/static/icons/{'neutral' if discreet else 'icon'}-maskable-512.png", "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
    }
    if family:
        # The app's identity stays what it was when start_url was /home: installed apps keep working.
        data["id"] = "/home"
    response = current_app.json.response(data)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


def _discreet_now() -> bool:
    from webapp.safety.views import discreet_now

    return discreet_now()


@bp.get("/sw.js")
def service_worker():
    """The service worker with the shell list and version filled in; never cached by HTTP."""
    source = (asset_dir("static") / "js" / "sw.js").read_text()
    asset_url = current_app.extensions["onsplan.asset_url"]
    shell = ",".join(f'"{asset_url(name)}"' for name in SHELL_FILES)
    body = source.replace("__SHELL_VERSION__", shell_version()).replace('"__SHELL_FILES__"', shell)
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker when a page cannot be reached.

    The worker precaches this page while someone may be signing in, so it is the same for
    everyone: no form, no token, no session and no cookie (a late answer must never replace
    the session the sign-in just started)."""
    g.stateless = True
    response = render("pwa/offline.html", shell_page=True)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(asset_dir("static") / "icons", "icon-192.png", mimetype="image/png")
