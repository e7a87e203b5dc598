"""The nightly steps as plain functions, in order; `run` chains them under the workspace lock.

collect  → read every source: feedback rows (raw text) + quarantine rows, counted per source
prepare  → redact every message, split customer messages into units (spaCy)
score    → per unit: a vector (encoder) and sentiment + frustration scores, in one pass, through the on-disk
           caches (each text goes through the models once, ever); items get scores aggregated from their units
topics   → BERTopic on the same vectors; topics matched to the registry of earlier runs (stable ids, lineage)
journey  → stage per unit; pain points and motivations per (stage, topic); the enriched journey map
publish  → write the tables and run.json to out/<run_id>/, then switch out/latest

The topic registry and its lineage history travel with each run (out/<run_id>/topic_registry.parquet,
topic_lineage.parquet): a run reads them from out/latest, so they change exactly when latest does.
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
from typing import Any

import numpy as np
import polars as pl

from voc.config import Workspace
from voc.errors import VocError
from voc.journey.enrich import enriched_map
from voc.journey.stages import StageEvidence, assign_stages, stage_texts
from voc.journey.typing import group_scores, insight_kind
from voc.insights.stage_insights import stage_insights, stage_topic_scores
from voc.scoring.cache import VectorCache
from voc.scoring.embed import embed_texts
from voc.scoring.scorer import Scorer
from voc.scoring.scores import aggregate_items, with_unit_scores
from voc.schema import (FEEDBACK, QUARANTINE, STAGE_INSIGHTS, TOPIC_LINEAGE, TOPIC_REGISTRY, TOPICS, UNASSIGNED, UNITS,
                        Table)
from voc.sources import Collected, read_source
from voc.sources.files import expand
from voc.store import RunFolder, Store, file_digest
from voc.text.cues import motivation_cues
from voc.text.lemmas import Lemmatized, lemmatize, load_lemmatizer
from voc.text.prepare import Prepared, distinct_texts, prepare, redact_column
from voc.topics.fit import Embed, TopicFit, fit_topics
from voc.topics.registry import MatchSettings, Matched, NightTopics, match_topics
from voc.topics.table import topics_table
from voc.topics.vectors import fit_sample, topic_vectors

__all__ = ["RunResult", "Topics", "collect", "journey", "prepare_feedback", "publish", "run", "score_units", "topics", "topics_fit"]

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


@dataclass
class Models:
    """The scorer of a workspace and its two caches; `encode` gives cached vectors of any texts."""

    scorer: Scorer
    vector_cache: VectorCache
    score_cache: VectorCache

    @classmethod
    def of(cls, workspace: Workspace, store: Store) -> Models:
        scorer = Scorer(workspace.config.models, workspace.root)
        return cls(scorer, VectorCache(store.cache_dir / "vectors", scorer.vector_identity),
                   VectorCache(store.cache_dir / "scores", scorer.score_identity))

    def encode(self, texts: list[str]) -> np.ndarray:
        return embed_texts(texts, self.scorer, self.vector_cache, self.score_cache)[0]


def score_units(
    models: Models, prepared: Prepared, tick: Callable[[int], None] | None = None, refresh: bool = False,
) -> tuple[np.ndarray, Prepared, dict]:
    """Vectors of the units (rows in units order), units and feedback with their scores, and what it cost:
    cached vs computed. `refresh` recomputes every text (and stores the fresh results)."""
    units = prepared.units
    vectors, scores, stats = embed_texts(units["text"].to_list(), models.scorer, models.vector_cache, models.score_cache,
                                         tick, refresh)
    scored = with_unit_scores(units, scores, keep_probabilities=True)
    items = aggregate_items(scored)
    feedback = prepared.feedback.drop(items.columns[1:], strict=False).join(items, on="feedback_id", how="left")
    report = {**models.scorer.describe(), **stats.as_dict(),
              "cache_warnings": models.vector_cache.warnings + models.score_cache.warnings}
    return vectors, Prepared(FEEDBACK.conform(feedback), UNITS.conform(with_unit_scores(units, scores)), prepared.stats), report


@dataclass
class Topics:
    units: pl.DataFrame  # UNITS with topic_id
    fit: TopicFit
    matched: Matched
    lineage: pl.DataFrame  # TOPIC_LINEAGE: the history of earlier runs plus tonight's events
    report: dict


def topics(workspace: Workspace, store: Store, units: pl.DataFrame, vectors: np.ndarray, encode: Embed,
           run_id: str, vector_identity: str) -> Topics:
    """Fit tonight's topics and give them the registry's stable ids."""
    config = workspace.config.topics
    fit = topics_fit(workspace, units, vectors, encode)
    previous = store.latest_run()
    registry = _read_or_empty(previous, TOPIC_REGISTRY)
    night = NightTopics(fit.labels, fit.keywords, [int((fit.assignments == t).sum()) for t in range(fit.count)], fit.centroids)
    r = config.registry
    matched = match_topics(registry, night, run_id, vector_identity, MatchSettings(r.threshold, r.lineage_threshold, r.keyword_weight))
    stable = np.asarray(matched.stable_ids, dtype=np.int64)
    topic_ids = np.where(fit.assignments < 0, -1, stable[np.maximum(fit.assignments, 0)] if fit.count else -1)
    lineage = pl.concat([_read_or_empty(previous, TOPIC_LINEAGE), matched.events])
    events = matched.events["event"].cast(pl.String).value_counts(sort=True)
    report = {**fit.report, "registry_topics": matched.registry.height, "lineage": dict(events.iter_rows())}
    return Topics(units.with_columns(topic_id=pl.Series(topic_ids, dtype=pl.Int64)), fit, matched, lineage, report)


def journey(workspace: Workspace, units: pl.DataFrame, vectors: np.ndarray, encode: Embed, topic: Topics, run_id: str
            ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict, dict]:
    """(units with stages, topics table, stage insights, enriched map, report). A unit of a source with a fixed
    `stage` already carries it (prepare); the others are assigned here."""
    config, journey_map = workspace.config.journey, workspace.journey_map
    texts, owner = stage_texts(journey_map)
    evidence = StageEvidence(vectors, _item_index(units), units["topic_id"].to_numpy(), units["channel"].to_list(),
                             units["stage_id"].to_list())
    stage_ids, confidence, report = assign_stages(evidence, encode(texts), owner, journey_map, config)
    units = units.with_columns(stage_id=pl.Series(stage_ids, dtype=pl.String), stage_confidence=pl.Series(confidence))
    scored = units.with_columns(motivation_cue=pl.Series(motivation_cues(units["text"].to_list()), dtype=pl.Boolean))
    per_topic = (group_scores(scored.filter(pl.col("topic_id") >= 0), ["topic_id"])
                 .with_columns(kind=insight_kind(config))
                 .join(_main_stage(scored), on="topic_id", how="left")
                 .select("topic_id", "kind", "sentiment_mean", "frustration_rate", "stage_id"))
    table = topics_table(topic.fit, topic.matched, dict(topic.matched.registry.select("topic_id", "first_seen_run").iter_rows()),
                         per_topic, units.height)
    insights = stage_insights(scored, table, journey_map, config, workspace.config.topics.quotes)
    kinds = stage_topic_scores(scored, config)["kind"].value_counts(sort=True)
    report = {**report, "stage_topics": dict(kinds.iter_rows()), "insights": insights.height}
    return UNITS.conform(units), table, insights, enriched_map(journey_map, units, insights, run_id), report


def _item_index(units: pl.DataFrame) -> np.ndarray:
    return units["feedback_id"].rank("dense").cast(pl.Int64).to_numpy() - 1


def topics_fit(workspace: Workspace, units: pl.DataFrame, vectors: np.ndarray, encode: Embed) -> TopicFit:
    """Tonight's topics under local ids: item-context vectors, a sample stratified by source and month, BERTopic."""
    config = workspace.config.topics
    clustered = topic_vectors(vectors, _item_index(units), config.context_weight)
    strata = units.select(pl.concat_str(pl.col("source"), pl.col("created_at").dt.strftime("%Y-%m").fill_null("-"),
                                        separator="|"))
    sample = fit_sample(units["unit_id"].to_list(), strata.to_series().to_list(), config.sample_size, config.seed)
    texts = units["text"].to_list()
    lemmas = _lemmas(units)
    return fit_topics(texts, vectors, clustered, sample, [lemmas.document(t) for t in texts], lemmas.surface, config, encode)


