"""stage_insights: one row per (stage, topic) typed as a pain point or a motivation, with the map's context.

This is the table journey-map tools import: each row carries the stage's owners, KPIs and touchpoints so
it can be placed on the map without a join.
"""

from __future__ import annotations

import polars as pl

from voc.config import JourneyConfig, JourneyMap
from voc.journey.typing import group_scores, insight_kind
from voc.schema import STAGE_INSIGHTS, UNASSIGNED

__all__ = ["EVIDENCE_COLUMNS", "stage_insights", "stage_topic_scores", "with_evidence"]

# filled by `with_evidence` from the impact, trend and fragmentation computations
EVIDENCE_COLUMNS = ("impact_metric", "impact", "impact_low", "impact_high", "driver", "opportunity", "priority",
                    "fragmented_share", "trend")


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

    `units` carries stage_id, topic_id, sentiment, frustration, motivation_cue, small_talk, text and unit_id; `topics`
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
                          quotes=pl.col("quotes").fill_null([]),
                          **{c: pl.lit(None, STAGE_INSIGHTS.schema[c]) for c in EVIDENCE_COLUMNS})
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


def with_evidence(insights: pl.DataFrame, effects: pl.DataFrame, trends: pl.DataFrame, fragmentation: pl.DataFrame
                  ) -> pl.DataFrame:
    """STAGE_INSIGHTS with the evidence columns filled: impact, its interval, driver and opportunity per (stage,
    topic) from `effects`; trend per topic from `trends`; fragmented_share per (stage, topic) from `fragmentation`;
    priority = rank of the pain points by opportunity across the map (ties by volume, then stage and topic)."""
    keys = ["stage_id", "topic_id"]
    joined = (insights.drop(EVIDENCE_COLUMNS)
              .join(effects.select(*keys, "impact_metric", "impact", "impact_low", "impact_high", "driver", "opportunity"),
                    on=keys, how="left", maintain_order="left")
              .join(trends.select("topic_id", "trend"), on="topic_id", how="left", maintain_order="left")
              .join(fragmentation.select(*keys, "fragmented_share"), on=keys, how="left", maintain_order="left"))
    pains = (joined.filter((pl.col("insight_type") == "pain_point") & pl.col("opportunity").is_not_null())
             .sort(["opportunity", "volume", "stage_id", "topic_id"], descending=[True, True, False, False])
             .select(*keys, priority=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)))
    return STAGE_INSIGHTS.conform(joined.join(pains, on=keys, how="left", maintain_order="left"))
