"""stage_insights: one row per (stage, topic) typed as a pain point or a motivation, with the map's context.

This is the table journey-map tools import: each row carries the stage's owners, KPIs and touchpoints so
it can be placed on the map without a join.
"""

from __future__ import annotations

import polars as pl

from voc.config import JourneyConfig, JourneyMap
from voc.journey.typing import group_scores, insight_kind
from voc.schema import STAGE_INSIGHTS, UNASSIGNED

__all__ = ["stage_insights", "stage_topic_scores"]


def stage_topic_scores(units: pl.DataFrame, config: JourneyConfig) -> pl.DataFrame:
    """Scores and kind of every (stage, topic) with a stage and a topic, and the topic's share of its stage."""
    staged = units.filter(pl.col("stage_id") != UNASSIGNED)
    placed = staged.filter(pl.col("topic_id") >= 0)
    stage_units = staged.group_by("stage_id").agg(pl.len().alias("stage_units"))
    return (group_scores(placed, ["stage_id", "topic_id"])
            .join(stage_units, on="stage_id", how="left")
            .with_columns(share=pl.col("volume") / pl.col("stage_units"), kind=insight_kind(config)))


def stage_insights(units: pl.DataFrame, topics: pl.DataFrame, journey_map: JourneyMap, config: JourneyConfig,
                   quotes: int = 3) -> pl.DataFrame:
    """STAGE_INSIGHTS rows, in map order, pain points before motivations, largest first.

    `units` carries stage_id, topic_id, sentiment, frustration, motivation_cue, text and unit_id; `topics`
    topic_id, label and quotes. Quotes are the topic's representative quotes said in this stage, then the
    stage's most typical units of the topic (most negative for a pain point, most positive for a motivation)."""
    typed = stage_topic_scores(units, config).filter(pl.col("kind") != "neutral")
    if typed.is_empty():
        return STAGE_INSIGHTS.empty()
    examples = _examples(units, typed, topics, quotes)
    context = pl.DataFrame(
        {
            "stage_id": [s.id for s in journey_map.stages],
            "stage_order": list(range(len(journey_map.stages))),
            "owners": [list(s.owners) for s in journey_map.stages],
            "kpis": [[k.name for k in s.kpis] for s in journey_map.stages],
            "touchpoints": [[_touchpoint_name(journey_map, t) for t in s.touchpoints] for s in journey_map.stages],
        },
        schema_overrides={"owners": pl.List(pl.String), "kpis": pl.List(pl.String), "touchpoints": pl.List(pl.String)},
    )
    rows = (typed.join(topics.select("topic_id", pl.col("label").alias("title")), on="topic_id", how="left")
            .join(examples, on=["stage_id", "topic_id"], how="left")
            .join(context, on="stage_id", how="left")
            .with_columns(insight_type=pl.col("kind").cast(STAGE_INSIGHTS.schema["insight_type"]),
                          impact=pl.lit(None, pl.Float64), trend=pl.lit(None, pl.Float64),
                          quotes=pl.col("quotes").fill_null([]))
            .sort(["stage_order", "insight_type", "volume", "topic_id"], descending=[False, False, True, False]))
    return STAGE_INSIGHTS.conform(rows.select(list(STAGE_INSIGHTS.columns)))


def _examples(units: pl.DataFrame, typed: pl.DataFrame, topics: pl.DataFrame, count: int) -> pl.DataFrame:
    """Up to `count` distinct quotes per typed (stage, topic)."""
    representative = topics.select("topic_id", pl.col("quotes").alias("representative"))
    candidates = (units.join(typed.select("stage_id", "topic_id", "kind"), on=["stage_id", "topic_id"], how="inner")
                  .join(representative, on="topic_id", how="left")
                  .with_columns(central=pl.col("representative").list.contains(pl.col("text")),
                                extreme=pl.when(pl.col("kind") == "pain_point").then(pl.col("sentiment"))
                                .otherwise(-pl.col("sentiment")))
                  .unique(["stage_id", "topic_id", "text"], keep="first", maintain_order=True)
                  .sort(["central", "extreme", "unit_id"], descending=[True, False, False]))
    return candidates.group_by(["stage_id", "topic_id"], maintain_order=True).agg(pl.col("text").head(count).alias("quotes"))


def _touchpoint_name(journey_map: JourneyMap, touchpoint_id: str) -> str:
    return next(t.name for t in journey_map.touchpoints if t.id == touchpoint_id)
