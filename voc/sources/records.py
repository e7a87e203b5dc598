"""Tabular and JSON files to records: csv, tsv, Qualtrics csv, jsonl, json, xlsx, parquet.

A record is one row or object with its locator (file:line). What cannot become a record is a Reject with a
quarantine reason. Values are kept as read (strings for text formats); the kind modules interpret them.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import fastexcel
import polars as pl

from voc.sources.files import DecodeFailure, RawFile, decode

__all__ = ["TABULAR_FORMATS", "Record", "Reject", "Table", "as_text", "clip", "read_table", "value_of"]

TABULAR_FORMATS = ("csv", "tsv", "qualtrics", "jsonl", "json", "xlsx", "parquet")
RAW_LIMIT = 500
_QUALTRICS_MARK = '{"ImportId"'
_QUALTRICS_PRIVATE = {"recipientFirstName", "recipientLastName", "recipientEmail", "ipAddress", "locationLatitude",
                      "locationLongitude"}
_SURROGATE = re.compile("[\ud800-\udfff]")
csv.field_size_limit(2**31 - 1)  # long texts are cut later (text.max_item_chars), never rejected here


@dataclass(frozen=True)
class Record:
    locator: str
    values: dict[str, Any]
    raw: str


@dataclass(frozen=True)
class Reject:
    locator: str
    reason: str
    detail: str
    raw: str | None = None


@dataclass
class Table:
    """What one file gave: records, rejects, and what the kind modules need to resolve column names."""

    records: list[Record] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    columns: list[str] | None = None  # header, when the format has one
    aliases: dict[str, str] = field(default_factory=dict)  # other names of a column (Qualtrics question text)
    defaults: dict[str, str | list[str]] = field(default_factory=dict)  # field -> column recognised automatically
    timezones: dict[str, str] = field(default_factory=dict)  # column -> time zone declared by the file

    def resolve(self, name: str) -> str | None:
        """The column a configured name refers to, or None when the file lacks it. Records without a header
        (JSON) may leave a field out: it reads as empty."""
        if self.columns is None:
            return name
        if name in self.columns:
            return name
        return self.aliases.get(name)


def clip(text: str) -> str:
    return text if len(text) <= RAW_LIMIT else text[:RAW_LIMIT] + "…"


def read_table(raw: RawFile, fmt: str, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Read one file of a tabular or JSON format. Raises DecodeFailure for files that are not text."""
    if fmt in ("xlsx", "parquet"):
        return _binary_table(raw, fmt, sheet)
    text, _ = decode(raw, encoding)
    if fmt == "jsonl":
        return _jsonl_table(raw.shown, text)
    if fmt == "json":
        return _json_table(raw.shown, text)
    delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(text)
    rows = _csv_rows(text, delimiter)
    if fmt == "qualtrics" or _is_qualtrics(text, delimiter):
        return _qualtrics_table(raw.shown, rows)
    return _rows_table(raw.shown, rows, skip=0)


# ---------------------------------------------------------------- delimited text


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """(first line, cells or None when unparseable, raw text) for each row; blank lines skipped.

    Parsing is strict: a row with a stray or unterminated quote is reported as unparseable (its first line
    only) and reading resumes on the next line, so one bad quote cannot swallow the rows after it.
    """
    lines = text.split("\n")
    position = 0  # index of the next line handed to the csv reader

    def feed() -> Iterator[str]:
        nonlocal position
        while position < len(lines):
            position += 1
            yield lines[position - 1] + "\n"

    while position < len(lines):
        base = position  # lines before this reader started
        reader = csv.reader(feed(), delimiter=delimiter, strict=True)
        start = 1
        try:
            for cells in reader:
                end = reader.line_num
                if cells and any(c.strip() for c in cells):
                    yield base + start, cells, "\n".join(lines[base + start - 1 : base + end])
                start = end + 1
        except csv.Error as exc:
            yield base + start, None, f"{exc}: {lines[base + start - 1]}"
            position = base + start  # resume on the line after the bad row's first line


def _header(cells: list[str]) -> list[str]:
    """Column names: trimmed, trailing unnamed columns dropped, repeated names numbered (`comment`, `comment_1`)."""
    names = [c.strip() for c in cells]
    while len(names) > 1 and not names[-1]:
        names.pop()
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}_{count}")
    return unique


def _rows_table(shown: str, rows: Iterator[tuple[int, list[str] | None, str]], skip: int) -> Table:
    table = Table()
    header: list[str] | None = None
    for line, cells, raw in rows:
        if header is None:
            if cells is None:
                table.rejects.append(Reject(shown, "malformed_row", f"{shown}:{line}: the header row cannot be parsed", clip(raw)))
                return table
            header = _header(cells)
            table.columns = header
            continue
        if skip:
            skip -= 1
            continue
        locator = f"{shown}:{line}"
        if cells is not None and len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
            cells = cells[: len(header)]  # trailing empty cells of unnamed columns
        if cells is None or len(cells) != len(header):
            found = "unparseable" if cells is None else f"{len(cells)} fields"
            table.rejects.append(Reject(locator, "malformed_row", f"expected {len(header)} fields, found {found}", clip(raw)))
            continue
        table.records.append(Record(locator, dict(zip(header, cells, strict=True)), clip(raw)))
    if header is None:
        table.columns = []
    return table


def _is_qualtrics(text: str, delimiter: str) -> bool:
    """A Qualtrics export: its third record (question texts may span lines) holds {"ImportId": ...} cells."""
    try:
        head = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 3))
    except csv.Error:
        return False
    return len(head) == 3 and any(cell.startswith(_QUALTRICS_MARK) for cell in head[2])


