"""Security headers, CSRF and rate limiting, set up in one place for both roles."""
from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from flask_compress import Compress
from flask_login import current_user
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
compress = Compress()
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[])

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _readable_offline(response: Response) -> bool:
    """A family member's own page, shown fine: the service worker may keep it for reading offline
    (never after signing in with "not my phone")."""
    return (request.method == "GET" and response.status_code == 200 and current_user.is_authenticated
            and not current_user.is_professional and not current_user.shared_phone
            and not request.path.startswith(("/inloggen", "/aanmelden")))


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # same-origin: our own pages send a Referer to us only (the CSRF check over https needs it),
    # never to another site.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if response.mimetype == "text/html":
        # Pages hold family data: never in a shared or disk cache of the browser.
        headers.setdefault("Cache-Control", "no-store")
        if _readable_offline(response):
            headers["X-OnsPlan-Offline"] = "1"
            # The kept copy must not outlive the session: the service worker stops showing it then.
            from webapp.auth.queries import session_expiry
            from webapp.db import get_db

            expires = session_expiry(get_db(), current_user.session_token)
            if expires:
                headers["X-OnsPlan-Expires"] = expires
    return response


# A session cookie signed up to this long "in the future" is still accepted: it was signed while the
# server's clock ran ahead, and refusing it would sign everyone out when the clock is corrected. The
# session behind it lives in the database and ends there as it always does.
COOKIE_FUTURE_SECONDS = 2 * 24 * 3600


class _ToleratesAClockThatRanAhead(TimestampSigner):
    def unsign(self, signed_value, max_age=None, return_timestamp=False):
        value, signed_at = super().unsign(signed_value, max_age=None, return_timestamp=True)
        age = time.time() - signed_at.timestamp()
        if max_age is not None and (age > max_age or age < -COOKIE_FUTURE_SECONDS):
            raise SignatureExpired(f"signature age {int(age)} s is out of bounds", payload=value,
                                   date_signed=signed_at)
        if age < -60:
            logging.getLogger("onsplan.clock").warning(
                "a session cookie was signed %d s ahead of the clock now: the clock went back", -int(age))
        return (value, signed_at) if return_timestamp else value


class ShellSafeSessions(SecureCookieSessionInterface):
    """Cookie sessions, except that a page marked ``g.stateless`` (what the service worker
    precaches) never sets, renews or clears the cookie: its answer may arrive after a sign-in.
    A cookie signed while the clock ran ahead (up to two days) still counts."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        serializer = super().get_signing_serializer(app)
        if serializer is not None:
            serializer.signer = _ToleratesAClockThatRanAhead
        return serializer

    def save_session(self, app: Flask, session, response) -> None:
        if g.get("stateless"):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Cookie flags, CSRF on every state-changing request, login rate limits, headers."""
    app.session_interface = ShellSafeSessions()
    config = app.config["ONSPLAN"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        SESSION_COOKIE_NAME=f"onsplan_{config.role}",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=config.secure_cookies,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=config.secure_cookies,
        RATELIMIT_HEADERS_ENABLED=True,
        # Only static assets are compressed: compressing pages that carry a CSRF token next to
        # text an attacker can reflect would open the BREACH side channel.
        # Static files are compressed once by webapp.assets; here only the generated manifest.
        COMPRESS_MIMETYPES=["application/manifest+json"],
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIN_SIZE=500,
    )
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    app.after_request(_set_headers)
