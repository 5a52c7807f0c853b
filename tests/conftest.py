"""Fixtures shared by every layer of tests.

Database tests run once per engine: SQLite always, PostgreSQL too when TEST_DATABASE_URL
is set. The schema is built by the real migrations once per engine; each test then gets
a fresh copy (SQLite) or emptied tables (PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request_started
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from accounts.models import User
from accounts.roles import Role
from app import create_app
from app.extensions import db
from persistence import Base
from tests import factories
from tests.databases import migrate_to_head, scratch_postgres_database

# Speed is measured by `make bench`, never by a test: no per-example deadline, which would
# fail at random on a busy two-core CI machine.
settings.register_profile("tollgate", deadline=None)
settings.load_profile("tollgate")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
ENGINES = ["sqlite", *(["postgresql"] if TEST_DATABASE_URL else [])]


@dataclass(frozen=True)
class TestDatabase:
    kind: str
    url: str
    template: Path | None = None  # SQLite: a migrated file copied for each test


@pytest.fixture(scope="session", params=ENGINES)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("db") / "template.db"
        url = f"sqlite:///{template}"
        migrate_to_head(url)
        yield TestDatabase("sqlite", url, template)
        return
    with scratch_postgres_database(TEST_DATABASE_URL) as url:
        migrate_to_head(url)
        yield TestDatabase("postgresql", url)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Settings a test module may override by defining its own `app_config` fixture."""
    return {}


@pytest.fixture
def database_url(database: TestDatabase, tmp_path: Path) -> str:
    if database.template is None:
        return database.url
    copy = tmp_path / "test.db"
    shutil.copyfile(database.template, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def app(database: TestDatabase, database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": database_url, **app_config})
    yield app
    with app.app_context():
        if database.kind == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def make_app() -> Iterator[Callable[[dict[str, Any]], Flask]]:
    """Build further apps (other settings, a second worker); their connections close after."""
    made: list[Flask] = []

    def build(settings: dict[str, Any]) -> Flask:
        made.append(create_app(settings))
        return made[-1]

    yield build
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


@pytest.fixture
def engine(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


@pytest.fixture
def session(app: Flask, engine: Engine) -> Iterator[Session]:
    """A session of its own for arranging and checking data, apart from the requests'.

    Before each request it ends its own transaction: on SQLite an open read transaction
    keeps its snapshot, and the test would not see what the request wrote.
    """
    with Session(engine) as session:
        lock = threading.Lock()  # requests may come from several threads at once

        def end_snapshot(_sender: Flask, **_extra: Any) -> None:
            with lock:
                if session.in_transaction():
                    session.commit()

        request_started.connect(end_snapshot, app, weak=False)
        try:
            yield session
        finally:
            request_started.disconnect(end_snapshot, app)


def reloaded(session: Session, record: Any) -> Any:
    """`record` as the database holds it now (ending the session's snapshot first)."""
    session.rollback()
    session.refresh(record)
    return record


@pytest.fixture
def make_user(session: Session, app: Flask) -> Callable[..., User]:
    def make(**overrides: Any) -> User:
        return factories.make_user(
            session, hash_method=app.config["PASSWORD_HASH_METHOD"], **overrides
        )

    return make


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    """Give `client` the session a real sign-in would (without spending a password check)."""
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = user.get_id()
        flask_session["_fresh"] = True
        flask_session["signed_in_at"] = time.time()
    return client


@pytest.fixture
def client_for(app: Flask, make_user: Callable[..., User]) -> Callable[[Role], FlaskClient]:
    """A new client signed in as a new user with `role`."""

    def build(role: Role) -> FlaskClient:
        return sign_in(app.test_client(), make_user(role=role))

    return build


@pytest.fixture
def admin_client(client_for: Callable[[Role], FlaskClient]) -> FlaskClient:
    return client_for(Role.ADMIN)


@pytest.fixture
def pmo_client(client_for: Callable[[Role], FlaskClient]) -> FlaskClient:
    return client_for(Role.PMO)


@pytest.fixture
def executive_client(client_for: Callable[[Role], FlaskClient]) -> FlaskClient:
    return client_for(Role.EXECUTIVE)


@pytest.fixture
def viewer_client(client_for: Callable[[Role], FlaskClient]) -> FlaskClient:
    return client_for(Role.VIEWER)


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@pytest.fixture
def query_counter(engine: Engine) -> Callable[[], Any]:
    """`with query_counter() as statements:` collects the SQL statements run inside
    (transaction control left out), so a test can assert how many a page needs."""

    @contextmanager
    def count() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return count
