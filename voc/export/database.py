"""The tables of a run in a SQL database (`export.database` in voc.yaml), for BI tools and ad hoc queries.

Each table becomes a SQL table of the same name, dropped and re-created with every run, all tables in one
transaction: a reader sees the previous run or this one, never a mix. That holds where DDL is transactional
(SQLite, PostgreSQL); on MySQL each table is replaced on its own. Column types follow voc/schema.py:
integers BIGINT, floats DOUBLE, booleans BOOLEAN, datetimes TIMESTAMP WITH TIME ZONE (SQLite keeps the UTC
time as text), strings and enums TEXT; lists and structs are JSON text. The table's key is the primary key.

Written with SQLAlchemy Core rather than polars' `write_database`, which goes through pandas and pyarrow.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from voc.errors import VocError
from voc.export.cells import sql_cells
from voc.schema import Table

__all__ = ["write_database"]

_BATCH_ROWS = 10_000


def write_database(url: str, tables: Sequence[tuple[Table, pl.DataFrame]], root: Path) -> None:
    """Replace each table in the database at `url` by its frame, in one transaction.
    A relative SQLite path in `url` is taken relative to `root` (the folder of voc.yaml)."""
    cells = [(table, sql_cells(table.conform(frame))) for table, frame in tables]
    target = _resolve(url, root)
    shown = target.render_as_string(hide_password=True)
    try:
        engine = sa.create_engine(target)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise VocError(f"export.database {shown}: cannot connect ({exc}); use an SQLAlchemy URL whose driver is "
                       "installed, e.g. sqlite:///voc.db, or postgresql+psycopg://… after `pip install psycopg`") from exc
    if target.get_backend_name() == "sqlite":
        _transactional_sqlite(engine)
    try:
        with engine.begin() as connection:
            metadata = sa.MetaData()
            for table, frame in cells:
                _replace(connection, _sql_table(table, metadata), frame)
    except sa.exc.SQLAlchemyError as exc:
        raise VocError(f"export.database {shown}: writing the tables failed, the database is unchanged: "
                       f"{getattr(exc, 'orig', None) or exc}; check the URL and that the user may create tables") from exc
    finally:
        engine.dispose()


def _resolve(url: str, root: Path) -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise VocError(f"export.database {url!r} is not an SQLAlchemy URL; write e.g. sqlite:///voc.db") from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).is_absolute():
        return parsed.set(database=str(root / parsed.database))
    return parsed


def _transactional_sqlite(engine: sa.Engine) -> None:
    """Python's sqlite3 commits before DDL on its own; let SQLAlchemy's BEGIN cover the DROP and CREATE too."""

    @sa.event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def _sql_table(table: Table, metadata: sa.MetaData) -> sa.Table:
    columns = [sa.Column(name, _sql_type(col.dtype), nullable=col.nullable, primary_key=name in table.key,
                          autoincrement=False)
               for name, col in table.columns.items()]
    return sa.Table(table.name, metadata, *columns, comment=table.description)


def _sql_type(dtype: Any) -> sa.types.TypeEngine:
    if isinstance(dtype, pl.Datetime):
        return sa.DateTime(timezone=True)
    if dtype == pl.Boolean:
        return sa.Boolean()
    if dtype.is_integer():
        return sa.BigInteger()
    if dtype.is_float():
        return sa.Double()
    return sa.Text()  # strings, enums, and lists and structs as JSON text


def _replace(connection: sa.Connection, target: sa.Table, frame: pl.DataFrame) -> None:
    target.drop(connection, checkfirst=True)
    target.create(connection)
    for batch in frame.iter_slices(_BATCH_ROWS):
        connection.execute(target.insert(), batch.to_dicts())
