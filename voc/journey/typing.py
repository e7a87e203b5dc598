"""Pain points and motivations: typing groups of units from their sentiment, frustration and motivation cues.

A group (a topic, or a topic within a stage) is a **pain point** when its mean sentiment is at most
`pain_sentiment`, or when it is negative on average and at least `pain_frustration` of its units are
frustrated. It is a **motivation** when its mean sentiment is at least `motivation_sentiment`, or when it is
not negative on average and at least `motivation_cues` of its non-negative units give a reason or a goal
("because", "I chose", "I was looking for" …). Groups under `min_volume` units are not typed, nor groups in which
at least `small_talk` of the units only greet, thank, sign off or give a name (voc.text.small_talk).
"""

from __future__ import annotations

import polars as pl

from voc.config import JourneyConfig

__all__ = ["FRUSTRATED", "group_scores", "insight_kind"]

FRUSTRATED = 0.5  # a unit counts as frustrated from this frustration probability


def group_scores(units: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Volume, mean sentiment, frustration rate and motivation-cue rate per group of units.
    `units` needs sentiment, frustration and boolean motivation_cue and small_talk columns."""
    return units.group_by(by, maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("volume"),
        pl.col("sentiment").mean().alias("sentiment_mean"),
        (pl.col("frustration") >= FRUSTRATED).mean().alias("frustration_rate"),
        (pl.col("motivation_cue") & (pl.col("sentiment") >= 0)).sum().truediv(
            (pl.col("sentiment") >= 0).sum().clip(lower_bound=1)).alias("cue_rate"),
        pl.col("small_talk").mean().alias("small_talk_rate"),
    )


def insight_kind(config: JourneyConfig) -> pl.Expr:
    """pain_point | motivation | neutral, from the columns of `group_scores`."""
    sentiment, frustration, cues = pl.col("sentiment_mean"), pl.col("frustration_rate"), pl.col("cue_rate")
    enough = (pl.col("volume") >= config.min_volume) & (pl.col("small_talk_rate") < config.small_talk)
    pain = (sentiment <= config.pain_sentiment) | ((sentiment < 0) & (frustration >= config.pain_frustration))
    motivation = (sentiment >= config.motivation_sentiment) | ((sentiment >= 0) & (cues >= config.motivation_cues))
    return (pl.when(enough & pain).then(pl.lit("pain_point"))
            .when(enough & motivation).then(pl.lit("motivation"))
            .otherwise(pl.lit("neutral")))
