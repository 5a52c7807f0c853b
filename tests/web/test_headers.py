"""Security headers and cookie flags on every kind of response."""

from __future__ import annotations

import stat

import pytest
from flask import Flask

from app import configure_secret_key, create_app


def test_pages_carry_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_signed_in_pages_are_not_stored_by_caches(admin_client):
    assert admin_client.get("/admin/users").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(admin_client, client):
    for page in (client.get("/login"), admin_client.get("/"), admin_client.get("/admin/users")):
        html = page.get_data(as_text=True)
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), chunk[:80]
        assert " on" + "click=" not in html


def test_static_assets_are_cacheable_and_served_locally(client):
    with client.get("/bootstrap/static/css/bootstrap.min.css") as css:
        assert css.status_code == 200
        assert css.headers.get("Cache-Control") != "no-store"
    with client.get("/vendor/plotly.min.js") as plotly:
        assert plotly.status_code == 200
        assert plotly.mimetype == "text/javascript"
        assert b"plotly.js" in plotly.data[:200]


def test_no_hsts_in_development_but_in_production(client, monkeypatch, database_url, make_app):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    production = make_app({"TOLLGATE_ENV": "production", "DATABASE_URL": database_url})
    response = production.test_client().get("/login", base_url="https://tollgate.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_rate_limits_kept_in_one_process(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    with pytest.raises(ValueError, match="RATELIMIT_STORAGE_URI"):
        create_app({"TOLLGATE_ENV": "production", "RATELIMIT_STORAGE_URI": "memory://"})


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="SECRET_KEY"):
        create_app({"TOLLGATE_ENV": "production", "DATABASE_URL": "sqlite://"})


def test_development_secret_key_is_made_once_and_kept_private(tmp_path):
    app = Flask("probe", instance_path=str(tmp_path / "instance"))
    app.config.update(SECRET_KEY=None, TOLLGATE_ENV="development")
    configure_secret_key(app)
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(app.config["SECRET_KEY"]) == 64
    again = Flask("probe", instance_path=str(tmp_path / "instance"))
    again.config.update(SECRET_KEY=None, TOLLGATE_ENV="development")
    configure_secret_key(again)
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]


class TestUploadLimit:
    @pytest.fixture
    def app_config(self):
        return {"MAX_CONTENT_LENGTH": 1000}

    def test_oversized_request_gets_413(self, client):
        response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
        assert response.status_code == 413
        assert "larger than Tollgate accepts" in response.get_data(as_text=True)
