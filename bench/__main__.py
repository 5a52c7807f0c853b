"""`make bench`: server time, SQL statements and peak memory of the main pages.

Runs the app in-process (Flask test client, no network) on a scratch SQLite file and, when
BENCH_DATABASE_URL or TEST_DATABASE_URL names a PostgreSQL server, on a scratch database
there too. Figures are medians over many requests; nothing here asserts a speed, it
reports one.

Per engine, a table of the main pages at 20,000 candidates, then the executive dashboard's
pages at BENCH_CANDIDATES candidates (default 100,000; the same database topped up, so
never fewer than the table's): each page's server time next to the time of its bare SQL,
that is the same statements with the same parameters re-executed straight on a DBAPI
connection (execute and fetch), so the ratio shows what the page adds to the database's
own work, and its statement count at both sizes.
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, func, select, text

from accounts import services as accounts
from accounts.models import OrgUnit
from accounts.roles import Role
from app import create_app, demo
from app.extensions import db
from persistence import utcnow
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.funnels import seed_default_funnels
from portfolio.models import Candidate, Funnel, StageEvent
from tests.databases import migrate_to_head, scratch_postgres_database

USERS = 1_000
CANDIDATES = 20_000
REQUESTS = 100
# (path, whether the request is signed in as an administrator)
PAGES = (
    ("/login", False),
    ("/healthz", False),
    ("/", True),
    ("/admin/users", True),
    ("/admin/org-units", True),
    ("/portfolio/", True),
    ("/portfolio/?status=active&sort=stage&dir=asc", True),
    ("/portfolio/board", True),
    ("/portfolio/candidates/1", True),
)
PASSWORD = "benchmark passphrase"  # noqa: S105 - a throwaway account in a scratch database

DASHBOARD_CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", "100000"))
DASHBOARD_REQUESTS = 15
# The executive dashboard's pages, each over its default period and options.
DASHBOARD_PAGES = (
    "/reports/portfolio?funnel={funnel}",
    "/reports/portfolio/forecast?funnel={funnel}",
    "/reports/portfolio/choice?funnel={funnel}",
    "/reports/portfolio/release?funnel={funnel}",
)
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


def _seed(app) -> str:
    """USERS accounts under a small org tree and CANDIDATES candidates with history;
    returns the admin's email."""
    with app.app_context():
        units = demo.load_org_units(db.session)  # the demo org tree is a realistic shape
        method = app.config["PASSWORD_HASH_METHOD"]
        unit_ids = list(units.values())
        for n in range(USERS):
            accounts.create_user(
                db.session,
                email=f"bench{n}@tollgate.example",
                display_name=f"Bench User {n:04d}",
                role=list(Role)[n % 4],
                password=PASSWORD,
                hash_method=method,
                org_unit_id=unit_ids[n % len(unit_ids)],
            )
        seed_default_funnels(db.session)
        people = DemoPeople(creators=[1, 2], deciders=[3], scorers=[1, 2, 3], org_units=unit_ids)
        load_bulk_candidates(db.session, CANDIDATES, people, now=utcnow())
        return "bench0@tollgate.example"


