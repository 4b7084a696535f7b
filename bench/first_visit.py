"""Benchmark: the bytes of a first visit on a phone, the service worker's install included.

Budget (ARCHITECTURE.md): a first visit of the plan page <= 50 KB transferred in total
(compressed HTML, CSS, JS). Measured in a real Chromium (Debian's chromium) against the demo
family space on loopback: a fresh phone opens the sign-in page, signs in, opens Sam's plan, and
waits until the service worker has installed. Every response the browser context saw is counted,
the worker's own requests included, as transferred (encoded body + headers). Icons are fetched
for installing the app and are reported apart.

    python bench/first_visit.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import make_app  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, Server, chromium_path  # noqa: E402
from webapp.demo import DEMO_PASSWORDS, seed_family  # noqa: E402


def main() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    data = Path(tempfile.mkdtemp(prefix="onsplan-bench-first-visit-"))
    family_app = make_app("family", data / "family")
    seed_family(family_app, make_app("hub", data / "hub"))
    server = Server(family_app)
    seen: list[tuple[str, str, int, bool]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")

        def record(response) -> None:
            try:
                sizes = response.request.sizes()
            except Exception:  # a response the browser dropped
                return
            worker = getattr(response.request, "service_worker", None) is not None
            seen.append((response.request.method, response.url.replace(server.url, ""),
                         sizes["responseBodySize"] + sizes["responseHeadersSize"], worker))

        context.on("response", record)
        page = context.new_page()
        page.goto(server.url + "/inloggen")
        page.get_by_label("Gebruikersnaam").fill("fatima")
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORDS["fatima"])
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url("**/home")
        page.get_by_role("link", name="Plan van Sam").click()
        page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)")
        page.wait_for_timeout(500)
        context.close()
        browser.close()
    server.stop()
    icons = [s for s in seen if "/static/icons/" in s[1] or s[1].endswith((".png", ".ico", ".webmanifest"))]
    counted = [s for s in seen if s not in icons]
    total = sum(size for _m, _u, size, _w in counted)
    shell = sum(size for _m, url, size, _w in counted
                if url.startswith(("/static/", "/sw.js", "/offline")))
    plan_html = max(size for _m, url, size, _w in counted if url.startswith("/kind/"))
    print(f"{'method':6} {'bytes':>7}  url")
    for method, url, size, worker in counted:
        print(f"{method:6} {size:7d}  {url[:90]}{'  (service worker)' if worker else ''}")
    print(f"\nthe whole first session (sign-in page, sign-in, Start, Sam's plan, the worker's install): "
          f"{total / 1024:.1f} KiB in {len(counted)} responses")
    print(f"the plan page as a first visit (its HTML + CSS, JS, the worker and the offline page it precaches): "
          f"{(shell + plan_html) / 1024:.1f} KiB (shell {shell / 1024:.1f} KiB, plan HTML {plan_html / 1024:.1f} KiB)")
    print(f"icons and manifest, for installing the app: {sum(s[2] for s in icons) / 1024:.1f} KiB in {len(icons)}")


if __name__ == "__main__":
    main()
