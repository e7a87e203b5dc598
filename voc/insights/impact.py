"""impact: how much each insight moves its stage's survey score, how sure that is, and where to act first.

Per journey stage the **metric** is NPS or CSAT, whichever has more respondents there (NPS on a tie). A
**respondent** is an item (feedback_id) with a score of that type and at least one unit in the stage; it
**mentions** a topic when any of its units in the stage is on the topic.

- `impact` is the stage's score minus its score without the topic's respondents: NPS in points (-100..100,
  % promoters 9-10 minus % detractors 0-6), CSAT as the mean score. A pain point whose respondents drag the
  score down has a negative impact; a motivation whose respondents lift it, a positive one.
- `impact_low`/`impact_high` is the bootstrap percentile interval of the impact at `confidence`: the stage's
  respondents resampled with replacement `bootstrap` times, every topic of the stage on the same resamples.
  Each stage draws from its own generator, seeded by `seed` and the stage id, so adding a stage leaves the
  intervals of the others unchanged. A resample where no respondent lacks the topic is left out.
- `driver` is the key-driver coefficient: the topic's indicator in a least-squares fit (with intercept) of the
  respondent's raw score (NPS 0-10, CSAT 1-5) on the indicators of every typed topic of the stage — the score
  difference that goes with mentioning the topic, the other topics held fixed.
- Minimum evidence: with fewer than `min_respondents` respondents in the stage, or fewer than
  max(5, min_respondents // 3) respondents mentioning the topic or not mentioning it, the four estimates are
  null and `evidence` is "too_few".
- `opportunity` (>= 0) ranks where to act, comparable across stages and metrics:

      volume / all insights' volume  x  effect  x  (0.5 + frustration_rate)

  where effect is the impact in the insight's direction (-impact for a pain point, +impact for a
  motivation) as a share of the metric's scale width (200 NPS points, 4 CSAT points), floored at 0. With
  "too_few" evidence the effect is UNPROVEN_EFFECT (1% of the scale: 2 NPS points, 0.04 CSAT), so such an
  insight ranks by volume and frustration only, below any proven one of a fair size. A null frustration_rate
  counts as 0.
"""

from __future__ import annotations

import zlib

import numpy as np
import polars as pl

from voc.config import InsightsConfig
from voc.schema import IMPACT

__all__ = ["METRICS", "UNPROVEN_EFFECT", "impact"]

METRICS = ("nps", "csat")  # in order of preference on a tie
SCALE_WIDTH = {"nps": 200.0, "csat": 4.0}
UNPROVEN_EFFECT = 0.01
MIN_TOPIC_RESPONDENTS = 5
BLOCK_CELLS = 1 << 22  # resample weights (resamples x respondents) held in memory at once; fits int32 indices