def _measure(app, email: str) -> list[tuple[str, float, float, int]]:
    anonymous, admin = app.test_client(), app.test_client()
    admin.post("/login", data={"email": email, "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    rows = []
    for page, signed_in in PAGES:
        client = admin if signed_in else anonymous
        timings = []
        for _ in range(REQUESTS):
            statements.clear()
            started = time.perf_counter()
            response = client.get(page)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{page} answered {response.status_code}")
        queries = sum(1 for s in statements if not s.startswith(("BEGIN", "PRAGMA")))
        p95 = statistics.quantiles(timings, n=20)[18]
        rows.append((page, statistics.median(timings), p95, queries))
    return rows


def _top_up(app: Flask, total: int) -> int:
    """Add candidates until there are `total` (never removes any); returns the count."""
    with app.app_context():
        present = db.session.scalar(select(func.count(Candidate.id))) or 0
        missing = total - present
        if missing <= 0:
            return present
        units = list(db.session.scalars(select(OrgUnit.id)))
        people = DemoPeople(creators=[1, 2], deciders=[3], scorers=[1, 2, 3], org_units=units)
        done = 0
        started = time.perf_counter()

        def progress(size: int) -> None:
            nonlocal done
            done += size
            if done % 10_000 < size or done == missing:
                elapsed = time.perf_counter() - started
                print(
                    f"  loading: {present + done:,} / {total:,} candidates ({elapsed:.0f} s)",
                    flush=True,
                )

        load_bulk_candidates(db.session, missing, people, now=utcnow(), seed=8, progress=progress)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load in production: fresh planner
            # statistics and a visibility map (index-only scans need it).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        return present + missing


@contextmanager
def _captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements run inside (transaction control left out), with their DBAPI
    parameters."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _bare_sql(engine: Engine, statements: list[tuple[str, Any]]) -> list[float]:
    """Milliseconds to execute and fetch the page's reads straight on a DBAPI connection,
    per round (as many rounds as the page had requests). Fetching counts: SQLite computes
    many aggregates while rows are fetched, not in execute."""
    reads = [
        (statement, parameters)
        for statement, parameters in statements
        if statement.lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        rounds = []
        for _ in range(DASHBOARD_REQUESTS):
            started = time.perf_counter()
            for statement, parameters in reads:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            rounds.append((time.perf_counter() - started) * 1000)
        cursor.close()
        connection.rollback()
    finally:
        connection.close()
    return rounds


def _dashboard_urls(app: Flask) -> list[str]:
    """The dashboard's pages for the first funnel, each with its default filters."""
    with app.app_context():
        funnel_id = db.session.execute(select(Funnel.id).order_by(Funnel.id).limit(1)).scalar_one()
    return [page.format(funnel=funnel_id) for page in DASHBOARD_PAGES]


def _time_page(
    client: FlaskClient, engine: Engine, url: str
) -> tuple[list[float], list[tuple[str, Any]]]:
    """Server times of DASHBOARD_REQUESTS requests after a warm-up (template and statement
    caches, as on a running server), and the statements of the last one."""
    client.get(url)
    timings = []
    for _ in range(DASHBOARD_REQUESTS):
        with _captured(engine) as statements:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return timings, statements


def _dashboard(app: Flask, email: str) -> None:
    """Every dashboard page at the table's size and at DASHBOARD_CANDIDATES: server time,
    bare SQL and the ratio of the two, and statement counts at both sizes (they must not
    differ)."""
    urls = _dashboard_urls(app)
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    before = {url: len(_time_page(client, engine, url)[1]) for url in urls}
    count = _top_up(app, DASHBOARD_CANDIDATES)
    with app.app_context():
        events = db.session.scalar(select(func.count(StageEvent.id))) or 0
    print(
        f"\n  dashboard at {count:,} candidates ({events:,} stage events),"
        f" {DASHBOARD_REQUESTS} requests a page"
    )
    print(
        f"  {'page':40} {'median ms':>10} {'p95 ms':>8} {'bare SQL ms':>12} {'page/SQL':>9}"
        f" {'queries':>8} {f'at {CANDIDATES:,}':>9}"
    )
    for url in urls:
        timings, statements = _time_page(client, engine, url)
        sql_median = statistics.median(_bare_sql(engine, statements))
        median, p95 = statistics.median(timings), statistics.quantiles(timings, n=20)[18]
        print(
            f"  {url:40} {median:10.1f} {p95:8.1f} {sql_median:12.1f}"
            f" {median / sql_median:9.2f} {len(statements):8d} {before[url]:9d}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process so far: {peak_mb:.0f} MB")


def run(kind: str, url: str) -> None:
    migrate_to_head(url)
    app = create_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": url, "LOG_LEVEL": "ERROR"})
    email = _seed(app)
    print(f"\n{kind}: {USERS:,} users, {CANDIDATES:,} candidates, {REQUESTS} requests a page")
    print(f"  {'page':20} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for page, median, p95, queries in _measure(app, email):
        print(f"  {page:20} {median:10.2f} {p95:8.2f} {queries:8d}")
    _dashboard(app, email)
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    pg_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}")
    if pg_url:
        with scratch_postgres_database(pg_url) as url:
            run("PostgreSQL", url)
    else:
        print("\nPostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
