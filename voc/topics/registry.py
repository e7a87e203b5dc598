"""The topic registry: keep topic ids and labels stable across nightly runs.

Each night's topics (local ids 0..n-1) are matched against the registry (TOPIC_REGISTRY):

- Candidates are registry topics that are active or retired; merged topics never come back.
- Similarity = (1 - w) * centroid cosine (clipped to 0..1) + w * Jaccard overlap of the keyword sets
  (case-insensitive). Rows embedded by another encoder (their vector_identity differs) have no comparable
  centroid and are compared on keywords alone, with a warning.
- Night topics are assigned one-to-one to candidates, maximising total similarity over pairs at or above
  `threshold`. Similarities within 1e-6 tie; ties go to lower registry ids and lower local ids.
- Matched to an active topic: `continued`; to a retired one: `returned` (active again). Both keep id and label.
- An unmatched night topic gets a new id: `split_from` its best candidate when that candidate continues as
  another night topic and the similarity is at least `lineage_threshold`, otherwise `born`. New ids follow the
  largest id ever registered, in local order, so ids are never reused.
- An unmatched active registry topic is `merged_into` its most similar night topic when the similarity is at
  least `lineage_threshold` (status merged), otherwise `retired`. Unmatched retired topics stay as they are.
- Topics seen tonight take keywords, centroid, size, run and encoder from the night; a topic keeps the label
  and first_seen_run of the run where it was born.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.optimize import linear_sum_assignment

from voc.schema import TOPIC_LINEAGE, TOPIC_REGISTRY, TOPIC_STATUS

__all__ = ["MatchSettings", "Matched", "NightTopics", "match_topics", "similarity_matrix"]

log = logging.getLogger(__name__)

_QUANTUM = 1e-6  # similarities closer than this are a tie
Lineage = tuple[str, int | None, float | None]  # (event, related topic id, similarity)


@dataclass(frozen=True)
class MatchSettings:
    threshold: float = 0.70  # combined similarity needed to continue a topic (one-to-one)
    lineage_threshold: float = 0.55  # weaker similarity that still records split_from / merged_into
    keyword_weight: float = 0.25  # weight of keyword Jaccard against centroid cosine


@dataclass(frozen=True)
class NightTopics:
    """This run's topics; row i is local topic i."""

    labels: list[str]
    keywords: list[list[str]]
    sizes: list[int]
    centroids: np.ndarray  # (n, d) float32, rows unit-normalised


@dataclass(frozen=True)
class Matched:
    stable_ids: list[int]  # stable id of local topic i
    labels: list[str]  # label to publish for local topic i
    events: pl.DataFrame  # TOPIC_LINEAGE rows of this run
    registry: pl.DataFrame  # the updated TOPIC_REGISTRY, sorted by topic_id
    lineage: list[Lineage]  # per local topic: born | continued | returned | split_from


def match_topics(registry: pl.DataFrame, night: NightTopics, run_id: str, vector_identity: str,
                 settings: MatchSettings = MatchSettings()) -> Matched:
    """Match `night` to `registry`: stable ids, labels and lineage of the night's topics, and the new registry."""
    registry = TOPIC_REGISTRY.conform(registry).sort("topic_id")
    candidates = registry.filter(pl.col("status").is_in(["active", "retired"]))
    ids, active = candidates["topic_id"].to_list(), (candidates["status"] == "active").to_list()
    sim = _similarities(candidates, night, vector_identity, settings.keyword_weight)
    pairs = _assign(sim, settings.threshold)
    first_new = max(registry["topic_id"].to_list(), default=-1) + 1
    stable, lineage = _night_lineage(sim, pairs, ids, active, settings.lineage_threshold, first_new)
    fates = _registry_fates(sim, set(pairs.values()), ids, active, stable, settings.lineage_threshold)
    updated = _updated_registry(registry, night, stable, fates, run_id, vector_identity)
    labels = dict(zip(updated["topic_id"].to_list(), updated["label"].to_list()))
    return Matched(stable_ids=stable, labels=[labels[t] for t in stable], events=_events(run_id, stable, lineage, fates),
                   registry=updated, lineage=lineage)


def similarity_matrix(registry: pl.DataFrame, night: NightTopics, keyword_weight: float, comparable: bool) -> np.ndarray:
    """(registry rows, night topics) similarities; keyword Jaccard alone when the centroids are not `comparable`."""
    if not len(registry) or not len(night.labels):
        return np.zeros((len(registry), len(night.labels)))
    jaccard = _jaccard(registry["keywords"].to_list(), night.keywords)
    if not comparable:
        return jaccard
    centroids = np.asarray(registry["centroid"].to_list(), dtype=np.float64).reshape(len(registry), night.centroids.shape[1])
    cosine = np.clip(centroids @ night.centroids.astype(np.float64).T, 0.0, 1.0)
    return (1.0 - keyword_weight) * cosine + keyword_weight * jaccard


def _jaccard(left: list[list[str]], right: list[list[str]]) -> np.ndarray:
    sets = [{word.lower() for word in words} for words in (*left, *right)]
    vocabulary = sorted(set().union(*sets))
    onehot = np.array([[word in words for word in vocabulary] for words in sets], dtype=np.float64)
    onehot = onehot.reshape(len(sets), len(vocabulary))
    a, b = onehot[: len(left)], onehot[len(left):]
    overlap = a @ b.T
    union = a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :] - overlap
    return np.divide(overlap, union, out=np.zeros_like(overlap), where=union > 0)


