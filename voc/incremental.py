"""What a night can take over from the last run instead of recomputing it.

- A source whose files (by content hash), source config and text settings are unchanged is not read
  again: its feedback, units and quarantine rows come from the last run.
- In a source that changed, an item whose id and content hash are unchanged keeps its redacted messages
  and units from the last run; only new or changed items go through spaCy.
- Texts are never encoded twice (the vector and score caches, keyed by text hash and model identity).
- Topics stand as they are when their inputs are unchanged (the units, their vectors' identity, the topics
  settings). When only units were added, the new units join the standing topics and earlier units keep
  theirs, until a refit is due (voc.topics.standing: enough new units, new themes, or an old fit).

Fingerprints are SHA-256 digests over JSON or over polars row hashes; they include the versions of the
libraries that decide the result, so an upgrade recomputes everything once.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from voc.config import SourceConfig, TextConfig
from voc.schema import FEEDBACK, UNITS
from voc.sources.files import expand
from voc.store import file_digest

__all__ = ["digest", "frame_digest", "order_like", "reused_units", "same_order", "settings_fingerprint", "source_fingerprint",
           "source_inputs", "split_reusable", "versions"]

# versions that change how text is read, redacted, split and assigned a language
_DECISIVE = ("voc", "polars", "spacy", "lingua-language-detector")


def digest(*parts: Any) -> str:
    """SHA-256 of JSON-serialisable parts (pydantic models are dumped first)."""
    plain = [p.model_dump(mode="json") if hasattr(p, "model_dump") else p for p in parts]
    return hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def frame_digest(frame: pl.DataFrame) -> str:
    """SHA-256 over the rows of a frame, in order (a polars row hash with a fixed seed, plus the schema)."""
    rows = frame.hash_rows(seed=0).to_numpy() if frame.height else np.empty(0, np.uint64)
    head = json.dumps([[name, str(dtype)] for name, dtype in frame.schema.items()]).encode("utf-8")
    return hashlib.sha256(head + rows.astype("<u8").tobytes()).hexdigest()


def versions(names: tuple[str, ...] = _DECISIVE) -> dict[str, str]:
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def source_inputs(source: SourceConfig, root: Path) -> dict[str, str]:
    """Every file the source would read (index included), relative to root where possible → content hash."""
    files = expand(source.path, root)
    if source.index:
        files = sorted({*files, (root / source.index)})
    return {_shown(p, root): file_digest(p) for p in files if p.is_file()}


def settings_fingerprint(source: SourceConfig, text: TextConfig) -> str:
    """What decides how a source's items are read and prepared, files aside."""
    return digest("source settings", source, text, versions())


def source_fingerprint(settings: str, inputs: dict[str, str]) -> str:
    return digest("source", settings, inputs)


def split_reusable(feedback: pl.DataFrame, previous: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(items to prepare, items whose earlier preparation stands) of one source's freshly collected FEEDBACK rows
    (raw text). `previous`: the source's rows of the last run, prepared under the same settings (else empty).
    An item stands when it has the same id and content hash; the second frame is the fresh rows with their
    messages replaced by the earlier redacted ones and their language by the earlier detected one."""
    if previous.height == 0:
        return feedback, feedback.clear()
    earlier = previous.select("feedback_id", "content_hash", pl.col("messages").alias("redacted"),
                              pl.col("language").alias("detected"))
    joined = feedback.join(earlier, on=["feedback_id", "content_hash"], how="left", maintain_order="left")
    fresh = joined.filter(pl.col("redacted").is_null()).drop("redacted", "detected")
    kept = (joined.filter(pl.col("redacted").is_not_null())
            .with_columns(messages=pl.col("redacted"), language=pl.col("detected")).drop("redacted", "detected"))
    return fresh, kept


def reused_units(feedback: pl.DataFrame, previous_units: pl.DataFrame) -> pl.DataFrame:
    """UNITS of kept items: text, segmentation and language from the last run, item fields from tonight's rows, and no
    scores, topics or stages (tonight's steps give those)."""
    from voc.text.prepare import units_of_items  # noqa: PLC0415  (keeps spaCy out of importing this module)

    segments = previous_units.join(feedback.select("feedback_id"), on="feedback_id", how="semi").select(
        "unit_id", "feedback_id", "message_index", "unit_index", "text", "capped", pl.col("created_at").alias("sent_at"),
        "language", "language_confidence")
    return units_of_items(segments, feedback)


def order_like(units: pl.DataFrame, feedback: pl.DataFrame) -> pl.DataFrame:
    """Units in the order a full preparation gives: by item (feedback order), message, unit."""
    position = feedback.select("feedback_id", pl.int_range(pl.len()).alias("_item"))
    ordered = units.join(position, on="feedback_id", how="left").sort("_item", "message_index", "unit_index")
    return UNITS.conform(ordered.drop("_item"))


def same_order(frame: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """FEEDBACK rows of `frame` ordered as `reference` (the freshly collected rows) orders them."""
    position = reference.select("feedback_id", pl.int_range(pl.len()).alias("_item"))
    return FEEDBACK.conform(frame.join(position, on="feedback_id", how="left").sort("_item").drop("_item"))


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
