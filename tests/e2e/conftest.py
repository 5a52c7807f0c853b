"""A live Tollgate on a free port and a headless Chromium driven by Playwright.

The browser is Debian's Chromium (`apt-get install chromium`), not one Playwright
downloads. Without it these tests are skipped on a developer machine and fail under CI.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from accounts import services as accounts
from accounts.roles import Role
from app import create_app
from app.extensions import db
from assessments.campaigns import close_assessment
from assessments.models import RespondentRole
from portfolio.funnels import seed_default_funnels
from tests.databases import migrate_to_head
from tests.factories import PASSWORD, answer_everything, make_assessment

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    users: dict[str, str]  # role name (and "pmo2") -> email, all with tests.factories.PASSWORD
    closed_assessment: int  # a closed assessment with results to look at


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing: `apt-get install -y chromium` (CI must run e2e tests)")
    pytest.skip("Chromium is not installed; `apt-get install chromium` to run browser tests")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'live.db'}"
    migrate_to_head(url)
    # CSRF on, as in production: the browser must carry real tokens.
    app = create_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": url, "WTF_CSRF_ENABLED": True})
    users = {}
    people = [(role.value, role) for role in Role] + [("pmo2", Role.PMO)]
    with app.app_context():
        for name, role in people:
            user = accounts.create_user(
                db.session,
                email=f"{name}@e2e.example",
                display_name=f"E2E {name}",
                role=role,
                password=PASSWORD,
                hash_method=app.config["PASSWORD_HASH_METHOD"],
            )
            users[name] = user.email
        seed_default_funnels(db.session)
        closed = _assessments(users)
    with serving(app) as base_url:
        yield LiveServer(base_url, users, closed)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            db.engine.dispose()


def _assessments(users: dict[str, str]) -> int:
    """One open assessment the viewer is invited to, and one closed with two respondents."""
    ids = {name: accounts.find_user(db.session, email).id for name, email in users.items()}
    pm = RespondentRole.PROJECT_MANAGER
    make_assessment(
        db.session, title="E2E assessment", respondents=[(ids["viewer"], pm)], open_it=True
    )
    closed = make_assessment(
        db.session,
        title="E2E closed",
        open_it=True,
        respondents=[(ids["pmo"], pm), (ids["executive"], RespondentRole.EXECUTIVE)],
    )
    answer_everything(db.session, closed, ids["pmo"], lambda q: 4 if q.level < 4 else 1)
    answer_everything(db.session, closed, ids["executive"], lambda q: 3)
    db.session.refresh(closed)
    close_assessment(db.session, closed.id, expected_version=closed.version)
    return closed.id


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test; console errors (CSP violations among them) fail it."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
