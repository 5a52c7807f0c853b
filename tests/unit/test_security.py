"""Redirect targets after sign-in and language switch stay on the site."""

from __future__ import annotations

import pytest

from app.security import safe_next


@pytest.mark.parametrize(
    "target",
    ["/", "/admin/users?q=li", "/portfolio/#board"],
)
def test_local_paths_are_kept(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "evil.example/path",
        "/ok\r\nSet-Cookie: x=1",
        "///evil.example",
    ],
)
def test_anything_else_falls_back(target):
    assert safe_next(target, "/home") == "/home"
