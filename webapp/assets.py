"""Static files served for a light first visit and instant repeat visits.

- Every link to a static file carries the file's content hash (``asset_url``: ``?v=<hash>``).
  A request with the current hash is answered ``Cache-Control: public, max-age=31536000,
  immutable``: the browser never asks again, and the service worker's precache reuses what the
  page already loaded. Without (or with an old) hash the answer must be revalidated.
- Text files are compressed once per process, Brotli at its best level and gzip as the fallback,
  and kept in memory; each request only picks the encoding the browser accepts.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from pathlib import Path

import brotli
from flask import Flask, Response, abort, request, url_for
from werkzeug.security import safe_join

COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml"}
YEAR = 365 * 24 * 3600


class StaticFiles:
    """Hashes and compressed copies of the files in one static folder, made once per file version."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, str, bytes, dict[str, bytes]]] = {}

    def entry(self, filename: str) -> tuple[str, bytes, dict[str, bytes]] | None:
        """(content hash, raw bytes, {encoding: bytes}) of a file, or None when it does not exist."""
        path = safe_join(str(self.folder), filename)
        try:
            if path is None or not Path(path).is_file():
                return None
        except OSError:  # a name the file system cannot even look up (too long): not a file of ours
            return None
        mtime = Path(path).stat().st_mtime
        with self._lock:
            held = self._cache.get(filename)
            if held and held[0] == mtime:
                return held[1], held[2], held[3]
        raw = Path(path).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()[:12]
        encoded: dict[str, bytes] = {}
        if _mimetype(filename) in COMPRESSIBLE and len(raw) >= 500:
            encoded = {"br": brotli.compress(raw, quality=11), "gzip": gzip.compress(raw, compresslevel=9, mtime=0)}
        with self._lock:
            self._cache[filename] = (mtime, digest, raw, encoded)
        return digest, raw, encoded

    def serve(self, filename: str) -> Response:
        found = self.entry(filename)
        if found is None:
            abort(404)
        digest, raw, encoded = found
        accepted = request.headers.get("Accept-Encoding", "")
        encoding = next((e for e in ("br", "gzip") if e in encoded and e in accepted), None)
        response = Response(encoded[encoding] if encoding else raw, mimetype=_mimetype(filename))
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        response.set_etag(f"{digest}-{encoding or 'identity'}")
        if request.args.get("v") == digest:
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)


def _mimetype(filename: str) -> str:
    if filename.endswith(".js"):
        return "text/javascript"
    if filename.endswith(".webmanifest"):
        return "application/manifest+json"
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def init_app(app: Flask) -> None:
    files = StaticFiles(Path(app.static_folder))
    app.extensions["onsplan.static_files"] = files
    app.view_functions["static"] = files.serve

    def asset_url(filename: str) -> str:
        found = files.entry(filename)
        return url_for("static", filename=filename, v=found[0]) if found else url_for("static", filename=filename)

    app.jinja_env.globals["asset_url"] = asset_url
    app.extensions["onsplan.asset_url"] = asset_url
