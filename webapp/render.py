"""Page or fragment: the one helper that looks at htmx request headers."""
from __future__ import annotations

import re

from flask import Response, flash, make_response, redirect, render_template
from flask_htmx import HTMX

htmx = HTMX()

# Whitespace between two tags: the templates' indentation. Text a person typed never holds a raw
# "<" or ">" (it is escaped), so only whitespace between tags matches; one character of it stays,
# so every page renders as before.
_BETWEEN_TAGS = re.compile(r">[ \t\r\n]{2,}<")


def render(page: str, partial: str | None = None, status: int = 200, **context: object):
    """Render the full page, or only its partial for an htmx request; always Vary on HX-Request."""
    template = partial if (partial and htmx and not htmx.boosted) else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def after_change(redirect_to: str, partial: str, message: str | None = None, **context: object):
    """After a successful change: a 303 redirect for a plain form (with `message` shown on the next
    page), the refreshed partial for htmx (with `message` in it as ``saved_message``)."""
    if htmx and not htmx.boosted:
        response = make_response(render_template(partial, saved_message=message, **context))
        response.vary.add("HX-Request")
        return response
    if message:
        flash(message, "success")
    return redirect(redirect_to, 303)


def compact_page(response: Response) -> Response:
    """Send pages without their templates' indentation (pages are not compressed, see
    webapp.security): about a thousand bytes less for a plan page on a phone."""
    if response.mimetype == "text/html" and not response.direct_passthrough and not response.is_streamed:
        response.set_data(_BETWEEN_TAGS.sub(">\n<", response.get_data(as_text=True)))
    return response
