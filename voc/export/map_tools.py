"""journey_evidence.csv: stage_insights laid out the way journey-map tools import evidence.

One insight per row, flat cells, in the map's stage order, with the stage's name beside its id and the
insight typed in the words map tools use:

- pain: a pain point.
- gain: a motivation customers are pleased about (mean sentiment at least `journey.motivation_sentiment`).
- need: a motivation that voc typed from the reasons and goals customers state ("the speed was the main
  reason we switched", "I was looking for …") while their mean sentiment stays under
  `journey.motivation_sentiment`: what they require, not what delights them.
"""

from __future__ import annotations

import polars as pl

from voc.config import JourneyConfig, JourneyMap
from voc.errors import SchemaError
from voc.export.cells import LIST_SEPARATOR
from voc.schema import EVIDENCE_QUOTES, EVIDENCE_TYPE, JOURNEY_EVIDENCE

__all__ = ["EVIDENCE_FILE", "journey_evidence"]

EVIDENCE_FILE = f"{JOURNEY_EVIDENCE.name}.csv"
_DECIMALS = 3  # the file is read by people: 0.237 rather than 0.2366412213740458


def journey_evidence(insights: pl.DataFrame, topics: pl.DataFrame, journey_map: JourneyMap,
                     journey: JourneyConfig) -> pl.DataFrame:
    """JOURNEY_EVIDENCE rows from STAGE_INSIGHTS rows, the TOPICS rows (for keywords) and the journey map;
    in map order, pains then needs then gains, largest first."""
    stages = pl.DataFrame(
        {"stage_id": journey_map.stage_ids(), "stage": [s.name for s in journey_map.stages],
         "stage_order": range(1, len(journey_map.stages) + 1)},
        schema={"stage_id": pl.String, "stage": pl.String, "stage_order": pl.Int64},
    )
    keywords = topics.select("topic_id", description=pl.col("keywords").list.join(", "))
    _require_known(insights, "stage_id", stages, "the journey map")
    _require_known(insights, "topic_id", keywords, "the topics table")
    rows = (insights.join(stages, on="stage_id", how="left")
            .join(keywords, on="topic_id", how="left")
            .with_columns(pl.col("touchpoints", "owners", "kpis").list.join(LIST_SEPARATOR),
                          *[pl.col("quotes").list.get(i, null_on_oob=True).alias(f"quote_{i + 1}")
                            for i in range(EVIDENCE_QUOTES)],
                          evidence_id=pl.format("{}:{}", "stage_id", "topic_id"),
                          type=_evidence_type(journey),
                          evidence_count=pl.col("volume"),
                          sentiment=pl.col("sentiment_mean"),
                          frustration=pl.col("frustration_rate"))
            .with_columns(pl.col("share", "sentiment", "frustration", "impact", "trend").round(_DECIMALS))
            .sort(["stage_order", "type", "evidence_count", "topic_id"], descending=[False, False, True, False]))
    return JOURNEY_EVIDENCE.conform(rows.select(list(JOURNEY_EVIDENCE.columns)))


def _evidence_type(journey: JourneyConfig) -> pl.Expr:
    """pain | need | gain from insight_type and the mean sentiment (see the module docstring)."""
    return (pl.when(pl.col("insight_type") == "pain_point").then(pl.lit("pain"))
            .when(pl.col("sentiment_mean") < journey.motivation_sentiment).then(pl.lit("need"))
            .otherwise(pl.lit("gain"))
            .cast(EVIDENCE_TYPE))


def _require_known(insights: pl.DataFrame, column: str, known: pl.DataFrame, where: str) -> None:
    missing = insights.join(known, on=column, how="anti")[column].unique().sort().to_list()
    if missing:
        raise SchemaError(f"stage_insights: {column} {missing} not in {where}; stage_insights, topics and the map "
                          "passed to journey_evidence must come from the same run")
