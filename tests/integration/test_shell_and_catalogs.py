"""The installable shell and the translation catalogs stay correct as the code changes."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_makes_the_app_installable(client):
    manifest = client.get("/manifest.webmanifest").get_json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/" and manifest["id"] == "/home"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_service_worker_precaches_the_shell_and_changes_version_with_it(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    assert "__SHELL" not in worker
    assert '"/static/js/htmx-2.0.11.min.js?v=' in worker and "/offline" in worker
    for line in worker.splitlines():
        if line.startswith("const SHELL = "):
            for url in line.split("[")[1].split("]")[0].split(","):
                url = url.strip().strip('"')
                if url.startswith("/static/"):
                    response = client.get(url)
                    assert response.status_code == 200, url
                    # Each shell URL names its content: the browser keeps it for good.
                    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


def test_static_files_carry_their_content_hash_and_are_compressed_once(client):
    page = client.get("/inloggen").get_data(as_text=True)
    import re
    url = re.search(r'src="(/static/js/app\.js\?v=[0-9a-f]{12})"', page).group(1)
    first = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert first.headers["Content-Encoding"] == "br" and "Accept-Encoding" in first.headers["Vary"]
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    plain = client.get(url, headers={"Accept-Encoding": ""})
    assert "Content-Encoding" not in plain.headers and b"serviceWorker" in plain.get_data()
    stale = client.get("/static/js/app.js?v=000000000000")
    assert stale.headers["Cache-Control"] == "no-cache"  # not the current version: ask again
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    app = client.application
    assert app.extensions["onsplan.static_files"].entry("js/app.js")[2]["br"] is \
        app.extensions["onsplan.static_files"].entry("js/app.js")[2]["br"]  # made once, then kept


def test_vendored_htmx_matches_its_published_checksum():
    data = (ROOT / "static/js/htmx-2.0.11.min.js").read_bytes()
    recorded = (ROOT / "static/VENDORED.txt").read_text()
    assert hashlib.sha256(data).hexdigest() in recorded


def test_message_catalog_is_current_and_dutch_is_complete(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "i18n/babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--no-location", "--sort-output", "--omit-header",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        in_code = {m.id for m in read_po(handle) if m.id}
    for lang in ("nl", "en"):
        with (ROOT / "i18n" / f"{lang}.po").open("rb") as handle:
            catalog = {m.id: m.string for m in read_po(handle) if m.id}
        missing = sorted(msgid for msgid in in_code if not catalog.get(msgid))
        assert not missing, f"{lang}.po lacks translations (run `make i18n`): {missing[:5]}"


def test_wheel_carries_templates_static_files_and_catalogs(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("onsplan-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("onsplan_assets/templates/base.html", "onsplan_assets/static/js/sw.js",
                     "onsplan_assets/static/icons/icon-512.png", "onsplan_assets/i18n/nl.po",
                     "webapp/cli.py", "sync/clock.py"):
        assert expected in names, expected
    # The app runs from the unpacked wheel alone, away from this checkout.
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    script = (
        "from webapp import create_app\n"
        "app = create_app(role='family', data_dir=r'%s', testing=True, environ={})\n"
        "client = app.test_client()\n"
        "page = client.get('/inloggen').get_data(as_text=True)\n"
        "assert 'Log in om het plan van je gezin te zien.' in page, page[:300]\n"
        "assert client.get('/static/js/sw.js').status_code == 200\n"
        "import webapp; print(webapp.__file__)\n" % (tmp_path / "data")
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().startswith(str(unpacked))


def test_only_a_signed_in_family_members_own_pages_may_be_kept_offline(client, parent):
    assert "X-OnsPlan-Offline" not in client.get("/inloggen").headers
    assert parent.get("/home").headers["X-OnsPlan-Offline"] == "1"
    assert "X-OnsPlan-Offline" not in parent.get("/static/css/onsplan.css").headers
    assert "X-OnsPlan-Offline" not in parent.get("/bestaat-niet").headers


def test_what_the_service_worker_precaches_sets_no_cookie(client):
    from webapp.pwa.views import SHELL_FILES

    for url in ("/offline", *(f"/static/{name}" for name in SHELL_FILES)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert b'name="csrf_token"' not in response.get_data(), url


def test_the_first_form_after_signing_in_works_when_the_offline_page_answers_late(family_app):
    """The worker asks for /offline without a cookie while the person signs in; its answer
    arrives after the first page. Whatever it carries lands in the phone's cookie jar."""
    from http.cookies import SimpleCookie

    from tests.conftest import Actions, csrf_token

    phone = family_app.test_client()
    assert Actions(phone).login("fatima").status_code == 303
    home = phone.get("/home").get_data(as_text=True)
    late = family_app.test_client().get("/offline")
    for header in late.headers.getlist("Set-Cookie"):
        for name, morsel in SimpleCookie(header).items():
            phone.set_cookie(name, morsel.value)
    response = phone.post("/taal", data={"csrf_token": csrf_token(home), "language": "en", "next": "/home"})
    assert response.status_code == 303
    assert phone.get("/home").status_code == 200
