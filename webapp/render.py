"""Page or fragment: the one helper that looks at htmx request headers."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template
from flask_htmx import HTMX

htmx = HTMX()


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
