"""The nightly steps as plain functions, in order. Each takes the night and the paths earlier steps wrote,
and returns the path of what it wrote; `run` chains them, and flows/nightly.py wraps each one as a task.

collect  → per source: files and content hashes; a source unchanged since the last run is not read again
prepare  → redact and split into units the new or changed items; unchanged items keep last run's units
score    → per unit a vector and sentiment + frustration, through the on-disk caches (each text is encoded
           once, ever); items get scores aggregated from their units
topics   → BERTopic on the same vectors, fitted on a window of recent units; ids from the topic registry.
           Topics whose inputs did not change since the last run are taken over, not refitted
journey  → stage per unit; topic kinds (pain point, motivation) and the topics table
insights → pain points and motivations per (stage, topic); the enriched journey map
export   → every table into the run folder (parquet, csv, json, JSON Schemas) and the map-tools CSV
report   → report.html
finish   → run.json, then out/latest switches to this run

Raw feedback text stays in memory between collect and prepare: nothing unredacted is written to disk.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import platform
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from voc.config import ModelsConfig, SourceConfig, TextConfig, Workspace
from voc.errors import VocError
from voc.export import write_database, write_exports
from voc.export.alerts import send_webhook, slack_payload
from voc.export.report import write_report
from voc.groups import MODEL_WINDOW_CHARS, whole_messages
from voc.incremental import (digest, frame_digest, order_like, reused_units, same_order, settings_fingerprint,
                             source_fingerprint, source_inputs, split_reusable, versions)
from voc.insights.impact import impact
from voc.insights.stage_insights import stage_insights, stage_topic_scores, with_evidence
from voc.insights.trends import spikes, topic_trends
from voc.journey.enrich import enriched_map, with_territory
from voc.journey.fragmentation import fragmentation, stage_fragmentation
from voc.journey.paths import candidate_stages, customer_paths, flow_summary, transitions
from voc.journey.stages import StageEvidence, assign_stages, stage_texts, stage_tone, tone_texts
from voc.journey.typing import group_scores, insight_kind
from voc.night import Night, Progress, open_night
from voc.scoring.cache import VectorCache
from voc.scoring.embed import Block, RunBlocks, embed_texts
from voc.scoring.scorer import Scorer, measured_languages
from voc.scoring.scores import PROBABILITY_COLUMNS, aggregate_items, with_unit_scores
from voc.schema import (ALERTS, CUSTOMER_PATHS, FEEDBACK, FRAGMENTATION, QUARANTINE, STAGE_INSIGHTS, TOPIC_LINEAGE,
                        TOPIC_REGISTRY, TOPICS, TRANSITIONS, UNASSIGNED, UNITS, Table)
from voc.sources import Collected, read_source
from voc.store import file_digest
from voc.text.cues import motivation_cues
from voc.text.lemma_worker import lemmas_meanwhile
from voc.text.prepare import Prepared, distinct_texts, prepare as prepare_items, redact_column
from voc.text.small_talk import small_talk
from voc.topics.fit import Embed, TopicFit, fit_topics
from voc.topics.layout import use_numba_cache
from voc.topics.registry import MatchSettings, NightTopics, match_topics
from voc.topics.standing import fit_record, join_standing, refit_reason, standing_rows
from voc.topics.table import SCORED_COLUMNS, topic_rows, with_topic_scores
from voc.topics.vectors import fit_sample, item_context, topic_vectors

__all__ = ["Models", "RunBatches", "RunResult", "SourceNight", "collect", "export", "finish", "insights", "journey", "prepare",
           "prepare_batch", "manifest", "notify", "preload_libraries", "read_sources", "report", "run", "score", "score_block", "topics", "topics_fit",
           "unreadable_sources"]

log = logging.getLogger(__name__)
_VERSIONED = ("voc", "polars", "spacy", "pydantic", "pyarrow", "torch", "transformers", "sentence-transformers", "bertopic", "prefect")
_TOPIC_LIBRARIES = ("voc", "polars", "spacy", "bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy")
_TOPIC_INPUTS = ("unit_id", "feedback_id", "source", "language", "created_at", "text")
_STEP_LIBRARIES = ("sentence_transformers", "spacy", "bertopic")  # what prepare, score and topics load on first use


@dataclass
class RunResult:
    run_id: str
    path: Path
    manifest: dict


def preload_libraries() -> None:
    """Import the libraries the steps load on first use (about 5 s on 2 cores). Called in a background thread while a
    flow runner starts (Prefect's ephemeral API server takes seconds to come up), so the steps find them imported. A
    library that fails to import is left to the step that needs it, which reports the problem."""
    use_numba_cache()  # before BERTopic imports numba
    for name in _STEP_LIBRARIES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001  (any import failure is the step's to report)
            log.debug("preloading %s failed: %s", name, exc)


def read_sources(workspace: Workspace) -> list[Collected]:
    """Read every source of the workspace; a source that fails as a whole never stops the others."""
    return [read_source(source, workspace.root, exclude=workspace.output_dir) for source in workspace.config.sources]


@dataclass
class Models:
    """The scorer of a workspace and its two caches; `encode` gives cached vectors of any texts."""

    scorer: Scorer
    vector_cache: VectorCache
    score_cache: VectorCache

    @classmethod
    def of(cls, workspace: Workspace, cache_dir: Path) -> Models:
        scorer = Scorer(workspace.config.models, workspace.root)
        return cls(scorer, VectorCache(cache_dir / "vectors", scorer.vector_identity),
                   VectorCache(cache_dir / "scores", scorer.score_identity))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors alone: a text not in the vector cache goes through the encoder, not the scoring models."""
        return embed_texts(texts, self.scorer, self.vector_cache, self.score_cache, with_scores=False)[0]

    def encode_and_score(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, scores: p_neg, p_neu, p_pos, p_frustrated), cached like the units'."""
        vectors, scores, _ = embed_texts(texts, self.scorer, self.vector_cache, self.score_cache)
        return vectors, scores


def _models(night: Night) -> Models:
    """One Models per night (weights load once even when several steps encode)."""
    if "models" not in night.memo:
        night.memo["models"] = Models.of(night.workspace, night.store.cache_dir)
    return night.memo["models"]


# ---------------------------------------------------------------- collect


@dataclass(frozen=True)
class SourceNight:
    """One source tonight: its fingerprints and what was read (None when it is unchanged since the last run, or
    unavailable: no file of it could be found tonight although the last run read some)."""

    config: SourceConfig
    settings: str  # fingerprint of the source and text settings
    fingerprint: str  # settings and the content of every input file
    inputs: dict[str, str]
    collected: Collected | None
    last: dict[str, Any]  # the last run's report of this source
    unavailable: bool = False

    @property
    def reused(self) -> bool:
        return self.collected is None


def collect(night: Night) -> list[SourceNight]:
    """Hash every source's files; read the sources that changed since the last run (all with `full`). A source
    whose files are all gone (a share or mount away, a folder moved mid-night) while the last run read some is
    unavailable: its items of the last run stand, with a warning, and the other sources run as usual."""
    workspace = night.workspace
    last_sources = night.previous_manifest().get("sources", {})
    with night.step("collect"):
        sources = []
        for source in workspace.config.sources:
            settings = settings_fingerprint(source, workspace.config.text)
            inputs = source_inputs(source, workspace.root)
            fingerprint = source_fingerprint(settings, inputs)
            last = last_sources.get(source.name, {})
            unchanged = not night.full and last.get("fingerprint") == fingerprint and bool(inputs)
            collected = None if unchanged else read_source(source, workspace.root, exclude=workspace.output_dir)
            if collected is not None and not collected.files and last.get("files") and night.previous is not None:
                sources.append(SourceNight(source, last.get("settings", settings), last.get("fingerprint", fingerprint),
                                           last.get("inputs", {}), None, last, unavailable=True))
                warning = (f"source {source.name} is unavailable: no file matches {source.path!r} under {workspace.root} "
                           f"(the last run read {last['files']}); its items of run {night.previous.name} are kept")
                if warning not in night.warnings:  # (collect may be tried again)
                    night.warnings.append(warning)
                    log.warning(warning)
                continue
            sources.append(SourceNight(source, settings, fingerprint, inputs, collected, last))
        night.record("collect", {"sources": {s.config.name: _source_report(s) for s in sources}})
    if not any(_source_report(s)["files"] for s in sources if not s.unavailable):
        raise VocError(f"no source has any file (checked {', '.join(s.path for s in workspace.config.sources)} "
                       f"under {workspace.root}); nothing was published and out/latest is unchanged")
    return sources


def unreadable_sources(sources: list[SourceNight]) -> list[str]:
    """Sources with a file that could not be read tonight (a share or mount away), or with no file at all where
    the last run had some: worth another try."""
    return [s.config.name for s in sources if s.unavailable
            or (s.collected is not None and (s.collected.quarantine["reason"] == "unreadable_file").any())]


def _source_report(source: SourceNight) -> dict[str, Any]:
    """Per source: files, read = used + quarantined, reasons, warnings, input hashes and fingerprints."""
    fingerprints = {"settings": source.settings, "fingerprint": source.fingerprint, "inputs": source.inputs}
    if source.collected is None:
        return {**source.last, **fingerprints, "reused": True, "unavailable": source.unavailable}
    c = source.collected
    reasons = c.quarantine["reason"].cast(pl.String).value_counts(sort=True) if c.quarantined else None
    return {"kind": source.config.kind, "files": c.files, "read": c.read, "used": c.used, "quarantined": c.quarantined,
            "quarantine_reasons": dict(reasons.iter_rows()) if reasons is not None else {}, "warnings": c.warnings,
            **fingerprints, "reused": False}


# ---------------------------------------------------------------- prepare


RunBatches = Callable[[list[pl.DataFrame]], list[Prepared]]


def prepare(night: Night, sources: list[SourceNight], run_batches: RunBatches | None = None) -> Path:
    """Redacted feedback, units and quarantine of all sources; only new or changed items go through spaCy, in
    batches of `executor.batch_items` items: one after the other here, or all at once by `run_batches`."""
    text = night.workspace.config.text
    last = {name: _read_last(night, table) for name, table in (("feedback", FEEDBACK), ("units", UNITS), ("quarantine", QUARANTINE))}
    fresh, kept, order, quarantine = [], [], [], []
    for source in sources:
        name = source.config.name
        last_feedback = last["feedback"].filter(pl.col("source") == name)
        if source.collected is None:
            kept.append(last_feedback)
            order.append(last_feedback.select("feedback_id"))
            quarantine.append(last["quarantine"].filter(pl.col("source") == name))
            continue
        same_settings = not night.full and source.last.get("settings") == source.settings
        to_prepare, standing = split_reusable(source.collected.feedback, last_feedback if same_settings else last_feedback.clear())
        fresh.append(to_prepare)
        kept.append(standing)
        order.append(source.collected.feedback.select("feedback_id"))
        quarantine.append(redact_column(redact_column(source.collected.quarantine, "raw", text), "detail", text))
    new_items = pl.concat(fresh) if fresh else FEEDBACK.empty()
    batches = [new_items.slice(start, night.workspace.config.executor.batch_items)
               for start in range(0, new_items.height, night.workspace.config.executor.batch_items)] or [new_items]
    with night.step("prepare", total=distinct_texts(new_items) if new_items.height else 0) as tick:
        if run_batches is None:
            parts = [prepare_items(batch, text, tick=tick) for batch in batches]
        else:
            parts = run_batches(batches)
            tick(distinct_texts(new_items) if new_items.height else 0)
        prepared = _combined(parts)
        standing = pl.concat(kept) if kept else FEEDBACK.empty()
        reference = pl.concat(order)
        feedback = same_order(pl.concat([prepared.feedback, FEEDBACK.conform(standing)]), reference)
        units = order_like(pl.concat([prepared.units, reused_units(standing, last["units"])]), feedback)
        quarantined = QUARANTINE.conform(pl.concat(quarantine))
        out = _save(night, "prepare", feedback=feedback, units=units, quarantine=quarantined)
        night.record("prepare", {"items_prepared": new_items.height, "items_reused": standing.height, "batches": len(parts),
                                 **prepared.stats,
                                 "counts": {"feedback": feedback.height, "units": units.height, "quarantined": quarantined.height}})
    return out


def prepare_batch(text: TextConfig, items: pl.DataFrame) -> Prepared:
    """One batch of items through redaction and splitting (a task of its own on a cluster)."""
    return prepare_items(items, text)


def _combined(parts: list[Prepared]) -> Prepared:
    """The batches as one: frames concatenated in order, counts added up, lists joined without repeats."""
    return Prepared(pl.concat([p.feedback for p in parts]), pl.concat([p.units for p in parts]),
                    functools.reduce(_merge_stats, (p.stats for p in parts), {}))


def _merge_stats(a: dict, b: dict) -> dict:
    merged = dict(a)
    for key, value in b.items():
        mine = merged.get(key)
        if isinstance(value, dict) and isinstance(mine, dict):
            merged[key] = dict(sorted(_merge_stats(mine, value).items()))
        elif isinstance(value, list) and isinstance(mine, list):
            merged[key] = list(dict.fromkeys(mine + value))
        elif isinstance(value, int | float) and isinstance(mine, int | float) and not isinstance(value, bool):
            merged[key] = mine + value
        else:
            merged[key] = value
    return merged


# ---------------------------------------------------------------- score


def score(night: Night, prepared: Path, run_blocks: RunBlocks | None = None) -> Path:
    """Vectors (rows in units order) and scores of every unit, and scores of every item: an item that is one
    message of several units within the models' window (voc.groups.whole_messages) is scored on its whole text
    (unless `models.item_scores: mean`), any other item gets its units' mean. Texts missing from the caches go
    through the models in blocks of `executor.batch_texts`: here, or all at once by `run_blocks` (each block then
    computed by `score_block`)."""
    units, feedback = _load(prepared, "units"), _load(prepared, "feedback")
    models = _models(night)
    texts, languages = units["text"].to_list(), units["language"].to_list()
    whole, whole_rows = (whole_messages(_item_index(units), _message_index(units), texts, MODEL_WINDOW_CHARS)
                         if night.workspace.config.models.item_scores == "whole" else ([], []))
    whole_languages = [Counter(languages[i] for i in rows).most_common(1)[0][0] for rows in whole_rows]
    with night.step("score", total=units["text"].n_unique() + len(set(whole))) as tick:
        embed = functools.partial(embed_texts, model=models.scorer, vector_cache=models.vector_cache,
                                  score_cache=models.score_cache, tick=tick, refresh=night.full, run_blocks=run_blocks,
                                  block_size=night.workspace.config.executor.batch_texts)
        vectors, scores, stats = embed(texts, languages=languages)
        # Whole items: their vectors and the main models' scores, asked for without languages, so that the vectors are
        # batched as when the topic step asks for vectors alone; then the scores of those that other models score.
        _, whole_scores, whole_stats = embed(whole)
        routed = [i for i, language in enumerate(whole_languages) if models.scorer.score_route(language)]
        _, routed_scores, routed_stats = embed([whole[i] for i in routed], languages=[whole_languages[i] for i in routed],
                                               tick=None, with_vectors=False)
        whole_scores[routed] = routed_scores
        probabilities = ("feedback_id", *PROBABILITY_COLUMNS, "frustration")
        scored = with_unit_scores(units, scores, keep_probabilities=True)
        read_whole = units["feedback_id"].gather([rows[0] for rows in whole_rows])
        items = aggregate_items(pl.concat([
            scored.filter(~pl.col("feedback_id").is_in(read_whole.implode())).select(probabilities),
            with_unit_scores(read_whole.to_frame(), whole_scores, keep_probabilities=True).select(probabilities),
        ]))
        feedback = feedback.drop(items.columns[1:], strict=False).join(items, on="feedback_id", how="left", maintain_order="left")
        out = _save(night, "score", feedback=FEEDBACK.conform(feedback), units=UNITS.conform(with_unit_scores(units, scores)))
        np.save(out / "vectors.npy", vectors)
        _warn_uncovered_languages(night, units)
        night.record("score", {**models.scorer.describe(), **stats.as_dict(),
                               "items_read_whole": {"items": len(whole), "encoded": whole_stats.encoded,
                                                    "rescored_in_their_language": routed_stats.encoded,
                                                    "encode_s": round(whole_stats.encode_s + routed_stats.encode_s, 3)},
                               "languages_measured": sorted(measured_languages(models.scorer)),
                               "cache_warnings": models.vector_cache.warnings + models.score_cache.warnings})
    return out


_ENGLISH_ENCODER_SHARE = 0.05  # of units in other languages, from which the English default encoder is worth a warning


def _warn_uncovered_languages(night: Night, units: pl.DataFrame) -> None:
    """The default encoder is English: units in other languages group by language rather than by subject."""
    if night.workspace.config.models.encoder != "default" or units.is_empty():
        return
    other = units.filter(pl.col("language") != "en")["language"].value_counts(sort=True)
    if other["count"].sum() >= _ENGLISH_ENCODER_SHARE * units.height:
        languages = ", ".join(f"{language}: {n}" for language, n in other.iter_rows())
        warning = (f"{other['count'].sum()} of {units.height} units are not in English ({languages}) and models.encoder is "
                   "the English default: their topics and stages follow their language more than their subject; "
                   "set models.encoder: multilingual to put every language in one space")
        night.warnings.append(warning)
        log.warning(warning)


def score_block(models: ModelsConfig, root: Path, block: Block) -> tuple[np.ndarray | None, np.ndarray | None]:
    """One block of texts through the models of `models` (a task of its own on a cluster; weights load once per
    worker process)."""
    return _process_scorer(models.model_dump_json(), str(root)).run(*block)


@functools.lru_cache(maxsize=2)
def _process_scorer(models: str, root: str) -> Scorer:
    return Scorer(ModelsConfig.model_validate_json(models), Path(root))


# ---------------------------------------------------------------- topics


def topics(night: Night, scored: Path) -> Path:
    """Tonight's topics under the registry's stable ids: the last run's when their inputs are unchanged; the standing
    topics, joined by tonight's new units, until a refit is due (voc.topics.standing); else a new fit."""
    units = _load(scored, "units")
    models = _models(night)
    config = night.workspace.config.topics
    settings = digest("topics-settings", models.scorer.vector_identity, config, versions(_TOPIC_LIBRARIES))
    fingerprint = digest("topics", frame_digest(units.select(_TOPIC_INPUTS)), settings)
    last = night.previous_manifest().get("topics", {})
    with night.step("topics"):
        if not night.full and last.get("fingerprint") == fingerprint:
            assigned, rows, registry, lineage = _last_topics(night, units)
            report = {**{k: v for k, v in last.items() if k not in ("seconds", "refit", "taken_from", "reason", "joined")},
                      "refit": False, "taken_from": last.get("taken_from", night.previous.name if night.previous else None)}
        else:
            vectors = np.load(scored / "vectors.npy")
            standing, reason = None, _refit_first(night, last, settings)
            if reason is None:
                standing, reason = _standing_topics(night, units, vectors, models, last.get("fit"))
            if standing is not None:
                assigned, rows, registry, lineage, report = standing
            else:
                assigned, rows, registry, lineage, report = _fit_topics(night, units, vectors, models)
                report.update(reason=reason, fit=fit_record(night.run_id, night.started, units.height))
        out = _save(night, "topics", assigned=assigned, rows=rows, registry=registry, lineage=lineage)
        night.record("topics", {**report, "fingerprint": fingerprint, "settings": settings})
    return out


def _refit_first(night: Night, last: dict, settings: str) -> str | None:
    """Why tonight refits whatever its new units are, or None."""
    if night.full:
        return "a full run (--full)"
    if night.previous is None:
        return "the first run"
    if last.get("settings") != settings:
        return "the topics settings, the encoder or a library version changed"
    return None


def _standing_topics(night: Night, units: pl.DataFrame, vectors: np.ndarray, models: Models, fit: dict | None) -> tuple:
    """(the night with tonight's new units joined to the last run's topics, why a refit is due instead or None)."""
    config = night.workspace.config.topics
    assert night.previous is not None
    last_units = pl.read_parquet(night.previous / "units.parquet", columns=["unit_id", "topic_id"])
    is_new = (~units["unit_id"].is_in(last_units["unit_id"].implode())).to_numpy()
    around = np.flatnonzero(units["feedback_id"].is_in(units.filter(is_new)["feedback_id"].implode()).to_numpy())
    near = units[around]  # the units of the items that have new units: their item context
    context = item_context(vectors[around], _item_index(near), _message_index(near), near["text"].to_list(), models.encode,
                           config.context_max_chars)
    new_vectors = topic_vectors(vectors[around], context, config.context_weight)[is_new[around]]
    last_rows = _read_last(night, TOPICS).drop(SCORED_COLUMNS)
    registry = _read_last(night, TOPIC_REGISTRY)
    joined = join_standing(new_vectors, registry, last_rows["topic_id"].to_list(), config.outlier_similarity)
    new_outliers = float((joined < 0).mean()) if len(joined) else 0.0
    reason = refit_reason(config, fit, len(joined), night.started, new_outliers)
    if reason is not None:
        return None, reason
    tonight = pl.DataFrame({"unit_id": units["unit_id"].filter(is_new), "topic_id": joined}, schema=last_units.schema)
    assigned = units.select("unit_id").join(pl.concat([last_units, tonight]), on="unit_id", how="left", maintain_order="left")
    rows = standing_rows(last_rows, assigned.with_columns(language=units["language"]))
    sizes = dict(rows.select("topic_id", "size").iter_rows())
    seen = pl.col("topic_id").is_in(list(sizes))
    registry = registry.with_columns(size=pl.col("topic_id").replace_strict(sizes, default=pl.col("size"), return_dtype=pl.Int64),
                                     last_seen_run=pl.when(seen).then(pl.lit(night.run_id)).otherwise(pl.col("last_seen_run")))
    outlier_share = float((assigned["topic_id"] < 0).mean()) if units.height else 0.0
    report = {"units": units.height, "topics": rows.height, "outlier_share": round(outlier_share, 4), "refit": False,
              "taken_from": fit["run"], "fit": {**fit, "new_since": fit["new_since"] + len(joined)},
              "joined": {"new_units": len(joined), "outliers": int((joined < 0).sum()), "outlier_share": round(new_outliers, 4)}}
    return (assigned, rows, registry, _read_last(night, TOPIC_LINEAGE), report), None


def _fit_topics(night: Night, units: pl.DataFrame, vectors: np.ndarray, models: Models) -> tuple:
    config = night.workspace.config.topics
    fit = topics_fit(night.workspace, units, vectors, models.encode)
    registry = _read_last(night, TOPIC_REGISTRY)
    night_topics = NightTopics(fit.labels, fit.keywords, [int((fit.assignments == t).sum()) for t in range(fit.count)],
                               fit.centroids)
    r = config.registry
    matched = match_topics(registry, night_topics, night.run_id, models.scorer.vector_identity,
                           MatchSettings(r.threshold, r.lineage_threshold, r.keyword_weight))
    stable = np.asarray(matched.stable_ids, dtype=np.int64)
    topic_ids = np.where(fit.assignments < 0, -1, stable[np.maximum(fit.assignments, 0)] if fit.count else -1)
    assigned = units.select("unit_id").with_columns(topic_id=pl.Series(topic_ids, dtype=pl.Int64))
    first_seen = dict(matched.registry.select("topic_id", "first_seen_run").iter_rows())
    rows = topic_rows(fit, matched, first_seen, units.height)
    lineage = pl.concat([_read_last(night, TOPIC_LINEAGE), matched.events])
    events = matched.events["event"].cast(pl.String).value_counts(sort=True)
    report = {**fit.report, "refit": True, "registry_topics": matched.registry.height, "lineage": dict(events.iter_rows())}
    return assigned, rows, matched.registry, lineage, report


def _last_topics(night: Night, units: pl.DataFrame) -> tuple:
    """The last run's topic of every unit, its topics rows, registry and lineage, as they were."""
    assert night.previous is not None
    last_units = pl.read_parquet(night.previous / "units.parquet", columns=["unit_id", "topic_id"])
    assigned = units.select("unit_id").join(last_units, on="unit_id", how="left", maintain_order="left")
    rows = _read_last(night, TOPICS).drop(SCORED_COLUMNS)
    return assigned, rows, _read_last(night, TOPIC_REGISTRY), _read_last(night, TOPIC_LINEAGE)


def topics_fit(workspace: Workspace, units: pl.DataFrame, vectors: np.ndarray, encode: Embed) -> TopicFit:
    """Topics under local ids: item-context vectors, a sample of the window's units stratified by source and
    month, BERTopic; units outside the window or the sample join the fitted topics."""
    config = workspace.config.topics
    texts = units["text"].to_list()
    context = item_context(vectors, _item_index(units), _message_index(units), texts, encode, config.context_max_chars)
    clustered = topic_vectors(vectors, context, config.context_weight)
    window = _in_window(units, config.window_days)
    pool = np.flatnonzero(window)
    strata = units.select(pl.concat_str(pl.col("source"), pl.col("created_at").dt.strftime("%Y-%m").fill_null("-"),
                                        separator="|")).to_series()
    unit_ids = units["unit_id"]
    sample = pool[fit_sample(unit_ids.gather(pool).to_list(), strata.gather(pool).to_list(), config.sample_size, config.seed)]
    sampled = units[sample].group_by("language", maintain_order=True)
    with lemmas_meanwhile({language: group["text"].unique(maintain_order=True).to_list() for (language,), group in sampled}) as lemmas:
        fit = fit_topics(texts, vectors, clustered, sample, lemmas, config, encode, languages=units["language"].to_list())
    newest = units["created_at"].max()
    fit.report["window"] = {"days": config.window_days, "units": int(window.sum()),
                            "from": str(newest - timedelta(days=config.window_days)) if config.window_days and newest else None}
    return fit


def _in_window(units: pl.DataFrame, days: int | None) -> np.ndarray:
    """Units created within `days` of the newest unit (all when days is None; undated units are in)."""
    newest = units["created_at"].max()
    if days is None or newest is None:
        return np.ones(units.height, dtype=bool)
    inside = units.select((pl.col("created_at") >= newest - timedelta(days=days)).fill_null(True)).to_series()
    return inside.to_numpy()


def _item_index(units: pl.DataFrame) -> np.ndarray:
    return units["feedback_id"].rank("dense").cast(pl.Int64).to_numpy() - 1


def _message_index(units: pl.DataFrame) -> np.ndarray:
    return units.select(pl.struct("feedback_id", "message_index").rank("dense")).to_series().cast(pl.Int64).to_numpy() - 1


# ---------------------------------------------------------------- journey and insights


def journey(night: Night, scored: Path, fitted: Path) -> Path:
    """A stage per unit (a source's fixed stage stands), motivation cues, and the topics table with kinds."""
    workspace = night.workspace
    config, journey_map = workspace.config.journey, workspace.journey_map
    units = _load(scored, "units").drop("topic_id").join(_load(fitted, "assigned"), on="unit_id", how="left",
                                                         maintain_order="left").select(list(UNITS.columns))
    vectors = np.load(scored / "vectors.npy")
    with night.step("journey"):
        texts, owner = stage_texts(journey_map)
        heard, heard_owner = tone_texts(journey_map) if config.tone_weight > 0 else ([], None)
        text_vectors, scores = _models(night).encode_and_score(texts + heard)
        tone = stage_tone(scores[len(texts):, 2] - scores[len(texts):, 0], heard_owner, len(journey_map.stages)) \
            if heard else None
        evidence = StageEvidence(vectors, _item_index(units), units["topic_id"].to_numpy(), units["channel"].to_list(),
                                 units["stage_id"].to_list(), units["sentiment"].cast(pl.Float64).fill_null(np.nan).to_numpy())
        stage_ids, confidence, report = assign_stages(evidence, text_vectors[: len(texts)], owner, journey_map, config, tone)
        units = units.with_columns(stage_id=pl.Series(stage_ids, dtype=pl.String), stage_confidence=pl.Series(confidence))
        cues = motivation_cues(units["text"].to_list(), units["language"].to_list())
        cued = units.with_columns(motivation_cue=pl.Series(cues, dtype=pl.Boolean),
                                  small_talk=pl.Series(small_talk(units["text"].to_list(), units["language"].to_list())))
        per_topic = (group_scores(cued.filter(pl.col("topic_id") >= 0), ["topic_id"])
                     .with_columns(kind=insight_kind(config))
                     .join(_main_stage(cued), on="topic_id", how="left")
                     .select("topic_id", *SCORED_COLUMNS))
        table = with_topic_scores(_load(fitted, "rows"), per_topic)
        kinds = stage_topic_scores(cued, config)["kind"].value_counts(sort=True)
        out = _save(night, "journey", units=cued, topics=table)
        night.record("journey", {**report, "stage_topics": dict(kinds.iter_rows()), "counts": {"topics": table.height}})
    return out


def _main_stage(units: pl.DataFrame) -> pl.DataFrame:
    """Per topic, the stage most of its assigned units are in ('unassigned' when none is)."""
    placed = units.filter((pl.col("topic_id") >= 0) & (pl.col("stage_id") != UNASSIGNED))
    main = (placed.group_by("topic_id", "stage_id").agg(pl.len().alias("n"))
            .sort(["topic_id", "n", "stage_id"], descending=[False, True, False]).unique("topic_id", keep="first"))
    return main.select("topic_id", "stage_id")


def insights(night: Night, placed: Path, fitted: Path) -> Path:
    """Pain points and motivations per (stage, topic) with their impact on survey scores, trend and fragmentation;
    observed customer paths and stage-to-stage moves; spikes; candidate stages; the enriched journey map."""
    workspace = night.workspace
    journey_map, config = workspace.journey_map, workspace.config.insights
    units, table = _load(placed, "units"), _load(placed, "topics")
    with night.step("insights"):
        typed = stage_insights(units, table, journey_map, workspace.config.journey, workspace.config.topics.quotes)
        fragmented = fragmentation(units, config.fragmentation_days)
        found = with_evidence(typed, impact(units, typed, config), topic_trends(units, config), fragmented)
        fit_run = night.recorded("topics").get("taken_from") or night.run_id  # whose lineage events explain the topics
        alerts = spikes(units, table, _load(fitted, "lineage"), fit_run, config)
        paths = customer_paths(units, journey_map)
        moves = transitions(paths, journey_map)
        said = units.drop("motivation_cue", "small_talk")
        enriched = with_territory(enriched_map(journey_map, said, found, night.run_id), found,
                                  flow_summary(paths, moves, journey_map), candidate_stages(units, table, config.candidate_min_units),
                                  stage_fragmentation(units, fragmented, config.fragmentation_days), alerts)
        out = _save(night, "insights", stage_insights=found, fragmentation=fragmented, customer_paths=paths, transitions=moves,
                    alerts=alerts)
        (out / "journey_map.enriched.json").write_text(json.dumps(enriched, ensure_ascii=False, default=str), encoding="utf-8")
        night.record("insights", {"counts": {"stage_insights": found.height, "alerts": alerts.height},
                                  "alerts": alerts.select("topic_id", "label", "metric", "observed", "baseline", "z").to_dicts(),
                                  "candidate_stages": [c["topic_id"] for c in enriched["candidate_stages"]],
                                  "moves": enriched["observed_flow"]["share"]})
    return out


# ---------------------------------------------------------------- export, report, finish


def export(night: Night, prepared: Path, scored: Path, fitted: Path, placed: Path, found: Path) -> Path:
    """Every table of the run, conformed to voc/schema.py, into the run folder (parquet, csv, JSON Lines, JSON
    Schemas), the map-tools evidence CSV, the enriched map, and the tables to `export.database` if set."""
    workspace = night.workspace
    tables: list[tuple[Table, pl.DataFrame]] = [
        (FEEDBACK, _load(scored, "feedback")),
        (UNITS, _load(placed, "units").drop("motivation_cue", "small_talk")),
        (QUARANTINE, _load(prepared, "quarantine")),
        (TOPICS, _load(placed, "topics")),
        (STAGE_INSIGHTS, _load(found, "stage_insights")),
        (TOPIC_REGISTRY, _load(fitted, "registry")),
        (TOPIC_LINEAGE, _load(fitted, "lineage")),
        (CUSTOMER_PATHS, _load(found, "customer_paths")),
        (TRANSITIONS, _load(found, "transitions")),
        (FRAGMENTATION, _load(found, "fragmentation")),
        (ALERTS, _load(found, "alerts")),
    ]
    config = workspace.config.export
    with night.step("export"):
        written = write_exports(night.folder.path, tables, config, workspace.journey_map, workspace.config.journey)
        enriched = json.loads((found / "journey_map.enriched.json").read_text(encoding="utf-8"))
        written.append(night.folder.write_json("journey_map.enriched.json", enriched))
        if config.database:
            write_database(config.database, tables, workspace.root)
        night.record("export", {"files": len(written), "database": bool(config.database)})
    return night.folder.path


def report(night: Night, exported: Path) -> Path:
    """report.html of the run (with what changed since the last run); run.json so far goes with it."""
    with night.step("report"):
        night.folder.write_json("run.json", manifest(night))
        return write_report(exported, night.previous)


def manifest(night: Night) -> dict[str, Any]:
    """run.json: what every step recorded, counts, fingerprints, models, seeds, versions and timings."""
    workspace = night.workspace
    steps = night.steps()
    counts = {**steps["prepare"]["counts"], **steps["journey"]["counts"], **steps["insights"]["counts"]}
    return {
        "run_id": night.run_id,
        "started_at": night.started.isoformat(timespec="seconds"),
        "full": night.full,
        "previous_run": night.previous.name if night.previous else None,
        "warnings": night.warnings,
        "config": {"path": str(workspace.config_path), "sha256": file_digest(workspace.config_path)},
        "journey_map": workspace.journey_map.name,
        "sources": steps["collect"]["sources"],
        "counts": counts,
        "text": _without(steps["prepare"], "counts", "seconds"),
        "scoring": _without(steps["score"], "seconds"),
        "topics": _without(steps["topics"], "seconds"),
        "journey": _without(steps["journey"], "seconds", "counts"),
        "insights": _without(steps["insights"], "seconds", "counts"),
        "models": workspace.config.models.model_dump(),
        "seeds": {"topics": workspace.config.topics.seed},
        "versions": _versions(),
        "timings_s": {name: report["seconds"] for name, report in steps.items() if "seconds" in report},
    }


def finish(night: Night) -> RunResult:
    """Write run.json and publish the run as out/latest."""
    final = manifest(night)
    path = night.publish(final)
    return RunResult(run_id=night.run_id, path=path, manifest=final)


def notify(workspace: Workspace, published: Path) -> bool:
    """POST the run's spikes to `insights.webhook` (a Slack-compatible payload). The run is published already, so
    a webhook that fails is logged as a warning, not a failed run. True when alerts were sent."""
    url = workspace.config.insights.webhook
    alerts = ALERTS.conform(pl.read_parquet(published / "alerts.parquet"))
    if not url or alerts.is_empty():
        return False
    try:
        send_webhook(url, slack_payload(alerts, published.name, workspace.journey_map.name, str(published / "report.html")))
    except VocError as exc:
        log.warning("spikes of run %s were not sent: %s", published.name, exc)
        return False
    return True


def run(workspace: Workspace, full: bool = False, progress: Progress | None = None) -> RunResult:
    """One nightly run, now, in this process. Holds the workspace lock; returns where the run was published.
    `progress(step, done, total)` is called when a step starts and as its work advances."""
    with open_night(workspace, full, progress) as night:
        sources = collect(night)
        prepared = prepare(night, sources)
        scored = score(night, prepared)
        fitted = topics(night, scored)
        placed = journey(night, scored, fitted)
        found = insights(night, placed, fitted)
        exported = export(night, prepared, scored, fitted, placed, found)
        report(night, exported)
        result = finish(night)
    notify(workspace, result.path)
    return result


# ---------------------------------------------------------------- intermediates


def _save(night: Night, step: str, **frames: pl.DataFrame) -> Path:
    folder = night.work / step
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.write_parquet(folder / f"{name}.parquet", compression="lz4")
    return folder


def _load(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(folder / f"{name}.parquet")


def _read_last(night: Night, table: Table) -> pl.DataFrame:
    """A table of the last published run (empty on the first run), with the columns this version of voc adds."""
    path = night.previous / f"{table.name}.parquet" if night.previous is not None else None
    return table.upgrade(pl.read_parquet(path)) if path is not None and path.exists() else table.empty()


def _without(report: dict, *keys: str) -> dict:
    return {k: v for k, v in report.items() if k not in keys}


def _versions() -> dict[str, str]:
    return {"python": platform.python_version(), **versions(_VERSIONED)}
