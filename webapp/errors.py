"""Error pages in the user's language; never an exception text or local variables."""
from __future__ import annotations

import logging
import uuid

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.render import render

log = logging.getLogger("onsplan")


def request_id() -> str:
    """A short id to quote when asking for help; logs carry it, never plan content."""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex[:12]
    return g.request_id


def _messages():
    return {
        400: (_("Something in the request was not right"), _("Go back and try again.")),
        403: (_("You may not see this page"), _("This page is not meant for your account.")),
        404: (_("Page not found"), _("This page does not exist (any more). Check the address or go to the start page.")),
        405: (_("This does not work here"), _("Go back and try again.")),
        413: (_("That is too much at once"), _("Send less and try again.")),
        422: (_("Something in the request was not right"), _("Go back and try again.")),
        429: (_("Too many attempts"), _("Wait a minute and try again.")),
        500: (_("Something went wrong on our side"), _("Your data is safe. Try again in a moment.")),
    }


def error_page(status: int, title: str | None = None, text: str | None = None):
    default_title, default_text = _messages().get(status, _messages()[500])
    return render("errors/error.html", status=status, error_status=status, error_title=title or default_title,
                  error_text=text or default_text, request_id=request_id())


def _http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return {"error": exc.name, "reason": exc.description}, exc.code
    # A reason given with abort() (already in the user's language) says more than the default text.
    given = exc.description if exc.description != type(exc).description else None
    return error_page(exc.code or 500, text=given)


def _csrf_error(_exc: CSRFError):
    return error_page(400, _("This form has expired"),
                 _("For your safety a form works for one session only. Go back, reload the page and send it again."))


def _record_id_taken(_exc: Exception):
    return error_page(422, _("This form is damaged"), _("Reload the page and try again."))


def _tampered_record(_exc: Exception):
    # A record that does not open under its own header was changed on disk: show nothing of it.
    log.error("a stored record failed its integrity check on %s (request %s)",
              request.url_rule.rule if request.url_rule else "?", request_id())
    return error_page(500, _("We cannot show this safely"),
                 _("Part of the information was changed outside OnsPlan, so we do not show it. "
                   "Nothing was changed by you. Contact the people who run OnsPlan and quote the code below."))


def _server_error(exc: Exception):
    # Only the type and request id are logged: the exception text may hold family data.
    log.error("unhandled %s on %s %s (request %s)", type(exc).__name__, request.method,
              request.url_rule.rule if request.url_rule else "?", request_id())
    return error_page(500)


def init_app(app: Flask) -> None:
    from webapp.records import RecordIdTaken, TamperedRecord

    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RecordIdTaken, _record_id_taken)
    app.register_error_handler(TamperedRecord, _tampered_record)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
