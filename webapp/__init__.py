"""OnsPlan web application: one factory, two roles (family space and hub)."""
from __future__ import annotations

import logging
import secrets

from flask import Flask

from sync.clock import HybridClock, Stamp
from webapp.config import Config, load_config
from webapp.crypto import load_or_create_node_key
from webapp.paths import asset_dir

# A wall clock this far behind the newest stored stamp is worth a line in the log (and in
# `onsplan sync-status`): it probably ran ahead and was corrected.
CLOCK_BEHIND_WARNING_MS = 60_000


def create_app(role: str | None = None, config: Config | None = None, **overrides: object) -> Flask:
    """Build the app for one role. Without ``config``, settings come from file and environment."""
    config = config or load_config(role=role, **overrides)
    app = Flask(__name__, template_folder=str(asset_dir("templates")), static_folder=str(asset_dir("static")))
    app.config.update(
        ONSPLAN=config,
        # Tests may run without a configured secret: they get a random one per app.
        SECRET_KEY=config.secret_key or secrets.token_urlsafe(48),
        TESTING=config.testing,
        MAX_CONTENT_LENGTH=256 * 1024,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if config.proxy_hops:
        # Behind a TLS proxy: take the client address (rate limits) and https (HSTS, CSRF) from it.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = config.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from webapp import assets, auth, db, errors, i18n, security
    from webapp.records import RecordStore, get_meta, set_meta
    from webapp.render import compact_page, htmx

    keys = load_or_create_node_key(config.node_key_path, config.node_key_b64)
    app.extensions["onsplan.node_key"] = keys
    db.init_app(app, keys)
    conn = db.connect(config.database_path)
    try:
        node_id = get_meta(conn, "node_id")
        if node_id is None:
            from sync.record import new_record_id
            node_id = new_record_id()[:8]
            set_meta(conn, "node_id", node_id)
        hlc = HybridClock(f"{config.role[0]}{node_id}")
        # After a restart (or a wall clock that went back, say after running a day ahead) new stamps
        # still order after every stored one, on both roles.
        if config.role == "family":
            latest = RecordStore(conn, keys, hlc).latest_clock()
        else:
            latest = conn.execute("SELECT MAX(clock) FROM envelopes").fetchone()[0]
        if latest:
            hlc.observe(Stamp.parse(latest))
        if hlc.behind_ms() > CLOCK_BEHIND_WARNING_MS:
            logging.getLogger("onsplan.clock").warning(
                "the wall clock is %d s behind the newest stored stamp (did it run ahead?); new stamps follow "
                "the stored ones until it catches up", hlc.behind_ms() // 1000)
    finally:
        conn.conn.close()
    app.extensions["onsplan.clock"] = hlc

    security.init_app(app)
    assets.init_app(app)
    i18n.init_app(app)
    htmx.init_app(app)
    app.after_request(compact_page)
    auth.init_app(app)
    errors.init_app(app)
    _register_blueprints(app, config.role)
    _template_globals(app)
    return app


def _register_blueprints(app: Flask, role: str) -> None:
    from webapp import language
    from webapp.pwa.views import bp as pwa_bp

    app.register_blueprint(language.bp)
    app.register_blueprint(pwa_bp)
    if role == "family":
        from webapp import limits
        from webapp.auth.family_views import bp as auth_bp
        from webapp.consent.views import bp as consent_bp
        from webapp.evaluation.views import bp as evaluation_bp
        from webapp.family.views import bp as family_bp
        from webapp.home.views import family_bp as home_bp
        from webapp.outbox.views import bp as outbox_bp
        from webapp.plan.views import bp as plan_bp
        from webapp.safety import views as safety_views

        app.register_blueprint(outbox_bp)
        app.register_blueprint(family_bp)
        app.register_blueprint(plan_bp)
        app.register_blueprint(consent_bp)
        app.register_blueprint(evaluation_bp)
        limits.init_app(app)
        safety_views.init_app(app)
    else:
        from sync.hub_api import bp as sync_bp
        from webapp.auth.hub_views import bp as auth_bp
        from webapp.home.views import hub_bp as home_bp
        from webapp.workplace.views import bp as workplace_bp

        app.register_blueprint(sync_bp)
        app.register_blueprint(workplace_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)


def _template_globals(app: Flask) -> None:
    from functools import lru_cache

    from babel.dates import format_date
    from flask_babel import get_locale

    # Dates read as "3 december 2026" / "3 December 2026", in the user's language. A list of
    # children or goals formats the same days again and again, so each text is made once.
    @lru_cache(maxsize=4096)
    def day_text(day, locale: str) -> str:
        return format_date(day, "d MMMM y", locale=locale)

    app.jinja_env.filters["format_day"] = lambda day: day_text(day, str(get_locale())) if day else ""

    def plan_of(child) -> str:
        """A child's plan as the reader calls it: "Jouw plan" for the youth themself."""
        from flask_babel import gettext
        from flask_login import current_user

        if getattr(current_user, "person_id", None) == child.id:
            return gettext("Your plan")
        return gettext("Plan of %(name)s", name=child.name)

    app.jinja_env.globals["plan_of"] = plan_of
    # A fresh id for a form that changes something: sent twice (a double tap, a replay from the
    # phone's outbox), it is stored once. The phone gives kept pages new ones (outbox.js).
    from sync.record import new_record_id

    app.jinja_env.globals["client_id"] = new_record_id

    from webapp.errors import request_id

    @app.context_processor
    def inject():
        from datetime import datetime, timezone

        return {"page_made_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "app_role": app.config["ONSPLAN"].role, "current_language": str(get_locale()),
                "request_id": request_id, "demo": app.config["ONSPLAN"].demo}
