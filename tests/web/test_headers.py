"""Security headers and cookie flags on every kind of response."""

from __future__ import annotations

import pytest

from app import create_app


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


def test_no_hsts_in_development_but_in_production(client, monkeypatch, database_url):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    production = create_app(
        {
            "TOLLGATE_ENV": "production",
            "DATABASE_URL": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    response = production.test_client().get("/login", base_url="https://tollgate.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="SECRET_KEY"):
        create_app({"TOLLGATE_ENV": "production", "DATABASE_URL": "sqlite://"})
