"""The migrations build the schema from nothing on every engine, in step with the models."""

from __future__ import annotations

from contextlib import nullcontext

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app import create_app
from app.extensions import db
from tests.conftest import ENGINES, TEST_DATABASE_URL
from tests.databases import scratch_postgres_database


def _empty_database(kind, tmp_path):
    if kind == "sqlite":
        return nullcontext(f"sqlite:///{tmp_path}/empty-{len(list(tmp_path.iterdir()))}.db")
    return scratch_postgres_database(TEST_DATABASE_URL)


def _schema(url):
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {
            table: sorted(column["name"] for column in inspector.get_columns(table))
            for table in inspector.get_table_names()
        }
    finally:
        engine.dispose()


def _upgrade(url, revision="head"):
    app = create_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade(revision=revision)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return diff


@pytest.mark.parametrize("kind", ENGINES)
def test_upgrade_from_empty_matches_the_models(kind, tmp_path):
    with _empty_database(kind, tmp_path) as url:
        assert _upgrade(url) == []
        schema = _schema(url)
    assert {"user_account", "org_unit", "alembic_version"} <= set(schema)


@pytest.mark.parametrize("kind", ENGINES)
def test_downgrade_to_nothing_and_back(kind, tmp_path):
    with _empty_database(kind, tmp_path) as url:
        _upgrade(url)
        app = create_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": url})
        with app.app_context():
            flask_migrate.downgrade(revision="base")
            db.engine.dispose()
        assert set(_schema(url)) == {"alembic_version"}
        assert _upgrade(url) == []


@pytest.mark.skipif(len(ENGINES) < 2, reason="needs TEST_DATABASE_URL for PostgreSQL")
def test_both_engines_get_the_same_tables_and_columns(tmp_path):
    schemas = []
    for kind in ENGINES:
        with _empty_database(kind, tmp_path) as url:
            _upgrade(url)
            schemas.append(_schema(url))
    assert schemas[0] == schemas[1]
