"""The JSON Schema of each exported table, written beside the tables as schemas/<table>.schema.json.

A schema describes one record of the table as it is in JSON Lines (and, column for column, in parquet);
it is generated from voc/schema.py, never written by hand.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from voc.schema import Table
from voc.store import atomic_write, disk_error

__all__ = ["SCHEMAS_FOLDER", "write_schemas"]

SCHEMAS_FOLDER = "schemas"


def write_schemas(folder: Path, tables: Sequence[Table]) -> list[Path]:
    """Write folder/schemas/<name>.schema.json for each table; return the paths."""
    target = folder / SCHEMAS_FOLDER
    try:
        target.mkdir(exist_ok=True)
    except OSError as exc:
        raise disk_error(target, exc) from exc
    return [_write_schema(target / f"{table.name}.schema.json", table) for table in tables]


def _write_schema(path: Path, table: Table) -> Path:
    text = json.dumps(table.json_schema(), indent=2, ensure_ascii=False) + "\n"
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
