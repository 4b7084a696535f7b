"""Strict configuration for both roles.

Values come from a TOML file (``ONSPLAN_CONFIG`` or ``--config``), then from
``ONSPLAN_*`` environment variables, then from explicit overrides (tests, demo).
Anything unknown or weak stops the start with a message that says what to fix.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Callable

ROLES = ("family", "hub")
MIN_SECRET_LENGTH = 32
WEAK_SECRETS = {"dev", "development", "secret", "changeme", "change-me", "test", "password"}


class ConfigError(ValueError):
    """The configuration cannot be used; the message tells the operator what to change."""


@dataclass(frozen=True)
class Config:
    """Settings of one OnsPlan instance (one role, one data folder)."""

    role: str
    data_dir: Path
    secret_key: str
    base_url: str = "http://127.0.0.1:5000"
    host: str = "127.0.0.1"
    port: int = 5000
    demo: bool = False
    testing: bool = False
    login_rate_limit: str = "10 per minute"
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    proxy_hops: int = 0
    invitation_days: int = 7
    # Where "Snel weg" (leave quickly) takes a family member: a neutral site, chosen per deployment.
    leave_url: str = "https://www.buienradar.nl/"
    session_hours: int = 12
    # Auto-lock: seconds without activity before a family member's session ends, for anyone who did
    # not choose their own lock time (tests shorten it).
    auto_lock_seconds: int = 600
    # After "Snel weg", for this many minutes family pages opened without a session (going back)
    # lead to the neutral site again.
    leave_marker_minutes: int = 60
    # argon2id cost; tests lower it so the suite stays fast, never below the library minimum.
    password_time_cost: int = 3
    password_memory_kib: int = 65536
    node_key_b64: str | None = field(default=None, repr=False)
    # Hub: the name families read for this hub ("Wijkteam Oost en partners"); empty: its host name.
    hub_name: str = ""
    # Family space: the hubs (https addresses) whose short invitation codes it accepts, besides the
    # hubs its families joined already.
    hubs: tuple[str, ...] = ()
    today: Callable[[], date] = field(default=date.today, repr=False, compare=False)

    @property
    def secure_cookies(self) -> bool:
        """Cookies get the Secure flag whenever the instance is reached over HTTPS."""
        return self.base_url.startswith("https://")

    @property
    def database_path(self) -> Path:
        return self.data_dir / f"onsplan-{self.role}.sqlite3"

    @property
    def node_key_path(self) -> Path:
        return self.data_dir / "keys" / f"{self.role}-node.key"


# Documented settings: name in the TOML file / ONSPLAN_<NAME> environment variable -> parser.
SETTINGS: dict[str, Callable[[str], object]] = {
    "role": str,
    "data_dir": Path,
    "secret_key": str,
    "base_url": str,
    "host": str,
    "port": int,
    "login_rate_limit": str,
    "proxy_hops": int,
    "invitation_days": int,
    "leave_url": str,
    "session_hours": int,
    "auto_lock_seconds": int,
    "leave_marker_minutes": int,
    "node_key_b64": str,
    "hub_name": str,
    "hubs": lambda value: _address_list(value),
}


def _address_list(value: object) -> tuple[str, ...]:
    """Hub addresses, comma or space separated (or a TOML list); each must be http(s)."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)  # type: ignore[arg-type]
    addresses = tuple(str(item).rstrip("/") for item in items)
    if any(not address.startswith(("https://", "http://")) for address in addresses):
        raise ValueError("not a web address")
    return addresses


def _read_file(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}") from None
    section = raw.get("onsplan", raw)
    unknown = set(section) - set(SETTINGS)
    if unknown:
        raise ConfigError(f"Unknown setting(s) in {path}: {', '.join(sorted(unknown))}.")
    return dict(section)


def _read_env(environ: dict[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in SETTINGS:
        key = f"ONSPLAN_{name.upper()}"
        if key in environ and environ[key] != "":
            values[name] = environ[key]
    return values


def _parse(values: dict[str, object]) -> dict[str, object]:
    parsed: dict[str, object] = {}
    for name, value in values.items():
        parser = SETTINGS.get(name)
        if parser is None:
            parsed[name] = value
            continue
        try:
            parsed[name] = (value if isinstance(parser, type) and isinstance(value, parser)
                            else parser(value))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(f"Setting {name} has an invalid value.") from None
    return parsed


def check_secret(secret: str) -> None:
    """Refuse a missing or guessable secret key; raises ConfigError saying why."""
    if not secret:
        raise ConfigError(
            "No secret key is set. Set ONSPLAN_SECRET_KEY (or secret_key in the config file) "
            f"to a random value of at least {MIN_SECRET_LENGTH} characters, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    if len(secret) < MIN_SECRET_LENGTH or secret.lower() in WEAK_SECRETS or len(set(secret)) < 10:
        raise ConfigError(
            f"The secret key is too weak. Use a random value of at least {MIN_SECRET_LENGTH} characters "
            "with many different characters."
        )


def load_config(
    role: str | None = None,
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
    **overrides: object,
) -> Config:
    """Build a Config from file, environment and overrides; raises ConfigError on anything unusable."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    file_name = config_file or (Path(environ["ONSPLAN_CONFIG"]) if environ.get("ONSPLAN_CONFIG") else None)
    if file_name:
        values.update(_read_file(Path(file_name)))
    values.update(_read_env(environ))
    if role:
        values["role"] = role
    values = _parse(values)
    values.update(_parse({k: v for k, v in overrides.items() if v is not None}))

    known = {f.name for f in fields(Config)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
    if values.get("role") not in ROLES:
        raise ConfigError("Role must be 'family' or 'hub' (use --role family or --role hub).")
    if "data_dir" not in values:
        raise ConfigError("No data folder is set. Set ONSPLAN_DATA_DIR (or data_dir in the config file).")
    if not values.get("testing"):
        check_secret(str(values.get("secret_key") or ""))
    values.setdefault("secret_key", "")
    port = int(values.get("port", 5000))  # type: ignore[arg-type]
    if not 0 <= port <= 65535:
        raise ConfigError("Port must be between 0 and 65535.")
    if int(values.get("auto_lock_seconds", 600)) < 1:  # type: ignore[arg-type]
        raise ConfigError("auto_lock_seconds must be at least 1.")
    if int(values.get("leave_marker_minutes", 60)) < 0:  # type: ignore[arg-type]
        raise ConfigError("leave_marker_minutes cannot be negative.")
    return Config(**values)  # type: ignore[arg-type]


__all__ = ["Config", "ConfigError", "load_config", "check_secret", "SETTINGS", "replace"]