def impact(units: pl.DataFrame, insights: pl.DataFrame, config: InsightsConfig) -> pl.DataFrame:
    """One row per insight, in the order of `insights`, with the columns of voc.schema.IMPACT.

    `units` needs feedback_id, stage_id, topic_id, score and score_type; `insights` stage_id, topic_id,
    insight_type, volume and frustration_rate."""
    keys = insights.select("stage_id", "topic_id").with_columns(column=pl.int_range(pl.len()).over("stage_id"))
    people = _respondents(units)
    mentions = (units.select("stage_id", "topic_id", "feedback_id").unique()
                .join(people.select("stage_id", "feedback_id", "row"), on=["stage_id", "feedback_id"])
                .join(keys, on=["stage_id", "topic_id"]))
    counted = mentions.group_by("stage_id", "topic_id").agg(pl.len().cast(pl.Int64).alias("topic_respondents"))
    stages = people.group_by("stage_id").agg(pl.col("score_type").first().alias("impact_metric"),
                                             pl.len().cast(pl.Int64).alias("respondents"))
    least = max(MIN_TOPIC_RESPONDENTS, config.min_respondents // 3)
    table = (insights.select("stage_id", "topic_id", "insight_type", "volume", "frustration_rate")
             .join(stages, on="stage_id", how="left", maintain_order="left")
             .join(counted, on=["stage_id", "topic_id"], how="left", maintain_order="left")
             .with_columns(pl.col("respondents", "topic_respondents").fill_null(0))
             .with_columns(ok=(pl.col("respondents") >= config.min_respondents)
                           & (pl.col("topic_respondents") >= least)
                           & (pl.col("respondents") - pl.col("topic_respondents") >= least)))
    estimates = _estimates(people, mentions, keys.join(table.select("stage_id", "topic_id", "ok"),
                                                       on=["stage_id", "topic_id"]), config)
    return (table.join(estimates, on=["stage_id", "topic_id"], how="left", maintain_order="left")
            .with_columns(opportunity=_opportunity(), evidence=pl.when("ok").then(pl.lit("ok")).otherwise(pl.lit("too_few")))
            .select(list(IMPACT.columns))
            .cast(dict(IMPACT.schema))
            .pipe(IMPACT.conform))


def _respondents(units: pl.DataFrame) -> pl.DataFrame:
    """Respondents of each stage's metric: stage_id, feedback_id, score_type, score and their row in the stage
    (by feedback_id, so resampling does not depend on the order of `units`)."""
    scored = (units.filter(pl.col("score").is_not_null() & pl.col("stage_id").is_not_null()
                           & pl.col("score_type").cast(pl.String).is_in(METRICS))
              .select("stage_id", "feedback_id", pl.col("score_type").cast(pl.String), "score")
              .unique(["stage_id", "feedback_id"], keep="first", maintain_order=True))
    preference = pl.col("score_type").replace_strict(METRICS, list(range(len(METRICS))), return_dtype=pl.Int64)
    metric = (scored.group_by("stage_id", "score_type").agg(pl.len().alias("count"))
              .sort(["stage_id", "count", preference], descending=[False, True, False])
              .unique("stage_id", keep="first", maintain_order=True)
              .select("stage_id", "score_type"))
    return (scored.join(metric, on=["stage_id", "score_type"])
            .sort("stage_id", "feedback_id")
            .with_columns(row=pl.int_range(pl.len()).over("stage_id")))


def _estimates(people: pl.DataFrame, mentions: pl.DataFrame, keys: pl.DataFrame, config: InsightsConfig) -> pl.DataFrame:
    """impact, impact_low, impact_high and driver of the insights with enough evidence (stage_id, topic_id)."""
    by_stage = people.partition_by("stage_id", as_dict=True)
    marks = mentions.partition_by("stage_id", as_dict=True)
    schema = {name: IMPACT.schema[name] for name in ("stage_id", "topic_id", "impact", "impact_low", "impact_high", "driver")}
    parts = [pl.DataFrame(schema=schema)]
    for (stage,), topics in keys.sort("stage_id", "column").partition_by("stage_id", as_dict=True).items():
        if not topics["ok"].any():
            continue
        stage_people, stage_marks = by_stage[(stage,)], marks[(stage,)]
        mentioned = np.zeros((stage_people.height, topics.height))
        mentioned[stage_marks["row"].to_numpy(), stage_marks["column"].to_numpy()] = 1.0
        ok = topics["ok"].to_numpy()
        scores, rest = stage_people["score"].to_numpy(), 1.0 - mentioned[:, ok]
        values = _values(scores, stage_people["score_type"][0])
        rng = np.random.default_rng([config.seed % 2**64, zlib.crc32(stage.encode())])
        tail = (1.0 - config.confidence) / 2
        low, high = np.nanquantile(_bootstrap(values, rest, config.bootstrap, rng), [tail, 1.0 - tail], axis=0)
        parts.append(pl.DataFrame({
            "stage_id": stage, "topic_id": topics["topic_id"].filter(topics["ok"]),
            "impact": _shift(values, rest), "impact_low": low, "impact_high": high,
            "driver": _drivers(scores, mentioned)[ok],
        }, schema=schema))
    return pl.concat(parts)


def _values(scores: np.ndarray, metric: str) -> np.ndarray:
    """Per-respondent values whose mean is the metric: NPS +100 promoter / 0 passive / -100 detractor."""
    if metric == "nps":
        return 100.0 * ((scores >= 9).astype(np.float64) - (scores <= 6).astype(np.float64))
    return scores.astype(np.float64)


def _shift(values: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """Score of all respondents minus the score of those in each column of `rest` (0/1, respondents x topics)."""
    return values.mean() - (values @ rest) / rest.sum(axis=0)


def _bootstrap(values: np.ndarray, rest: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`_shift` on `count` resamples (resamples x topics), each resample a row of multiplicity weights
    multiplied with the per-respondent vectors; NaN where a resample has no respondent in `rest`."""
    n, topics = values.size, rest.shape[1]
    stacked = np.column_stack([values, values[:, None] * rest, rest])
    block = max(1, BLOCK_CELLS // n)
    shifts = []
    for start in range(0, count, block):
        size = min(block, count - start)
        picks = rng.integers(0, n, size=(size, n), dtype=np.int32) + (np.arange(size, dtype=np.int32) * n)[:, None]
        weights = np.bincount(picks.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)
        sums = weights @ stacked
        with np.errstate(invalid="ignore", divide="ignore"):
            shifts.append(sums[:, :1] / n - sums[:, 1:1 + topics] / sums[:, 1 + topics:])
    return np.vstack(shifts)


def _drivers(scores: np.ndarray, mentioned: np.ndarray) -> np.ndarray:
    """Least-squares coefficients of the topic indicators (respondents x topics), with an intercept."""
    design = np.column_stack([np.ones(scores.size), mentioned])
    return np.linalg.lstsq(design, scores, rcond=None)[0][1:]


def _opportunity() -> pl.Expr:
    share = pl.col("volume") / pl.col("volume").sum()
    direction = pl.when(pl.col("insight_type") == "pain_point").then(-1.0).otherwise(1.0)
    width = pl.col("impact_metric").replace_strict(SCALE_WIDTH, default=None, return_dtype=pl.Float64)
    effect = pl.when("ok").then((direction * pl.col("impact") / width).clip(lower_bound=0.0)).otherwise(UNPROVEN_EFFECT)
    return share * effect * (0.5 + pl.col("frustration_rate").fill_null(0.0))
