"""`make bench`: server time, SQL statements and peak memory of the main pages.

Runs the app in-process (Flask test client, no network) on a scratch SQLite file and, when
BENCH_DATABASE_URL or TEST_DATABASE_URL names a PostgreSQL server, on a scratch database
there too. Figures are medians over many requests; nothing here asserts a speed, it
reports one.
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from accounts import services as accounts
from accounts.roles import Role
from app import create_app, demo
from app.extensions import db
from persistence import utcnow
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.funnels import seed_default_funnels
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


def run(kind: str, url: str) -> None:
    migrate_to_head(url)
    app = create_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": url, "LOG_LEVEL": "ERROR"})
    email = _seed(app)
    print(f"\n{kind}: {USERS:,} users, {CANDIDATES:,} candidates, {REQUESTS} requests a page")
    print(f"  {'page':20} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for page, median, p95, queries in _measure(app, email):
        print(f"  {page:20} {median:10.2f} {p95:8.2f} {queries:8d}")
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
