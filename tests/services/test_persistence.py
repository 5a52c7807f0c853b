"""The shared database layer: SQLite settings, UTC times, write transactions."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import literal, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from accounts.models import User
from app.extensions import db
from persistence import (
    StaleVersionError,
    begin_write,
    day_of,
    days_between,
    expect_version,
    month_of,
    utcnow,
    whole_part,
)
from tests import factories

HASH = "pbkdf2:sha256:1000"


def test_sqlite_pragmas_are_on(tmp_path, make_app):
    app = make_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_foreign_keys_are_enforced(session):
    factories.make_user(session, hash_method=HASH)
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        session.execute(text("UPDATE user_account SET org_unit_id = 12345"))


def test_times_come_back_aware_and_in_utc(session):
    user = factories.make_user(session, hash_method=HASH)
    beijing = timezone(timedelta(hours=8))
    user.last_login_at = datetime(2026, 3, 1, 9, 30, tzinfo=beijing)
    session.commit()
    session.expire_all()
    stored = session.get(User, user.id).last_login_at
    assert stored == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    assert stored.tzinfo == UTC
    assert abs(utcnow() - session.get(User, user.id).created_at) < timedelta(minutes=5)


def test_naive_times_are_refused(session):
    user = factories.make_user(session, hash_method=HASH)
    user.last_login_at = datetime(2026, 3, 1, 9, 30)
    with pytest.raises(StatementError, match="naive datetime"):
        session.commit()


def test_expect_version():
    class Record:
        version = 3

    expect_version(Record(), 3)
    with pytest.raises(StaleVersionError):
        expect_version(Record(), 2)


def test_write_transactions_queue_instead_of_losing_updates(engine, session):
    """Two writers read the name and append to it. SQLite: begin_write makes the second
    wait for the first, so both appends survive. PostgreSQL: both read the same version
    and the version column refuses the slower writer. Never is an append silently lost."""
    user = factories.make_user(session, hash_method=HASH, display_name="x")
    first_holds_lock = threading.Event()
    outcomes: list[str] = []

    def writer(suffix: str, hold: float) -> None:
        with Session(engine) as own:
            begin_write(own)
            record = own.get(User, user.id)
            first_holds_lock.set()
            time.sleep(hold)
            record.display_name += suffix
            try:
                own.commit()
                outcomes.append("ok")
            except Exception as error:
                outcomes.append(type(error).__name__)

    first = threading.Thread(target=writer, args=("a", 0.3))
    first.start()
    first_holds_lock.wait()
    writer("b", 0)
    first.join()
    session.rollback()
    name = session.get(User, user.id).display_name
    if engine.dialect.name == "sqlite":
        assert (outcomes, name) == (["ok", "ok"], "xab")
    else:
        assert (outcomes, name) == (["ok", "StaleDataError"], "xb")


def test_sql_date_helpers_agree_on_both_engines(session):
    user = factories.make_user(session, hash_method=HASH)
    user.last_login_at = datetime(2026, 3, 31, 23, 30, tzinfo=timezone(timedelta(hours=8)))
    user.created_at = datetime(2026, 3, 30, 3, 30, tzinfo=UTC)
    session.commit()
    query = select(
        days_between(User.last_login_at, User.created_at),
        day_of(User.last_login_at),
        month_of(User.last_login_at),
    ).where(User.id == user.id)
    days, day, month = session.execute(query).one()
    # 2026-03-31 23:30 in UTC+8 is 15:30 UTC: 1 day 12 hours after the creation.
    assert days == pytest.approx(1.5)
    assert (day, month) == ("2026-03-31", "2026-03")


@pytest.mark.parametrize(("value", "whole"), [(0.0, 0), (2.2, 2), (2.5, 2), (2.7, 2), (3.0, 3)])
def test_whole_part_floors_on_both_engines(session, value, whole):
    # A plain CAST rounds on PostgreSQL (2.7 -> 3): buckets would differ by engine.
    assert session.scalar(select(whole_part(literal(value)))) == whole
