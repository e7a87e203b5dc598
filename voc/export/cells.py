"""How table values become flat cells, for formats that hold one scalar per cell (CSV, SQL columns).

Datetimes are written as RFC 3339 in UTC, the same text polars writes in JSON Lines
("2026-08-03T07:24:28+00:00", with microseconds only when there are some).
"""

from __future__ import annotations

import json

import polars as pl

__all__ = ["ISO_DATETIME", "LIST_SEPARATOR", "csv_cells", "json_text", "sql_cells"]

ISO_DATETIME = "%Y-%m-%dT%H:%M:%S%.f%:z"
LIST_SEPARATOR = " | "


def json_text(name: str) -> pl.Expr:
    """The column's values as JSON text: lists as arrays, structs as objects, datetimes as RFC 3339; null stays null."""
    prefix = len(json.dumps(name)) + 2  # the `{"name":` that wraps the value
    encoded = pl.struct(name).struct.json_encode().str.slice(prefix).str.strip_suffix("}")
    return pl.when(pl.col(name).is_not_null()).then(encoded).alias(name)


def csv_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """One readable cell per value: lists of strings joined with ' | ', other lists and structs as JSON text,
    numeric lists (embedding vectors: no use in a spreadsheet, kept in parquet and JSON Lines) left out."""
    vectors = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List) and dtype.inner.is_numeric()]
    nested = [name for name, dtype in frame.schema.items()
              if dtype.is_nested() and name not in vectors and dtype != pl.List(pl.String)]
    return frame.drop(vectors).with_columns(pl.col(pl.List(pl.String)).list.join(LIST_SEPARATOR),
                                            *[json_text(name) for name in nested])


def sql_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every list and struct column as JSON text (lossless, unlike the CSV cells); enums as their names."""
    return frame.with_columns(*[json_text(name) for name, dtype in frame.schema.items() if dtype.is_nested()],
                              pl.col(pl.Enum).cast(pl.String))