def _main_stage(units: pl.DataFrame) -> pl.DataFrame:
    """Per topic, the stage most of its assigned units are in ('unassigned' when none is)."""
    placed = units.filter((pl.col("topic_id") >= 0) & (pl.col("stage_id") != UNASSIGNED))
    main = (placed.group_by("topic_id", "stage_id").agg(pl.len().alias("n"))
            .sort(["topic_id", "n", "stage_id"], descending=[False, True, False]).unique("topic_id", keep="first"))
    return main.select("topic_id", "stage_id")


def _lemmas(units: pl.DataFrame) -> Lemmatized:
    parts = [lemmatize(group["text"].to_list(), load_lemmatizer(language))
             for (language,), group in units.group_by("language", maintain_order=True)]
    return Lemmatized.combine(parts)


def _read_or_empty(run: Path | None, table: Table) -> pl.DataFrame:
    path = run / f"{table.name}.parquet" if run is not None else None
    return table.conform(pl.read_parquet(path)) if path is not None and path.exists() else table.empty()


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


def publish(store: Store, folder: RunFolder, tables: list[tuple[Table, pl.DataFrame]], documents: dict[str, Any],
            manifest: dict) -> Path:
    """Write the tables, JSON documents and run.json into the run's staging folder, then publish it as
    out/<run_id> and out/latest."""
    for table, frame in tables:
        folder.write_table(frame, table)
    folder.write_csv(tables_by_name(tables)[STAGE_INSIGHTS.name], STAGE_INSIGHTS)
    for name, payload in documents.items():
        folder.write_json(name, payload)
    manifest["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    folder.write_json("run.json", manifest)
    return store.publish(folder)


def tables_by_name(tables: list[tuple[Table, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    return {table.name: frame for table, frame in tables}


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
        models = Models.of(workspace, store)
        with step("score", total=prepared.units["text"].n_unique()) as tick:
            vectors, prepared, scoring = score_units(models, prepared, tick, refresh=full)
        folder = store.begin(started)
        with store.discarding(folder):
            with step("topics"):
                topic = topics(workspace, store, prepared.units, vectors, models.encode, folder.run_id,
                               models.scorer.vector_identity)
            with step("journey"):
                units, topic_table, insights, enriched, journey_report = journey(
                    workspace, topic.units, vectors, models.encode, topic, folder.run_id)
            manifest = {
                "run_id": folder.run_id,
                "started_at": started.isoformat(timespec="seconds"),
                "full": full,
                "config": {"path": str(workspace.config_path), "sha256": file_digest(workspace.config_path)},
                "journey_map": workspace.journey_map.name,
                "sources": source_report(workspace, collected),
                "counts": {"feedback": prepared.feedback.height, "units": units.height, "quarantined": quarantine.height,
                           "topics": topic_table.height, "stage_insights": insights.height},
                "text": prepared.stats,
                "scoring": scoring,
                "topics": topic.report,
                "journey": journey_report,
                "models": workspace.config.models.model_dump(),
                "seeds": {"topics": workspace.config.topics.seed},
                "versions": _versions(),
                "timings_s": timings,
            }
            with step("publish"):
                tables = [(FEEDBACK, prepared.feedback), (UNITS, units), (QUARANTINE, quarantine), (TOPICS, topic_table),
                          (STAGE_INSIGHTS, insights), (TOPIC_REGISTRY, topic.matched.registry), (TOPIC_LINEAGE, topic.lineage)]
                path = publish(store, folder, tables, {"journey_map.enriched.json": enriched}, manifest)
    return RunResult(run_id=folder.run_id, path=path, manifest=manifest, timings=timings)


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
