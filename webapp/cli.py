"""The ``onsplan`` command: serve a role, run the demo, manage families and professionals."""
from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
from pathlib import Path

import click

from webapp.config import ConfigError, load_config


def _app(role: str, config_file: str | None, **overrides):
    from webapp import create_app

    try:
        return create_app(config=load_config(role=role, config_file=Path(config_file) if config_file else None,
                                             **overrides))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """OnsPlan: the plan a family holds, shared with school and help as the family decides."""


@main.command()
@click.option("--role", type=click.Choice(["family", "hub"]), required=True)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="TOML file with settings.")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None)
def serve(role: str, config_file: str | None, host: str | None, port: int | None) -> None:
    """Run one role for real use (put it behind a TLS proxy)."""
    from waitress import serve as waitress_serve

    app = _app(role, config_file, host=host, port=port)
    config = app.config["ONSPLAN"]
    click.echo(f"OnsPlan {role} on http://{config.host}:{config.port} (public address {config.base_url})")
    if role == "family":
        from sync.runner import NewsWatcher, SyncRunner

        SyncRunner(app).start()  # families that joined a hub sync in the background
        NewsWatcher(app).start()  # and hear within seconds when the hub has something new
    waitress_serve(app, **waitress_options(config))


def waitress_options(config) -> dict:
    """How waitress serves one role. Behind a proxy (``proxy_hops``) waitress passes the
    X-Forwarded-* headers on untouched: the app reads exactly ``proxy_hops`` hops of them itself
    (werkzeug's ProxyFix), under any WSGI server. Without a proxy waitress removes them."""
    options = {"host": config.host, "port": config.port, "threads": 8, "ident": "OnsPlan"}
    if config.proxy_hops:
        options["clear_untrusted_proxy_headers"] = False
    return options


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False), default="onsplan-data/demo", show_default=True)
@click.option("--family-port", type=int, default=5000, show_default=True)
@click.option("--hub-port", type=int, default=5001, show_default=True)
@click.option("--seed-only", is_flag=True, help="Seed and print the logins, then stop.")
def demo(data_dir: str, family_port: int, hub_port: int, seed_only: bool) -> None:
    """Start the family space and the hub on loopback with demo data."""
    from waitress.server import create_server

    from webapp.demo import DEMO_HUB_NAME, seed_family, seed_hub

    root = Path(data_dir).resolve()
    secret = _demo_secret(root)
    apps = {}
    named = {"family": {"hubs": (f"http://127.0.0.1:{hub_port}",)}, "hub": {"hub_name": DEMO_HUB_NAME}}
    for role, port in (("family", family_port), ("hub", hub_port)):
        apps[role] = _app(role, None, data_dir=root / role, secret_key=secret, demo=True, port=port,
                          base_url=f"http://127.0.0.1:{port}", environ={}, **named[role])
    hub = seed_hub(apps["hub"])
    family = seed_family(apps["family"], apps["hub"])
    _print_demo(family_port, hub_port, family, hub)
    if seed_only:
        return
    servers = []
    for role, port in (("family", family_port), ("hub", hub_port)):
        try:
            servers.append(create_server(apps[role], host="127.0.0.1", port=port, threads=4, ident="OnsPlan"))
        except OSError:
            for server in servers:
                server.close()
            raise click.ClickException(f"Port {port} is in use. Choose another with --{role}-port.") from None
    threads = [threading.Thread(target=server.run, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    from sync.runner import NewsWatcher, SyncRunner

    runner, watcher = SyncRunner(apps["family"]), NewsWatcher(apps["family"])
    runner.start()
    watcher.start()
    stop = threading.Event()
    # Ctrl-C (SIGINT) and SIGTERM both stop the two roles cleanly, also when started from a script.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo("Press Ctrl-C to stop both.")
    while not stop.is_set() and all(thread.is_alive() for thread in threads):
        stop.wait(0.5)
    click.echo("Stopping OnsPlan demo…")
    runner.stop()
    watcher.stop()
    for server in servers:
        server.close()
    for thread in threads:
        thread.join(5)
    click.echo("Stopped.")


def _demo_secret(root: Path) -> str:
    """The demo's own random secret key, kept in its data folder (0600)."""
    path = root / "demo-secret-key"
    root.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _print_demo(family_port: int, hub_port: int, family, hub) -> None:
    echo = click.echo
    echo("")
    echo("OnsPlan demo — all names and data are made up.")
    echo(f"  Family space (ouders en jongeren): http://127.0.0.1:{family_port}/")
    for who, login, password in family.family:
        echo(f"    {who:36} username {login:8} password {password}")
    for who, code in family.invitations:
        echo(f"    Invitation code for {who}: {code}")
    echo(f"  Hub (professionals):                http://127.0.0.1:{hub_port}/")
    for who, login, password, secret in hub.hub:
        echo(f"    {who}")
        echo(f"      username {login}  password {password}  TOTP secret {secret}")
    echo("    Current TOTP code: onsplan totp-code <username>  (demo only)")
    echo("")


@main.command("totp-code")
@click.argument("login")
@click.option("--data-dir", type=click.Path(file_okay=False), default="onsplan-data/demo", show_default=True)
def totp_code(login: str, data_dir: str) -> None:
    """Print the current second-factor code of a demo professional (demo data only)."""
    import pyotp

    from webapp.demo import seed_hub

    root = Path(data_dir).resolve()
    if not (root / "demo-secret-key").exists():
        raise click.ClickException("This works only for a demo data folder. Run `onsplan demo` first.")
    app = _app("hub", None, data_dir=root / "hub", secret_key=_demo_secret(root), demo=True, environ={})
    secrets_by_login = {row[1]: row[3] for row in seed_hub(app).hub}
    if login not in secrets_by_login:
        raise click.ClickException(f"No demo professional with username {login}.")
    click.echo(pyotp.TOTP(secrets_by_login[login]).now())


@main.command("invite-family")
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
def invite_family(config_file: str | None) -> None:
    """Family space: make a new family and a one-time code for its first parent."""
    from webapp.db import get_db, transaction
    from webapp.family.invitations import issue_invitation
    from webapp.records import get_store

    app = _app("family", config_file)
    with app.app_context():
        db = get_db()
        with transaction(db):
            family_id = get_store().create_family()
            code, expires = issue_invitation(db, family_id=family_id, role="parent", person_id=None,
                                             created_by="operator", days=app.config["ONSPLAN"].invitation_days)
    click.echo(f"Invitation code for the first parent: {code} (valid until {expires[:10]})")


@main.command("add-organisation")
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
@click.option("--name", required=True)
@click.option("--sector", required=True,
              type=click.Choice(["school", "samenwerkingsverband", "wijkteam", "jgz", "jeugd-ggz", "smw",
                                 "leerplicht", "huisarts", "other"]))
def add_organisation(config_file: str | None, name: str, sector: str) -> None:
    """Hub: register a partner organisation."""
    from sync.record import new_record_id
    from webapp.db import get_db, utcnow

    app = _app("hub", config_file)
    with app.app_context():
        org_id = new_record_id()
        get_db()["organisations"].insert({"id": org_id, "name": name, "sector": sector, "created_at": utcnow()})
    click.echo(f"Organisation {name} has id {org_id}")


@main.command("add-professional")
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
@click.option("--organisation-id", required=True)
@click.option("--login", required=True)
@click.option("--name", required=True)
@click.option("--role-title", required=True,
              help="The role decides what the professional does in the workplace (docs/workplace.md): e.g. regisseur, "
                   "mentor, intern begeleider, zorgcoördinator, jeugdverpleegkundige, jeugdarts, jeugdhulpverlener.")
@click.option("--admin", is_flag=True, help="The organisation's admin: alerted about legal grounds and emergencies.")
@click.password_option()
def add_professional_command(config_file, organisation_id, login, name, role_title, admin, password) -> None:
    """Hub: add a professional; prints the TOTP secret once, for their authenticator app."""
    import pyotp

    from webapp.auth.professionals import add_professional
    from webapp.db import get_db
    from webapp.records import node_key

    if len(password) < 12:
        raise click.ClickException("Use a password of at least 12 characters.")
    app = _app("hub", config_file)
    with app.app_context():
        db = get_db()
        if db.execute("SELECT 1 FROM organisations WHERE id = ?", [organisation_id]).fetchone() is None:
            raise click.ClickException("No organisation with that id.")
        _pid, secret = add_professional(db, node_key(), organisation_id=organisation_id, login=login.lower(),
                                        name=name, role_title=role_title, password=password, is_admin=admin)
    uri = pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name="OnsPlan")
    click.echo(f"TOTP secret (shown once): {secret}\nAuthenticator link: {uri}")


@main.command("hub-invite")
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
@click.option("--organisation-id", required=True, help="The organisation that invites (the regisseur's).")
def hub_invite(config_file: str | None, organisation_id: str) -> None:
    """Hub: a one-time code for a new family to join this hub, signed with the hub's key."""
    from sync.hub import make_invitation
    from sync.keyring import KeyRing
    from webapp.db import get_db
    from webapp.records import node_key

    app = _app("hub", config_file)
    config = app.config["ONSPLAN"]
    with app.app_context():
        db = get_db()
        try:
            code = make_invitation(db, KeyRing(db, node_key()), organisation_id=organisation_id, created_by="operator",
                                   hub_url=config.base_url, days=config.invitation_days)
        except LookupError:
            raise click.ClickException("No organisation with that id.") from None
    click.echo("Give this code to the first parent; they fill it in at 'Aanmelden' on their family space:")
    click.echo(code)


@main.command("keys")
@click.option("--role", type=click.Choice(["family", "hub"]), required=True)
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
@click.option("--rotate", "rotate_owner", default=None,
              help="Make a new key pair for this owner: 'node', an organisation id (hub) or a family id (family "
                   "space). The old one stays to open what was wrapped for it; hubs hear of it in the next round.")
def keys_command(role: str, config_file: str | None, rotate_owner: str | None) -> None:
    """Show the fingerprints of this node's key pairs (the node, and its organisations or families)."""
    from sync.keyring import NODE, KeyRing
    from webapp.db import get_db
    from webapp.records import node_key

    app = _app(role, config_file)
    with app.app_context():
        db = get_db()
        ring = KeyRing(db, node_key())
        if rotate_owner:
            owners = {"family": "SELECT 1 FROM families WHERE id = ?", "hub": "SELECT 1 FROM organisations WHERE id = ?"}
            if rotate_owner == NODE and role == "hub":
                raise click.ClickException("The hub's own key is pinned by every family space; it cannot be "
                                           "rotated here.")
            if rotate_owner != NODE and db.execute(owners[role], [rotate_owner]).fetchone() is None:
                raise click.ClickException("No such owner: use 'node', an organisation id (hub) or a family id.")
            click.echo(f"New key for {rotate_owner}: {ring.rotate(rotate_owner).public().fingerprint}")
        ring.public(NODE)
        rows = db.execute("SELECT owner, key_id, created_at, retired_at FROM key_pairs ORDER BY owner, created_at")
        for owner, key_id, created_at, retired_at in rows.fetchall():
            state = f"retired {retired_at[:10]}" if retired_at else "current"
            fingerprint = " ".join(key_id[i:i + 4] for i in range(0, len(key_id), 4))
            click.echo(f"{owner:38} {fingerprint}  {state} (made {created_at[:10]})")


@main.command("audit-verify")
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
def audit_verify(config_file: str | None) -> None:
    """Hub: check the hash chain of professionals' reads; names the first broken link."""
    from sync.hub import verify_read_log
    from webapp.db import get_db

    app = _app("hub", config_file)
    with app.app_context():
        checked, broken = verify_read_log(get_db())
    if broken is not None:
        raise click.ClickException(f"The read log is broken at event {broken} (after {checked} good events): "
                                   "an event was changed, removed or inserted.")
    click.echo(f"The read log is whole: {checked} events checked.")


@main.command("sync-status")
@click.option("--role", type=click.Choice(["family", "hub"]), default="family", show_default=True)
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
def sync_status(role: str, config_file: str | None) -> None:
    """Family space: per family that joined a hub, when it last sent and received, and what failed.
    Hub: how many families joined, and whether its clock is behind what it holds. Shows ids, times
    and counts only."""
    from sync.status import all_families
    from webapp.db import get_db

    if role == "hub":
        _hub_sync_status(config_file)
        return
    app = _app("family", config_file)
    with app.app_context():
        families = all_families(get_db())
    if not families:
        click.echo("No family has joined a hub.")
    for family_id, status in families:
        sent = status.last_sent_at.isoformat() if status.last_sent_at else "never"
        received = status.last_received_at.isoformat() if status.last_received_at else "never"
        line = f"{family_id}  hub {status.hub_host}  sent {sent}  received {received}  refused {status.refused}"
        if status.waiting:
            line += "  changes waiting"
        if status.failures:
            line += f"  failing x{status.failures}: {status.last_error}"
        click.echo(line)


def _hub_sync_status(config_file: str | None) -> None:
    from datetime import datetime, timezone

    from webapp import CLOCK_BEHIND_WARNING_MS
    from webapp.db import get_db

    app = _app("hub", config_file)
    with app.app_context():
        families = get_db().execute("SELECT COUNT(*) FROM enrolled_families").fetchone()[0]
    hlc = app.extensions["onsplan.clock"]
    click.echo(f"hub: {families} families joined; clock {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
    behind = hlc.behind_ms()
    if behind > CLOCK_BEHIND_WARNING_MS:
        hours, rest = divmod(behind // 1000, 3600)
        click.echo(f"clock behind: the wall clock is {hours} h {rest // 60} min behind the newest stamp this hub"
                   " holds (it ran ahead and was corrected?). New records are stamped after that newest one, so"
                   " nothing sorts wrong; check the server's time.")


@main.command("sync-now")
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
def sync_now(config_file: str | None) -> None:
    """Family space: run one sync round for every family that joined a hub, now."""
    from sync.runner import sync_once
    from sync.status import all_families
    from webapp.db import get_db

    app = _app("family", config_file)
    with app.app_context():
        families = [family_id for family_id, _status in all_families(get_db())]
    for family_id in families:
        sync_once(app, family_id)
    click.echo(f"Synced {len(families)} families; see `onsplan sync-status`.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