def _qualtrics_table(shown: str, rows: Iterator[tuple[int, list[str] | None, str]]) -> Table:
    """A Qualtrics export: row 1 column ids, row 2 question texts, row 3 import ids as JSON."""
    rows = iter(rows)
    head = [next(rows, (0, None, "")) for _ in range(3)]
    if any(cells is None for _, cells, _ in head) or len({len(cells or []) for _, cells, _ in head}) != 1:
        return Table(rejects=[Reject(shown, "malformed_row", f"{shown}: the three Qualtrics header rows are missing or unequal")])
    ids, questions, imports = (cells or [] for _, cells, _ in head)
    table = _rows_table(shown, iter([head[0], *rows]), skip=0)
    table.aliases = {q.strip(): c for c, q in zip(ids, questions, strict=True) if q.strip() and q.strip() not in ids}
    meta = {c: _import_meta(i) for c, i in zip(ids, imports, strict=True)}
    by_import = {m.get("ImportId"): c for c, m in meta.items()}
    text_columns = [c for c, m in meta.items() if str(m.get("ImportId", "")).endswith("_TEXT")]
    defaults: dict[str, str | list[str]] = {}
    if "_recordId" in by_import:
        defaults["id"] = by_import["_recordId"]
    if "recordedDate" in by_import:
        defaults["created_at"] = by_import["recordedDate"]
    if text_columns:
        defaults["text"] = text_columns
    nps = [c for c, m in meta.items() if f"{m.get('ImportId')}_NPS_GROUP" in by_import]
    if len(nps) == 1:
        defaults["score"] = nps[0]
    table.defaults = defaults
    table.timezones = {c: str(m["timeZone"]) for c, m in meta.items() if m.get("timeZone")}
    private = {c for c, m in meta.items() if m.get("ImportId") in _QUALTRICS_PRIVATE}
    if private:  # respondent names, e-mail, IP and location never travel further, not even to quarantine
        table.records = [Record(r.locator, kept, clip(json.dumps(kept, ensure_ascii=False)))
                         for r in table.records if (kept := {k: v for k, v in r.values.items() if k not in private})]
        table.rejects = [Reject(r.locator, r.reason, r.detail, None) for r in table.rejects]
    return table


def _import_meta(cell: str) -> dict[str, Any]:
    try:
        meta = json.loads(cell)
    except json.JSONDecodeError:
        return {}
    return meta if isinstance(meta, dict) else {}


# ---------------------------------------------------------------- JSON


def _jsonl_table(shown: str, text: str) -> Table:
    table = Table()
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        locator = f"{shown}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            table.rejects.append(Reject(locator, "bad_json", f"not valid JSON: {exc.msg} at column {exc.colno}", clip(line)))
            continue
        if not isinstance(value, dict):
            table.rejects.append(Reject(locator, "bad_json", f"expected a JSON object, found {type(value).__name__}", clip(line)))
            continue
        table.records.append(Record(locator, value, clip(line)))
    return table


def _json_table(shown: str, text: str) -> Table:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return Table(rejects=[Reject(shown, "bad_json", f"not valid JSON: {exc.msg} at line {exc.lineno}", clip(text))])
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        value = lists[0] if len(lists) == 1 else [value]
    if not isinstance(value, list):
        return Table(rejects=[Reject(shown, "bad_json", "expected a list of objects (or an object holding one list)", clip(text))])
    table = Table()
    for i, item in enumerate(value):
        locator = f"{shown}#{i}"
        raw = clip(json.dumps(item, ensure_ascii=False))
        if isinstance(item, dict):
            table.records.append(Record(locator, item, raw))
        else:
            table.rejects.append(Reject(locator, "bad_json", f"expected a JSON object, found {type(item).__name__}", raw))
    return table


# ---------------------------------------------------------------- binary tables


def _binary_table(raw: RawFile, fmt: str, sheet: str | None) -> Table:
    try:
        if fmt == "xlsx":
            frame = pl.read_excel(io.BytesIO(raw.data), sheet_name=sheet, infer_schema_length=0, drop_empty_rows=False)
        else:
            frame = pl.read_parquet(io.BytesIO(raw.data))
    except (pl.exceptions.PolarsError, fastexcel.FastExcelError, OSError, ValueError) as exc:
        raise DecodeFailure("undecodable_file", f"{raw.shown} is not a readable {fmt} file: {exc}") from exc
    return _frame_table(raw, frame, header_lines=1 if fmt == "xlsx" else 0)


def _frame_table(raw: RawFile, frame: pl.DataFrame, header_lines: int) -> Table:
    table = Table(columns=list(frame.columns))
    for i, row in enumerate(frame.iter_rows(named=True)):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row.values()):
            continue  # a blank spreadsheet row: no item (its number still counts for the locators below)
        locator = f"{raw.shown}:{i + 1 + header_lines}"
        table.records.append(Record(locator, row, clip(json.dumps(row, ensure_ascii=False, default=str))))
    return table


def as_text(value: Any) -> str | None:
    """A record value as text for the item checks: None and blanks stay None, datetimes become ISO 8601,
    lists of answers one per line, objects JSON; lone surrogates (from broken JSON escapes) become U+FFFD."""
    if value is None:
        return None
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if value.strip() else None
    if isinstance(value, list):
        return as_text("\n".join(t for v in value if (t := as_text(v))))
    if isinstance(value, dict):
        return as_text(json.dumps(value, ensure_ascii=False))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def value_of(values: dict[str, Any], column: str | list[str] | None) -> str | None:
    """The text of a mapped single column in a record, or None when unmapped or blank."""
    return as_text(values.get(column)) if isinstance(column, str) else None
