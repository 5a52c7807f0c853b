"""The migrations build the schema from nothing on every engine, in step with the models."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

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


@pytest.mark.parametrize("kind", ENGINES)
def test_stage_visits_are_rebuilt_from_existing_history(kind, tmp_path):
    """Upgrading a database that already has history replays it into stage visits and
    each candidate's furthest stage, by the same rule as portfolio.visits.stays."""
    with _empty_database(kind, tmp_path) as url:
        _upgrade(url, revision="ee735ebee2b5")
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO funnel (id, key, name, description, version) "
                    "VALUES (1, 'f', 'F', '', 1)"
                )
            )
            for stage_id in (1, 2, 3):
                connection.execute(
                    text(
                        "INSERT INTO stage (id, funnel_id, key, name, position, probability, "
                        "entry_checklist, version) VALUES (:id, 1, :key, :key, :id, 0.5, '', 1)"
                    ),
                    {"id": stage_id, "key": f"s{stage_id}"},
                )
            connection.execute(
                text(
                    "INSERT INTO candidate (id, funnel_id, stage_id, status, title, description, "
                    "kind, sponsor, theme, currency, risk_level, tags, created_at, updated_at, "
                    "stage_entered_at, version) VALUES (1, 1, 1, 'active', 'C', '', 'idea', '', "
                    "'', 'CNY', 'low', '', :t0, :t0, :t0, 1)"
                ),
                {"t0": datetime(2026, 1, 1, tzinfo=UTC)},
            )
            history = [
                ("created", None, 1, datetime(2026, 1, 1, tzinfo=UTC)),
                ("go", 1, 2, datetime(2026, 1, 11, tzinfo=UTC)),
                ("hold", 2, 2, datetime(2026, 1, 15, tzinfo=UTC)),
                ("resume", 2, 2, datetime(2026, 1, 20, tzinfo=UTC)),
                ("recycle", 2, 1, datetime(2026, 1, 31, tzinfo=UTC)),
            ]
            for event_id, (event_kind, source, target, at) in enumerate(history, start=1):
                connection.execute(
                    text(
                        "INSERT INTO stage_event (id, candidate_id, from_stage_id, to_stage_id, "
                        "kind, status_after, at, rationale) "
                        "VALUES (:id, 1, :source, :target, :kind, "
                        "'active', :at, '')"
                    ),
                    {
                        "id": event_id,
                        "source": source,
                        "target": target,
                        "kind": event_kind,
                        "at": at if kind == "postgresql" else at.replace(tzinfo=None),
                    },
                )
        engine.dispose()

        assert _upgrade(url) == []
        engine = create_engine(url)
        with engine.connect() as connection:
            visits = connection.execute(
                text("SELECT stage_id, outcome, dwell_days FROM stage_visit ORDER BY entered_at")
            ).all()
            furthest = connection.execute(text("SELECT furthest_stage_id FROM candidate")).scalar()
        engine.dispose()
    assert [(v[0], v[1]) for v in visits] == [(1, "go"), (2, "recycle"), (1, None)]
    assert [round(v[2], 6) if v[2] is not None else None for v in visits] == [10.0, 20.0, None]
    assert furthest == 2
