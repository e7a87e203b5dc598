"""Sources: files of surveys, tickets and calls → feedback rows + quarantine rows.

`read_source` never raises for bad data: a file or item that cannot be used becomes a quarantine row with
a reason, and the other files go on. It counts what it read so that read = used + quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from voc.config import SourceConfig
from voc.sources.calls import TRANSCRIPT_FORMATS, call_item
from voc.sources.files import DecodeFailure, expand, format_of, read_bytes
from voc.sources.items import RawItem, build_feedback
from voc.sources.records import TABULAR_FORMATS, Record, Reject, Table, read_table, value_of
from voc.sources.surveys import survey_items
from voc.sources.tickets import ticket_items

__all__ = ["Collected", "read_source"]

_TOP_FIELDS = ("id", "created_at", "customer_id", "score", "channel")
_MESSAGE_FIELDS = ("text", "author", "sent_at")


@dataclass(frozen=True)
class Collected:
    """What one source gave in one run."""

    source: str
    feedback: pl.DataFrame  # FEEDBACK rows, text not yet redacted
    quarantine: pl.DataFrame  # QUARANTINE rows
    read: int  # items read, including unusable ones (a file that cannot be split into items counts as one)
    files: int
    warnings: list[str] = field(default_factory=list)

    @property
    def used(self) -> int:
        return self.feedback.height

    @property
    def quarantined(self) -> int:
        return self.quarantine.height


def read_source(source: SourceConfig, root: Path, exclude: Path | None = None) -> Collected:
    """Read every file of a source. Paths in the config are relative to `root` (voc.yaml's folder); files
    under `exclude` (the output folder) are never read as input."""
    index = (root / source.index).resolve() if source.index else None
    skip = exclude.resolve() if exclude is not None else None
    files = [p for p in expand(source.path, root)
             if p.resolve() != index and not (skip is not None and p.absolute().is_relative_to(skip))]
    warnings = [] if files else [f"source {source.name}: no files match {source.path!r} under {root}"]
    if source.kind == "call":
        items, rejects = _read_calls(source, root, files)
    else:
        items, rejects = _read_tables(source, root, files)
    feedback, quarantine = build_feedback(source, items, rejects)
    collected = Collected(source.name, feedback, quarantine, read=len(items) + len(rejects), files=len(files), warnings=warnings)
    if collected.read != collected.used + collected.quarantined:
        raise AssertionError(f"source {source.name}: conservation broken ({collected.read} read, "
                             f"{collected.used} used, {collected.quarantined} quarantined)")
    return collected


def _read_tables(source: SourceConfig, root: Path, files: list[Path]) -> tuple[list[RawItem], list[Reject]]:
    rejects: list[Reject] = []
    parts: list[tuple[Table, dict[str, str | list[str] | None]]] = []
    for path in files:
        table, reject = _open_table(source, root, path)
        if reject is not None:
            rejects.append(reject)
            continue
        mapping, missing = resolve_columns(source, table)
        if missing:
            rejects.append(_missing_columns(source, table, path, root, missing))
            continue
        rejects.extend(table.rejects)
        parts.append((table, mapping))
    if source.kind == "ticket":
        return ticket_items(source, parts), rejects
    return [item for table, mapping in parts for item in survey_items(source, table, mapping)], rejects


def _open_table(source: SourceConfig, root: Path, path: Path, fmt: str | None = None) -> tuple[Table, Reject | None]:
    fmt = fmt or (source.format if source.format != "auto" else format_of(path))
    try:
        raw = read_bytes(path, root)
        if fmt not in TABULAR_FORMATS:
            return Table(), Reject(raw.shown, "unsupported_format",
                                   f"{raw.shown}: format {fmt or '(none)'!r} is not one of {list(TABULAR_FORMATS)}; "
                                   "rename the file or set `format` on the source")
        return read_table(raw, fmt, source.encoding, source.sheet), None
    except DecodeFailure as exc:
        return Table(), Reject(_shown(path, root), exc.reason, exc.detail)


def resolve_columns(source: SourceConfig, table: Table) -> tuple[dict[str, str | list[str] | None], list[str]]:
    """Configured column names → the file's columns (plus recognised defaults); and the names not found."""
    nested = source.kind == "ticket" and source.columns.messages is not None
    mapping: dict[str, str | list[str] | None] = {}
    missing: list[str] = []
    for name in (*_TOP_FIELDS, *_MESSAGE_FIELDS, "messages", "file"):
        wanted = getattr(source.columns, name)
        if wanted is None and (name != "score" or source.score_type):
            wanted = table.defaults.get(name)
        if wanted is None or (nested and name in _MESSAGE_FIELDS):
            mapping[name] = wanted
            continue
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        found = [table.resolve(n) for n in names]
        missing += [n for n, f in zip(names, found, strict=True) if f is None and (table.records or table.columns)]
        resolved = [f or n for n, f in zip(names, found, strict=True)]
        mapping[name] = resolved[0] if isinstance(wanted, str) else resolved
    return mapping, missing


def _missing_columns(source: SourceConfig, table: Table, path: Path, root: Path, missing: list[str]) -> Reject:
    have = table.columns if table.columns is not None else sorted({k for r in table.records[:50] for k in r.values})
    return Reject(
        _shown(path, root), "missing_column",
        f"columns {missing} named in source {source.name!r} are not in the file (it has {have[:30]}); "
        "fix `columns` in voc.yaml or the export",
    )


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _read_calls(source: SourceConfig, root: Path, files: list[Path]) -> tuple[list[RawItem], list[Reject]]:
    rejects: list[Reject] = []
    by_file: dict[str, Record] = {}
    index_path = (root / source.index).resolve() if source.index else None  # read_source leaves it out of `files`
    mapping: dict[str, str | list[str] | None] = {name: getattr(source.columns, name) for name in (*_TOP_FIELDS, "file")}
    if index_path is not None:
        table, reject = _open_table(source, root, index_path, fmt="csv")
        index_mapping, missing = resolve_columns(source, table)
        if reject is None and missing:
            reject = _missing_columns(source, table, index_path, root, missing)
        if reject is not None:
            rejects.append(reject)
        else:
            rejects.extend(table.rejects)
            mapping = index_mapping
            by_file = {Path(name).name: r for r in table.records if (name := value_of(r.values, mapping["file"]))}
    items: list[RawItem] = []
    for path in files:
        fmt = source.format if source.format != "auto" else format_of(path)
        if fmt not in TRANSCRIPT_FORMATS:
            rejects.append(Reject(_shown(path, root), "unsupported_format",
                                  f"format {fmt or '(none)'!r} is not a transcript format {list(TRANSCRIPT_FORMATS)}"))
            continue
        try:
            items.append(call_item(source, read_bytes(path, root), fmt, by_file.pop(path.name, None), mapping))
        except DecodeFailure as exc:
            by_file.pop(path.name, None)
            rejects.append(Reject(_shown(path, root), exc.reason, exc.detail))
    for name, record in by_file.items():
        rejects.append(Reject(record.locator, "missing_file",
                              f"call file {name!r} listed in the index is not among the files matching {source.path!r}", record.raw))
    return items, rejects
