"""The topics table of a run: fitted topics under their stable ids, with lineage, kind and stage."""

from __future__ import annotations

import polars as pl

from voc.schema import TOPICS
from voc.topics.fit import TopicFit
from voc.topics.registry import Matched

__all__ = ["topics_table"]


def topics_table(fit: TopicFit, matched: Matched, registry_first_seen: dict[int, str], scores: pl.DataFrame,
                 units: int) -> pl.DataFrame:
    """TOPICS rows, largest first. `scores`: per topic_id its kind, sentiment_mean, frustration_rate, stage_id."""
    sizes = [int((fit.assignments == t).sum()) for t in range(fit.count)]
    frame = pl.DataFrame(
        {
            "topic_id": matched.stable_ids,
            "label": matched.labels,
            "keywords": fit.keywords,
            "size": sizes,
            "share": [s / units if units else 0.0 for s in sizes],
            "quotes": fit.quotes,
            "first_seen_run": [registry_first_seen[t] for t in matched.stable_ids],
            "lineage_event": [event for event, _, _ in matched.lineage],
            "lineage_topic_id": [related for _, related, _ in matched.lineage],
            "lineage_similarity": [similarity for _, _, similarity in matched.lineage],
        },
        schema_overrides={"topic_id": pl.Int64, "label": pl.String, "keywords": pl.List(pl.String), "size": pl.Int64,
                          "share": pl.Float64, "quotes": pl.List(pl.String), "first_seen_run": pl.String,
                          "lineage_event": pl.String, "lineage_topic_id": pl.Int64, "lineage_similarity": pl.Float64},
    )
    frame = (frame.join(scores, on="topic_id", how="left")
             .with_columns(kind=pl.col("kind").fill_null("neutral").cast(TOPICS.schema["kind"]),
                           lineage_event=pl.col("lineage_event").cast(TOPICS.schema["lineage_event"]))
             .sort(["size", "topic_id"], descending=[True, False]))
    return TOPICS.conform(frame.select(list(TOPICS.columns)))
