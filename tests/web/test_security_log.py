"""Security events are logged one line each, whatever a user typed."""

from __future__ import annotations

import logging

from app.security_log import log_event


def test_typed_text_cannot_forge_log_lines_or_fields(app, caplog):
    with (
        caplog.at_level(logging.INFO, logger="tollgate.security"),
        app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}),
    ):
        log_event("login_failed", email='eve@x.example\nlogin user="admin" ip="1.2.3.4"')
    (record,) = caplog.records
    line = record.getMessage()
    assert "\n" not in line
    assert line.startswith('login_failed email="eve@x.example\\nlogin user=\\"admin\\"')
    assert line.endswith('ip="127.0.0.1"')


def test_failed_and_successful_sign_ins_are_logged(client, make_user, caplog):
    user = make_user()
    with caplog.at_level(logging.INFO, logger="tollgate.security"):
        client.post("/login", data={"email": user.email, "password": "wrong wrong"})
        client.post(
            "/login", data={"email": user.email, "password": "correct horse battery staple"}
        )
    events = [r.getMessage().split(" ")[0] for r in caplog.records if r.name == "tollgate.security"]
    assert events == ["login_failed", "login"]
