"""The nightly steps as plain functions, in order; `run` chains them under the workspace lock.

collect  → read every source: feedback rows (raw text) + quarantine rows, counted per source
prepare  → redact every message, split customer messages into units (spaCy)
score    → per unit: a vector (encoder) and sentiment + frustration scores, in one pass, through the on-disk
           caches (each text goes through the models once, ever); items get scores aggregated from their units
publish  → write the tables and run.json to out/<run_id>/, then switch out/latest
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import polars as pl

from voc.config import Workspace
from voc.errors import VocError
from voc.scoring.cache import VectorCache
from voc.scoring.embed import embed_texts
from voc.scoring.scorer import Scorer
from voc.scoring.scores import aggregate_items, with_unit_scores
from voc.schema import FEEDBACK, QUARANTINE, UNITS, Table
from voc.sources import Collected, read_source
from voc.sources.files import expand
from voc.store import Store, file_digest
from voc.text.prepare import Prepared, distinct_texts, prepare, redact_column

__all__ = ["RunResult", "collect", "prepare_feedback", "publish", "run", "score_units"]

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (step, units of work done so far, total; 0 when unknown)
_VERSIONED = ("voc", "polars", "spacy", "pydantic", "pyarrow", "torch", "transformers", "sentence-transformers", "bertopic", "prefect")


@dataclass
class RunResult:
    run_id: str
    path: Path
    manifest: dict
    timings: dict[str, float] = field(default_factory=dict)


def collect(workspace: Workspace) -> list[Collected]:
    """Read every source of the workspace; a source that fails as a whole never stops the others."""
    return [read_source(source, workspace.root, exclude=workspace.output_dir) for source in workspace.config.sources]


def prepare_feedback(
    workspace: Workspace, collected: list[Collected], tick: Callable[[int], None] | None = None
) -> tuple[Prepared, pl.DataFrame]:
    """Redacted feedback and units of all sources, and the quarantine of all sources (raw text redacted too)."""
    feedback = pl.concat([c.feedback for c in collected]) if collected else FEEDBACK.empty()
    prepared = prepare(feedback, workspace.config.text, tick=tick)
    quarantine = pl.concat([c.quarantine for c in collected]) if collected else QUARANTINE.empty()
    quarantine = redact_column(redact_column(quarantine, "raw", workspace.config.text), "detail", workspace.config.text)
    return prepared, QUARANTINE.conform(quarantine)


def score_units(
    workspace: Workspace, store: Store, prepared: Prepared, tick: Callable[[int], None] | None = None,
    refresh: bool = False,
) -> tuple[np.ndarray, Prepared, dict]:
    """Vectors of the units (rows in units order), units and feedback with their scores, and what it cost:
    cached vs computed. `refresh` recomputes every text (and stores the fresh results)."""
    scorer = Scorer(workspace.config.models, workspace.root)
    vector_cache = VectorCache(store.cache_dir / "vectors", scorer.vector_identity)
    score_cache = VectorCache(store.cache_dir / "scores", scorer.score_identity)
    units = prepared.units
    vectors, scores, stats = embed_texts(units["text"].to_list(), scorer, vector_cache, score_cache, tick, refresh)
    scored = with_unit_scores(units, scores, keep_probabilities=True)
    items = aggregate_items(scored)
    feedback = prepared.feedback.drop(items.columns[1:], strict=False).join(items, on="feedback_id", how="left")
    report = {**scorer.describe(), **stats.as_dict(), "cache_warnings": vector_cache.warnings + score_cache.warnings}
    return vectors, Prepared(FEEDBACK.conform(feedback), UNITS.conform(with_unit_scores(units, scores)), prepared.stats), report


def source_report(workspace: Workspace, collected: list[Collected]) -> dict:
    """Per source: files, read = used + quarantined, reasons, warnings and input hashes."""
    report = {}
    for source, c in zip(workspace.config.sources, collected, strict=True):
        reasons = c.quarantine["reason"].cast(pl.String).value_counts(sort=True) if c.quarantined else None
        files = expand(source.path, workspace.root)
        report[c.source] = {
            "kind": source.kind,
            "files": c.files,
            "read": c.read,
            "used": c.used,
            "quarantined": c.quarantined,
            "quarantine_reasons": dict(reasons.iter_rows()) if reasons is not None else {},
            "warnings": c.warnings,
            "inputs": {str(p.relative_to(workspace.root)) if p.is_relative_to(workspace.root) else str(p): file_digest(p)
                       for p in files},
        }
    return report


def publish(store: Store, run_id_time: datetime, tables: list[tuple[Table, pl.DataFrame]], manifest: dict) -> tuple[str, Path]:
    """Write the tables and run.json into a staging folder, then publish it as out/<run_id> and out/latest."""
    folder = store.begin(run_id_time)
    manifest = {"run_id": folder.run_id, **manifest}
    for table, frame in tables:
        folder.write_table(frame, table)
    manifest["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    folder.write_json("run.json", manifest)
    return folder.run_id, store.publish(folder)


def run(workspace: Workspace, full: bool = False, progress: Progress | None = None) -> RunResult:
    """One nightly run, now. Holds the workspace lock; returns where the run was published.

    `progress(step, done, total)` is called when a step starts and as its work advances."""
    store = Store(workspace.output_dir)
    started = datetime.now(UTC)
    timings: dict[str, float] = {}

    @contextmanager
    def step(name: str, total: int = 0) -> Iterator[Callable[[int], None]]:
        done = 0

        def tick(amount: int) -> None:
            nonlocal done
            done += amount
            if progress:
                progress(name, done, total)

        tick(0)
        t0 = time.perf_counter()
        yield tick
        if progress:
            progress(name, max(total, 1), max(total, 1))  # finished
        timings[name] = round(time.perf_counter() - t0, 3)
        log.info("step %s took %.1f s", name, timings[name])

    with store.lock():
        with step("collect"):
            collected = collect(workspace)
        if not any(c.files for c in collected):
            raise VocError(f"no source has any file (checked {', '.join(s.path for s in workspace.config.sources)} "
                           f"under {workspace.root}); nothing was published and out/latest is unchanged")
        feedback_count = sum(c.used for c in collected)
        texts = distinct_texts(pl.concat([c.feedback for c in collected])) if feedback_count else 0
        with step("prepare", total=texts) as tick:
            prepared, quarantine = prepare_feedback(workspace, collected, tick)
        with step("score", total=prepared.units["text"].n_unique()) as tick:
            _vectors, prepared, scoring = score_units(workspace, store, prepared, tick, refresh=full)
        manifest = {
            "started_at": started.isoformat(timespec="seconds"),
            "full": full,
            "config": {"path": str(workspace.config_path), "sha256": file_digest(workspace.config_path)},
            "journey_map": workspace.journey_map.name,
            "sources": source_report(workspace, collected),
            "counts": {"feedback": prepared.feedback.height, "units": prepared.units.height, "quarantined": quarantine.height},
            "text": prepared.stats,
            "scoring": scoring,
            "models": workspace.config.models.model_dump(),
            "seeds": {"topics": workspace.config.topics.seed},
            "versions": _versions(),
            "timings_s": timings,
        }
        with step("publish"):
            tables = [(FEEDBACK, prepared.feedback), (UNITS, prepared.units), (QUARANTINE, quarantine)]
            run_id, path = publish(store, started, tables, manifest)
    return RunResult(run_id=run_id, path=path, manifest=manifest, timings=timings)


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
