"""The tables of a run in the formats people and tools read, with their JSON Schemas and the map-tools evidence.

Written into the run's staging folder before it is published, each file atomically:

- `<table>.parquet`, always: exact dtypes; the form later runs and `voc report` read.
- `<table>.jsonl` (format `jsonl`): JSON Lines, one record per line, valid against
  `schemas/<table>.schema.json`. Lines rather than one JSON array because units runs to millions of rows:
  a line can be streamed, split and loaded (DuckDB, BigQuery, pandas `lines=True`) without holding the file
  in memory. Enums are their names, lists arrays, structs objects, datetimes RFC 3339 UTC, missing values null.
- `<table>.csv` (format `csv`): one cell per value for spreadsheets (see `voc.export.cells.csv_cells`):
  lists of strings joined with " | ", feedback.messages as JSON text (it is the only place an item's text
  lives), numeric vectors (topic_registry.centroid) left out; UTF-8 with a byte-order mark unless
  `export.csv_bom` is false.
- `schemas/<table>.schema.json` for every table and for journey_evidence.
- `journey_evidence.csv`: stage_insights laid out for journey-map tools (see `voc.export.map_tools`).

The same frames give byte-identical files: nothing in a file depends on the clock or the machine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from voc.config import ExportConfig, JourneyConfig, JourneyMap
from voc.errors import SchemaError
from voc.export.cells import ISO_DATETIME, csv_cells
from voc.export.map_tools import EVIDENCE_FILE, journey_evidence
from voc.export.schemas import write_schemas
from voc.schema import JOURNEY_EVIDENCE, STAGE_INSIGHTS, TOPICS, Table
from voc.store import atomic_write, write_parquet

__all__ = ["write_csv", "write_exports", "write_jsonl"]


def write_exports(folder: Path, tables: Sequence[tuple[Table, pl.DataFrame]], config: ExportConfig,
                  journey_map: JourneyMap, journey: JourneyConfig) -> list[Path]:
    """Write every table into `folder` (a run's staging folder) in `config.formats`, the JSON Schemas of all
    tables into folder/schemas/, and journey_evidence.csv, built from the stage_insights and topics tables
    (both must be in `tables`), the map's stage names and order, and `journey` (the need / gain line).
    Return the written paths."""
    writers: dict[str, Callable[[pl.DataFrame, Table, Path], Path]] = {
        "parquet": write_parquet,
        "csv": lambda frame, table, target: write_csv(frame, table, target, bom=config.csv_bom),
        "jsonl": write_jsonl,
    }
    written = [writers[fmt](frame, table, folder / f"{table.name}.{fmt}")
               for table, frame in tables for fmt in config.formats]
    evidence = journey_evidence(_frame_of(tables, STAGE_INSIGHTS), _frame_of(tables, TOPICS), journey_map, journey)
    written.append(write_csv(evidence, JOURNEY_EVIDENCE, folder / EVIDENCE_FILE, bom=config.csv_bom))
    written += write_schemas(folder, [table for table, _ in tables] + [JOURNEY_EVIDENCE])
    return written


def write_csv(frame: pl.DataFrame, table: Table, target: Path, bom: bool = True) -> Path:
    """The table as CSV, one flat cell per value (see the module docstring)."""
    flat = csv_cells(table.conform(frame))
    return atomic_write(target, lambda tmp: flat.write_csv(tmp, include_bom=bom, datetime_format=ISO_DATETIME))


def write_jsonl(frame: pl.DataFrame, table: Table, target: Path) -> Path:
    """The table as JSON Lines: one record per line, valid against the table's JSON Schema."""
    checked = table.conform(frame)
    return atomic_write(target, lambda tmp: checked.write_ndjson(tmp))


def _frame_of(tables: Sequence[tuple[Table, pl.DataFrame]], wanted: Table) -> pl.DataFrame:
    frame = next((frame for table, frame in tables if table.name == wanted.name), None)
    if frame is None:
        raise SchemaError(f"write_exports needs the {wanted.name} table to build {EVIDENCE_FILE}; pass it in `tables`")
    return frame