def _similarities(candidates: pl.DataFrame, night: NightTopics, vector_identity: str, keyword_weight: float) -> np.ndarray:
    comparable = candidates["vector_identity"] == vector_identity
    if not comparable.all():
        others = sorted(set(candidates.filter(~comparable)["vector_identity"].to_list()))
        log.warning("%d registry topics were embedded by another encoder (%s, now %s): matching them on keywords alone",
                    int((~comparable).sum()), ", ".join(others), vector_identity)
    sim = np.zeros((len(candidates), len(night.labels)))
    mask = comparable.to_numpy()
    sim[mask] = similarity_matrix(candidates.filter(comparable), night, keyword_weight, True)
    sim[~mask] = similarity_matrix(candidates.filter(~comparable), night, keyword_weight, False)
    return sim


def _assign(sim: np.ndarray, threshold: float) -> dict[int, int]:
    """Night topic -> candidate row, one-to-one, maximising total similarity over pairs at or above `threshold`."""
    if not sim.size:
        return {}
    rows, cols = sim.shape
    # A bonus below one quantum in total: among tied assignments, lower ids pair with lower ids.
    bonus = np.outer(1.0 / np.arange(1, rows + 1), 1.0 / np.arange(1, cols + 1)) * _QUANTUM / (min(rows, cols) + 1)
    weight = np.where(sim >= threshold, np.round(sim / _QUANTUM) * _QUANTUM + bonus, 0.0)
    chosen_rows, chosen_cols = linear_sum_assignment(weight, maximize=True)
    return {int(j): int(i) for i, j in zip(chosen_rows, chosen_cols) if sim[i, j] >= threshold}


def _night_lineage(sim: np.ndarray, pairs: dict[int, int], ids: list[int], active: list[bool], lineage_threshold: float,
                   first_new: int) -> tuple[list[int], list[Lineage]]:
    matched_rows = set(pairs.values())
    stable: list[int] = []
    lineage: list[Lineage] = []
    for j in range(sim.shape[1]):
        if j in pairs:
            i = pairs[j]
            stable.append(ids[i])
            lineage.append(("continued" if active[i] else "returned", None, float(sim[i, j])))
            continue
        stable.append(first_new)
        first_new += 1
        best = int(np.argmax(sim[:, j])) if len(ids) else -1
        if best in matched_rows and sim[best, j] >= lineage_threshold:
            lineage.append(("split_from", ids[best], float(sim[best, j])))
        else:
            lineage.append(("born", None, None))
    return stable, lineage


def _registry_fates(sim: np.ndarray, matched_rows: set[int], ids: list[int], active: list[bool], stable: list[int],
                    lineage_threshold: float) -> dict[int, Lineage]:
    """Registry topic id -> (merged_into | retired, related id, similarity) for active topics not seen tonight."""
    fates: dict[int, Lineage] = {}
    for i, topic_id in enumerate(ids):
        if i in matched_rows or not active[i]:
            continue
        if not sim.shape[1]:
            fates[topic_id] = ("retired", None, None)
            continue
        j = int(np.argmax(sim[i]))
        similarity = float(sim[i, j])
        fates[topic_id] = ("merged_into", stable[j], similarity) if similarity >= lineage_threshold \
            else ("retired", None, similarity)
    return fates


def _updated_registry(registry: pl.DataFrame, night: NightTopics, stable: list[int], fates: dict[int, Lineage],
                      run_id: str, vector_identity: str) -> pl.DataFrame:
    seen = pl.DataFrame({
        "topic_id": stable,
        "night_label": night.labels,
        "keywords": night.keywords,
        "centroid": np.asarray(night.centroids, dtype=np.float32).reshape(len(stable), -1).tolist() if stable else [],
        "size": night.sizes,
    }, schema={"topic_id": pl.Int64, "night_label": pl.String, "keywords": pl.List(pl.String),
               "centroid": pl.List(pl.Float32), "size": pl.Int64})
    seen = seen.join(registry.select("topic_id", "label", "first_seen_run"), on="topic_id", how="left").with_columns(
        label=pl.coalesce("label", "night_label"),
        first_seen_run=pl.coalesce("first_seen_run", pl.lit(run_id)),
        status=pl.lit("active", dtype=TOPIC_STATUS),
        last_seen_run=pl.lit(run_id),
        vector_identity=pl.lit(vector_identity),
    ).drop("night_label")
    merged = [t for t, (event, _, _) in fates.items() if event == "merged_into"]
    retired = [t for t, (event, _, _) in fates.items() if event == "retired"]
    status = (pl.when(pl.col("topic_id").is_in(merged)).then(pl.lit("merged", dtype=TOPIC_STATUS))
              .when(pl.col("topic_id").is_in(retired)).then(pl.lit("retired", dtype=TOPIC_STATUS))
              .otherwise(pl.col("status")))
    rest = registry.filter(~pl.col("topic_id").is_in(stable)).with_columns(status=status)
    return TOPIC_REGISTRY.conform(pl.concat([rest, TOPIC_REGISTRY.conform(seen)]).sort("topic_id"))


def _events(run_id: str, stable: list[int], lineage: list[Lineage], fates: dict[int, Lineage]) -> pl.DataFrame:
    rows = [(topic_id, *event) for topic_id, event in (*zip(stable, lineage), *fates.items())]
    frame = pl.DataFrame(rows, schema={"topic_id": pl.Int64, "event": TOPIC_LINEAGE.schema["event"],
                                       "related_topic_id": pl.Int64, "similarity": pl.Float64}, orient="row")
    return TOPIC_LINEAGE.conform(frame.with_columns(run_id=pl.lit(run_id)).sort("topic_id", "event"))
