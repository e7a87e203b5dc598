"""Trends and spikes: each topic's latest period against its rolling baseline.

Periods are `period_days` long and counted back from the newest unit, so the same units give the same periods
whatever the day the run happens: period 0 is the latest, periods 1..`baseline_periods` are the baseline.

Every night the whole window of units is assigned to tonight's topics, so a topic's history is, by construction,
under its current id: a topic that was renamed, merged or split is compared with its own units of earlier periods,
and a change of id alone cannot raise a spike. The lineage events of the last refit are only attached as a `note`.

A topic with no units in the baseline is new, not a spike (its volume change has no finite size): it is never
flagged; the topic registry already reports it as born or returned.

A period with no unit at all (of any topic) is unknown rather than zero: before the data begins, or a gap in the
sources. It is left out of the baseline instead of counting as a quiet period.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from voc.config import InsightsConfig
from voc.errors import VocError
from voc.schema import ALERTS

__all__ = ["SENTIMENT_SPREAD_FLOOR", "periods", "spikes", "topic_series", "topic_trends"]

SENTIMENT_SPREAD_FLOOR = 0.05  # smallest spread of period mean sentiment a drop is measured against
_SERIES_SCHEMA = pl.Schema({"topic_id": pl.Int64, "period": pl.Int64, "units": pl.Int64, "sentiment_mean": pl.Float64})
_LATEST = pl.col("period") == 0
_BASELINE = pl.col("period") > 0


def periods(units: pl.DataFrame, config: InsightsConfig) -> tuple[datetime, list[datetime]]:
    """`end` (exclusive, one microsecond after the newest unit's created_at) and `edges`: the start of each
    period, latest first, so period k covers [edges[k], edges[k] + period_days) and period 0 ends at `end`."""
    newest = units.get_column("created_at").max()
    if newest is None:
        raise VocError("no unit has a created_at: trends and spikes need dated units")
    end = newest + timedelta(microseconds=1)
    step = timedelta(days=config.period_days)
    return end, [end - step * (k + 1) for k in range(config.baseline_periods + 1)]


def topic_series(units: pl.DataFrame, config: InsightsConfig) -> pl.DataFrame:
    """One row per (topic_id, period) for every topic with a unit in the window, periods 0..baseline_periods.

    `units` is the topic's unit count (0 in a period where other topics have units; null in a period where no
    unit at all is dated) and `sentiment_mean` its mean unit sentiment (null without units). Outliers
    (topic_id -1) and undated units are left out."""
    dated = units.filter(pl.col("created_at").is_not_null())
    if dated.is_empty():
        return pl.DataFrame(schema=_SERIES_SCHEMA)
    end, _ = periods(dated, config)
    period_us = config.period_days * 86_400 * 1_000_000
    window = (dated.with_columns(period=(pl.lit(end, ALERTS.schema["period_end"]) - pl.col("created_at"))
                                 .dt.total_microseconds() // period_us)
              .filter(pl.col("period") <= config.baseline_periods))
    covered = window.select("period").unique().with_columns(covered=pl.lit(True))
    placed = window.filter(pl.col("topic_id") >= 0)
    counts = placed.group_by("topic_id", "period").agg(units=pl.len().cast(pl.Int64),
                                                       sentiment_mean=pl.col("sentiment").mean())
    grid = placed.select("topic_id").unique().join(
        pl.DataFrame({"period": range(config.baseline_periods + 1)}, schema={"period": pl.Int64}), how="cross")
    return (grid.join(counts, on=["topic_id", "period"], how="left")
            .join(covered, on="period", how="left")
            .with_columns(units=pl.when(pl.col("covered")).then(pl.col("units").fill_null(0)))
            .select(list(_SERIES_SCHEMA))
            .sort("topic_id", "period")
            .cast(dict(_SERIES_SCHEMA)))


def topic_trends(units: pl.DataFrame, config: InsightsConfig) -> pl.DataFrame:
    """topic_id and trend: latest period's units / mean baseline units - 1; null when the baseline has no unit
    of the topic. One row per topic with a unit in the window, by topic_id."""
    return (_stats(topic_series(units, config))
            .select("topic_id", trend=pl.when(pl.col("base_mean") > 0)
                    .then(pl.col("latest") / pl.col("base_mean") - 1))
            .sort("topic_id"))


def spikes(units: pl.DataFrame, topics: pl.DataFrame, lineage: pl.DataFrame, run_id: str,
           config: InsightsConfig) -> pl.DataFrame:
    """ALERTS rows: topics whose latest period is far above their baseline volume or below their baseline sentiment.

    Volume: latest >= spike_min_volume and (latest - mean) / max(std, sqrt(mean), 1) >= spike_z over the baseline
    periods' unit counts (the sqrt floor is the Poisson spread of a count); p_value is the Poisson tail
    P(X >= latest) with the baseline mean as rate. A topic with no unit in baseline periods that have units of
    other topics is new: its z is its latest count and its change is null (a new outage is the loudest spike).
    Sentiment: latest >= spike_min_volume units, at least two baseline periods with units, and
    (baseline - latest mean) / max(std, SENTIMENT_SPREAD_FLOOR) >= spike_z over the baseline periods' mean sentiment; no p_value (a handful of period means gives no calibrated one).
    z is measured in the alarming direction (a rise in volume, a drop in sentiment), so it is positive.
    `topics` gives label and stage_id; `lineage` (TOPIC_LINEAGE) the notes, from the events of run `run_id` (the last
    refit). By z desc, topic_id."""
    series = topic_series(units, config)
    if series.is_empty():
        return ALERTS.empty()
    end, edges = periods(units, config)
    stats = _stats(series).filter(pl.col("latest") >= config.spike_min_volume)
    volume = (stats.filter(pl.col("base_mean").is_not_null())
              .with_columns(z=(pl.col("latest") - pl.col("base_mean"))
                            / pl.max_horizontal(pl.col("base_std").fill_null(0), pl.col("base_mean").sqrt(), 1))
              .filter(pl.col("z") >= config.spike_z)
              .select("topic_id", "z", metric=pl.lit("volume"), observed="latest", baseline="base_mean",
                      change=pl.when(pl.col("base_mean") > 0).then(pl.col("latest") / pl.col("base_mean") - 1)))
    from scipy.stats import poisson  # noqa: PLC0415  (1 s to import; only the insights step needs it)

    volume = volume.with_columns(p_value=pl.Series(
        poisson.sf(volume["observed"].to_numpy() - 1, volume["baseline"].to_numpy()), dtype=pl.Float64))
    sentiment = (stats.filter(pl.col("sentiment_periods") >= 2, pl.col("latest_sentiment").is_not_null())
                 .with_columns(z=(pl.col("sentiment_base") - pl.col("latest_sentiment"))
                               / pl.max_horizontal("sentiment_std", SENTIMENT_SPREAD_FLOOR))
                 .filter(pl.col("z") >= config.spike_z)
                 .select("topic_id", "z", metric=pl.lit("sentiment"), observed="latest_sentiment",
                         baseline="sentiment_base", change=pl.col("latest_sentiment") - pl.col("sentiment_base"),
                         p_value=pl.lit(None, pl.Float64)))
    period_type = ALERTS.schema["period_start"]
    rows = (pl.concat([volume, sentiment], how="diagonal")
            .join(topics.select("topic_id", "label", "stage_id"), on="topic_id", how="left")
            .join(_notes(lineage, run_id), on="topic_id", how="left")
            .with_columns(metric=pl.col("metric").cast(ALERTS.schema["metric"]),
                          period_start=pl.lit(edges[0], period_type), period_end=pl.lit(end, period_type))
            .sort(["z", "topic_id", "metric"], descending=[True, False, False]))
    return ALERTS.conform(rows.select(list(ALERTS.columns)).cast(dict(ALERTS.schema)))


def _stats(series: pl.DataFrame) -> pl.DataFrame:
    """Per topic: latest units and sentiment, baseline mean and std of units and of period mean sentiment."""
    baseline_sentiment = pl.col("sentiment_mean").filter(_BASELINE)
    return series.group_by("topic_id").agg(
        latest=pl.col("units").filter(_LATEST).first().cast(pl.Float64),
        latest_sentiment=pl.col("sentiment_mean").filter(_LATEST).first(),
        base_mean=pl.col("units").filter(_BASELINE).mean(),
        base_std=pl.col("units").filter(_BASELINE).std(),
        sentiment_periods=baseline_sentiment.count(),
        sentiment_base=baseline_sentiment.mean(),
        sentiment_std=baseline_sentiment.std(),
    )


def _notes(lineage: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """topic_id and note: what the lineage events of `run_id` (the run whose topic fit tonight's topics come from)
    say about each topic, e.g. 'split from topic 3 at the last refit'."""
    tonight = lineage.filter(pl.col("run_id") == run_id)
    related = pl.col("related_topic_id").cast(pl.String)
    own = (tonight.filter(pl.col("event").is_in(["born", "returned", "split_from"]))
           .select("topic_id", order=pl.lit(0),
                   text=pl.when(pl.col("event") == "born").then(pl.lit("born at the last refit"))
                   .when(pl.col("event") == "returned").then(pl.lit("returned at the last refit"))
                   .otherwise(pl.format("split from topic {} at the last refit", related))))
    gained = (tonight.filter(pl.col("event").is_in(["merged_into", "split_from"]), pl.col("related_topic_id").is_not_null())
              .group_by(pl.col("related_topic_id").alias("topic_id"), "event")
              .agg(ids=pl.col("topic_id").sort().cast(pl.String))
              .select("topic_id", order=pl.lit(1),
                      text=pl.format("{} {} {} at the last refit",
                                     pl.when(pl.col("ids").list.len() > 1).then(pl.lit("topics")).otherwise(pl.lit("topic")),
                                     pl.col("ids").list.join(", "),
                                     pl.when(pl.col("event") == "merged_into").then(pl.lit("merged into it"))
                                     .otherwise(pl.lit("split from it")))))
    return (pl.concat([own, gained])
            .sort("topic_id", "order", "text")
            .group_by("topic_id", maintain_order=True)
            .agg(note=pl.col("text").str.join("; ")))
