"""Settings come from defaults, a .env file, the environment and explicit overrides."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from config import COMMON, PER_ENVIRONMENT, ConfigError, load_settings, normalise_database_url

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_per_environment():
    dev = load_settings("development", environ={}, env_file=None)
    prod = load_settings("production", environ={}, env_file=None)
    assert dev["SESSION_COOKIE_SECURE"] is False
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert dev["SQLALCHEMY_DATABASE_URI"] == "sqlite:///tollgate.db"
    assert dev["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=60)


def test_environment_overrides_by_type():
    settings = load_settings(
        "development",
        environ={
            "SESSION_COOKIE_SECURE": "yes",
            "SESSION_IDLE_MINUTES": "15",
            "LOG_LEVEL": "DEBUG",
        },
        env_file=None,
    )
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=15)
    assert settings["LOG_LEVEL"] == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("SESSION_COOKIE_SECURE", "maybe", "true or false"), ("HSTS_SECONDS", "1y", "whole number")],
)
def test_unparseable_values_name_the_setting(name, value, message):
    with pytest.raises(ConfigError, match=f"{name} must be a {message}|{name} must be {message}"):
        load_settings("development", environ={name: value}, env_file=None)


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=ERROR\nHSTS_SECONDS=60\n")
    settings = load_settings("development", environ={"HSTS_SECONDS": "120"}, env_file=env_file)
    assert settings["LOG_LEVEL"] == "ERROR"
    assert settings["HSTS_SECONDS"] == 120


def test_mapping_overrides_win_over_everything():
    settings = load_settings(
        overrides={"TOLLGATE_ENV": "testing", "LOG_LEVEL": "CRITICAL"},
        environ={"LOG_LEVEL": "DEBUG"},
        env_file=None,
    )
    assert settings["TOLLGATE_ENV"] == "testing"
    assert settings["LOG_LEVEL"] == "CRITICAL"


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="TOLLGATE_ENV"):
        load_settings(environ={"TOLLGATE_ENV": "staging"}, env_file=None)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    settings = set(COMMON) | {key for env in PER_ENVIRONMENT.values() for key in env}
    assert settings - {"TESTING"} <= documented
    assert "TOLLGATE_ENV" in documented
