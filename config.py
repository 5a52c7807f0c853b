"""Settings for each environment, read when the app is created (never at import).

Precedence, lowest first: the environment's defaults below, a `.env` file next to this
module, the process environment, then the mapping handed to `create_app`. Every setting
is overridden by an environment variable of the same name; its value is parsed by the
type of the default (booleans accept 1/0, true/false, yes/no, on/off).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

ENVIRONMENTS = ("development", "testing", "production")
ENV_FILE = Path(__file__).resolve().parent / ".env"

# Defaults shared by every environment. A value of None means "text, no default".
COMMON: dict[str, Any] = {
    "SECRET_KEY": None,
    # A relative SQLite path resolves inside the instance folder.
    "DATABASE_URL": "sqlite:///tollgate.db",
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    # Failed sign-ins allowed per account and address before refusals start.
    "LOGIN_FAILURE_LIMIT": "5 per 15 minutes",
    "LOGIN_ADDRESS_LIMIT": "30 per minute",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_IDLE_MINUTES": 60,
    "SESSION_MAX_HOURS": 12,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "PASSWORD_HASH_METHOD": "scrypt",
    "HSTS_SECONDS": 0,
    "TRUSTED_PROXY_COUNT": 0,
    "PREFERRED_URL_SCHEME": "http",
    "LOG_LEVEL": "INFO",
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "WTF_CSRF_ENABLED": True,
    "CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; "
        # Plotly sets style attributes on the elements it draws.
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
}

PER_ENVIRONMENT: dict[str, dict[str, Any]] = {
    "development": {},
    "testing": {
        "TESTING": True,
        "DATABASE_URL": "sqlite://",
        "RATELIMIT_ENABLED": False,
        # Fast hashes keep the suite quick; production keeps scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    },
    "production": {
        "SESSION_COOKIE_SECURE": True,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "HSTS_SECONDS": 31536000,
        "PREFERRED_URL_SCHEME": "https",
    },
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting is missing or cannot be parsed."""


def _parse(name: str, raw: str, default: Any) -> Any:
    """Turn an environment string into the type of the setting's default."""
    text = raw.strip()
    if isinstance(default, bool):
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    return raw


def environment_name(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """Which environment to configure: the mapping, then TOLLGATE_ENV, then development."""
    environ = os.environ if environ is None else environ
    name = (overrides or {}).get("TOLLGATE_ENV") or environ.get("TOLLGATE_ENV") or "development"
    if name not in ENVIRONMENTS:
        raise ConfigError(f"TOLLGATE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    return str(name)


def load_settings(
    name: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = ENV_FILE,
) -> dict[str, Any]:
    """Return the Flask configuration for environment `name` (see the module docstring)."""
    environ = os.environ if environ is None else environ
    name = name or environment_name(overrides, environ)
    if name not in ENVIRONMENTS:
        raise ConfigError(f"unknown environment {name!r}")
    defaults = {**COMMON, **PER_ENVIRONMENT[name]}

    from_file: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        from_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    sources = {**from_file, **environ}
    settings = {
        key: _parse(key, sources[key], default) if key in sources else default
        for key, default in defaults.items()
    }
    for key, value in (overrides or {}).items():
        if key != "TOLLGATE_ENV":
            settings[key] = value
    settings["TOLLGATE_ENV"] = name
    return _derive(settings)


def _derive(settings: dict[str, Any]) -> dict[str, Any]:
    """Add the Flask and extension keys that follow from our settings."""
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(settings["DATABASE_URL"])
    settings["SESSION_COOKIE_HTTPONLY"] = True
    settings["SESSION_COOKIE_SAMESITE"] = "Lax"
    settings["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=settings["SESSION_IDLE_MINUTES"])
    # A form stays valid as long as the session that rendered it may live.
    settings["WTF_CSRF_TIME_LIMIT"] = settings["SESSION_MAX_HOURS"] * 3600
    settings["BOOTSTRAP_SERVE_LOCAL"] = True
    settings["BABEL_TRANSLATION_DIRECTORIES"] = "translations"
    settings["RATELIMIT_HEADERS_ENABLED"] = True
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    return settings


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3, the driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
