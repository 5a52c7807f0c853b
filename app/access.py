"""Who may open which route: one declaration per view, enforced before every request.

Every view says `@public` or `@roles(...)`. A view that says neither is refused to
everyone (fail closed), and the url_map test names it. Navigation asks `can_access`, so
menus always agree with the enforcement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from accounts.roles import ALL_ROLES, Role
from app.extensions import login_manager
from app.security_log import log_event

F = TypeVar("F", bound=Callable[..., object])

_PUBLIC = "_tollgate_public"
_ROLES = "_tollgate_roles"

# Endpoints registered by Flask and extensions rather than by our views.
EXTERNAL_PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def public(view: F) -> F:
    """Open to anonymous visitors."""
    setattr(view, _PUBLIC, True)
    return view


def roles(*allowed: Role) -> Callable[[F], F]:
    """Open to signed-in users holding one of `allowed`."""

    def mark(view: F) -> F:
        setattr(view, _ROLES, frozenset(allowed))
        return view

    return mark


def signed_in(view: F) -> F:
    """Open to every signed-in user, whatever the role."""
    return roles(*ALL_ROLES)(view)


def is_public(endpoint: str) -> bool:
    view = current_app.view_functions.get(endpoint)
    return endpoint in EXTERNAL_PUBLIC_ENDPOINTS or bool(getattr(view, _PUBLIC, False))


def allowed_roles(endpoint: str) -> frozenset[Role]:
    """Roles that may open `endpoint`; empty when the view declares none."""
    view = current_app.view_functions.get(endpoint)
    return frozenset(getattr(view, _ROLES, frozenset()))


def can_access(endpoint: str) -> bool:
    if is_public(endpoint):
        return True
    return bool(current_user.is_authenticated) and current_user.role in allowed_roles(endpoint)


def enforce_access() -> object:
    """before_request hook: anonymous visitors go to sign-in, wrong roles get 403."""
    endpoint = request.endpoint
    if endpoint is None or is_public(endpoint):
        return None  # unknown URLs fall through to 404/405
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in allowed_roles(endpoint):
        log_event("access_denied", user=current_user.email, endpoint=endpoint)
        abort(403)
    return None
