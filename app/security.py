"""Response headers and redirect-target checks that every page relies on."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request


def set_security_headers(response: Response) -> Response:
    """after_request hook: CSP without inline script, no framing, no sniffing, no caching."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if config["HSTS_SECONDS"]:
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={config['HSTS_SECONDS']}; includeSubDomains"
        )
    if not _is_static(request.endpoint):
        # Pages show people's data: keep them out of shared and back-button caches.
        headers["Cache-Control"] = "no-store"
    return response


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback` (no open redirects)."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def register_security_headers(app: Flask) -> None:
    app.after_request(set_security_headers)
