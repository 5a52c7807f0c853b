"""What every domain's tables share: the declarative base, constraint names, UTC times,
optimistic-lock checks and the SQLite connection settings. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    Float,
    MetaData,
    Select,
    String,
    event,
    func,
    select,
)
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, registry
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

# Named constraints from the first migration on, so later ones can drop and alter them
# by name on every engine (SQLite batch mode needs the names too).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

T = TypeVar("T")
CENT = Decimal("0.01")

# Execution option that asks SQLite for BEGIN IMMEDIATE (see _configure_sqlite).
WRITE_INTENT = "tollgate_write_intent"


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants in UTC and always hands back aware datetimes.

    SQLite keeps no zone, PostgreSQL's timestamptz does; this makes both behave alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """An amount with two decimals, stored exactly as whole cents (BIGINT).

    SQLite has no exact decimal type; cents in an integer column are exact on every
    engine and sum correctly in SQL.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        cents = (Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(cents)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


class Base(DeclarativeBase):
    """Declarative base of every Tollgate table."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime, Decimal: Money},
    )


E = TypeVar("E", bound=StrEnum)


def enum_column(enum_class: type[E], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint, storing the values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [member.value for member in members],
    )


class StaleVersionError(Exception):
    """A record changed since the person editing it loaded it."""

    def __init__(self, entity: str, expected: int, actual: int) -> None:
        super().__init__(f"{entity} is at version {actual}, not {expected}")
        self.entity = entity
        self.expected = expected
        self.actual = actual


def expect_version(record: Any, expected: int) -> None:
    """Refuse to change `record` unless it is still at the version its editor saw.

    `version_id_col` protects the moment of the write; this protects the minutes between
    showing a form and saving it.
    """
    if record.version != expected:
        raise StaleVersionError(type(record).__name__, expected, record.version)


def begin_write(session: Session) -> None:
    """Start the session's transaction as a write transaction.

    On SQLite this takes the write lock up front (BEGIN IMMEDIATE), so a read-then-write
    cannot interleave with another writer; other engines ignore the option. Call it before
    the session runs its first statement.
    """
    if not session.in_transaction():
        session.connection(execution_options={WRITE_INTENT: True})


def configure_engine(engine: Engine, busy_timeout_ms: int = 5000) -> None:
    """Connection settings Tollgate relies on, per engine (see the two functions below)."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout_ms)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)


def _configure_postgresql(engine: Engine) -> None:
    """Sessions in UTC, so that SQL day and month buckets agree with SQLite's."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Foreign keys, WAL and a busy timeout on every SQLite connection of `engine`.

    pysqlite's own transaction handling starts transactions late and never for reads, which
    loses updates; we switch it off and emit BEGIN ourselves (the SQLAlchemy recipe).
    """
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_INTENT)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer, ordered result."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, statement: Select[tuple[T]], page: int, per_page: int) -> Page[T]:
    """Run an ordered `statement` for one page: two queries (count and rows), whatever the size.

    Pages past the end are clamped to the last one, so a stale link still shows data.
    """
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    total = total or 0
    per_page = max(1, per_page)
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = list(session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)


# --- date arithmetic in SQL, written once for both engines ---------------------------------


class days_between(FunctionElement[float]):  # noqa: N801 - reads like the SQL function it is
    """SQL: the days (fractional) from `earlier` to `later`, two timestamp columns."""

    type = Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"


class _time_text(FunctionElement[str]):  # noqa: N801
    """SQL: a timestamp or date as text in the format `formats` gives per engine."""

    type = String()
    inherit_cache = True
    formats: ClassVar[dict[str, str]] = {}


@compiles(_time_text, "sqlite")
def _time_text_sqlite(element: _time_text, compiler: Any, **kw: Any) -> str:
    return f"strftime('{element.formats['sqlite']}', {compiler.process(element.clauses, **kw)})"


@compiles(_time_text, "postgresql")
def _time_text_postgresql(element: _time_text, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"to_char({value}, '{element.formats['postgresql']}')"


class day_of(_time_text):  # noqa: N801
    """SQL: the UTC calendar day of a timestamp as 'YYYY-MM-DD' text (for GROUP BY)."""

    inherit_cache = True
    formats: ClassVar[dict[str, str]] = {"sqlite": "%Y-%m-%d", "postgresql": "YYYY-MM-DD"}


class month_of(_time_text):  # noqa: N801
    """SQL: the month of a date or timestamp as 'YYYY-MM' text (for GROUP BY)."""

    inherit_cache = True
    formats: ClassVar[dict[str, str]] = {"sqlite": "%Y-%m", "postgresql": "YYYY-MM"}


class whole_part(FunctionElement[int]):  # noqa: N801
    """SQL: the whole part of a non-negative number, for day or hour buckets.

    A plain CAST will not do: SQLite's truncates but PostgreSQL's rounds (2.7 -> 3), which
    would put every bucket half a unit off on one engine."""

    type = BigInteger()
    inherit_cache = True


@compiles(whole_part, "sqlite")
def _whole_part_sqlite(element: whole_part, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


@compiles(whole_part, "postgresql")
def _whole_part_postgresql(element: whole_part, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS BIGINT)"
