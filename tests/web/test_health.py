"""The health check reports the database's state without signing in."""

from __future__ import annotations


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_database_down_is_reported_as_503(tmp_path, make_app):
    unreachable = f"sqlite:///{tmp_path}/missing-dir/x.db"
    app = make_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": unreachable})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
