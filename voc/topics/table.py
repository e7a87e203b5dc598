"""The topics table of a run: fitted topics under their stable ids with lineage (`topic_rows`), then their
kind, scores and main stage once stages are known (`with_topic_scores`)."""

from __future__ import annotations

from dataclasses import asdict

import polars as pl

from voc.schema import TOPICS
from voc.topics.fit import TopicFit
from voc.topics.registry import Matched

__all__ = ["SCORED_COLUMNS", "topic_rows", "with_topic_scores"]

SCORED_COLUMNS = ("kind", "sentiment_mean", "frustration_rate", "stage_id")  # filled by the journey step


def topic_rows(fit: TopicFit, matched: Matched, registry_first_seen: dict[int, str], units: int) -> pl.DataFrame:
    """TOPICS columns but SCORED_COLUMNS, one row per fitted topic, largest first."""
    sizes = [int((fit.assignments == t).sum()) for t in range(fit.count)]
    frame = pl.DataFrame(
        {
            "topic_id": matched.stable_ids,
            "label": matched.labels,
            "keywords": fit.keywords,
            "keywords_by_language": [[asdict(k) for k in entries] for entries in fit.keywords_by_language],
            "languages": [[asdict(s) for s in shares] for shares in fit.languages],
            "size": sizes,
            "share": [s / units if units else 0.0 for s in sizes],
            "quotes": fit.quotes,
            "first_seen_run": [registry_first_seen[t] for t in matched.stable_ids],
            "lineage_event": [event for event, _, _ in matched.lineage],
            "lineage_topic_id": [related for _, related, _ in matched.lineage],
            "lineage_similarity": [similarity for _, _, similarity in matched.lineage],
        },
        schema_overrides={"topic_id": pl.Int64, "label": pl.String, "keywords": pl.List(pl.String),
                          "keywords_by_language": TOPICS.schema["keywords_by_language"],
                          "languages": TOPICS.schema["languages"], "size": pl.Int64,
                          "share": pl.Float64, "quotes": pl.List(pl.String), "first_seen_run": pl.String,
                          "lineage_event": pl.String, "lineage_topic_id": pl.Int64, "lineage_similarity": pl.Float64},
    )
    frame = frame.with_columns(lineage_event=pl.col("lineage_event").cast(TOPICS.schema["lineage_event"]))
    return frame.sort(["size", "topic_id"], descending=[True, False])


def with_topic_scores(rows: pl.DataFrame, scores: pl.DataFrame) -> pl.DataFrame:
    """TOPICS: `rows` (topic_rows, or a published topics table) with `scores` per topic_id: kind, sentiment_mean,
    frustration_rate, stage_id (a topic without scores is neutral)."""
    frame = (rows.drop(SCORED_COLUMNS, strict=False).join(scores, on="topic_id", how="left", maintain_order="left")
             .with_columns(kind=pl.col("kind").fill_null("neutral").cast(TOPICS.schema["kind"])))
    return TOPICS.conform(frame.select(list(TOPICS.columns)))
