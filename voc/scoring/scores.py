"""Scores as table columns: per unit from the model's probabilities, per item by averaging rows of scores.

An item that is one message of several units within the models' window (a query, a survey answer split into
sentences) is scored whole in the score step, and its one row of scores is its item's; the units of a thread or of
a longer message are averaged: the item's sentiment probabilities and its frustration are their plain means, and
its label is the most probable class of the mean. Measured against document labels (bench/results/aggregation.json,
2,000 held-out reviews and 2,000 airline tweets), the whole text beat every aggregate of its sentences on both sets;
the plain mean beat a length-weighted mean and (for frustration) the most frustrated unit on both, and the most
extreme unit on the reviews (on the tweets the most extreme unit did better than the mean).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from voc.schema import SENTIMENT_LABEL

__all__ = ["PROBABILITY_COLUMNS", "aggregate_items", "with_unit_scores"]

PROBABILITY_COLUMNS = ("p_negative", "p_neutral", "p_positive")


def with_unit_scores(units: pl.DataFrame, scores: np.ndarray, keep_probabilities: bool = False) -> pl.DataFrame:
    """`units` (rows aligned with `scores`: p_neg, p_neu, p_pos, p_frustrated) with sentiment columns filled."""
    probabilities = pl.DataFrame(scores[:, :3], schema=list(PROBABILITY_COLUMNS), orient="row") if len(scores) else \
        pl.DataFrame(schema=dict.fromkeys(PROBABILITY_COLUMNS, pl.Float32))
    frame = pl.concat([units.drop(PROBABILITY_COLUMNS, strict=False), probabilities], how="horizontal").with_columns(
        frustration=pl.Series(scores[:, 3] if len(scores) else [], dtype=pl.Float32).cast(pl.Float64))
    frame = frame.with_columns(*_labels())
    return frame if keep_probabilities else frame.drop(PROBABILITY_COLUMNS)


def aggregate_items(units: pl.DataFrame, key: str = "feedback_id") -> pl.DataFrame:
    """One row per `key` with sentiment, sentiment_label and frustration: the means of its rows' probabilities."""
    means = [pl.col(c).cast(pl.Float64).mean() for c in (*PROBABILITY_COLUMNS, "frustration")]
    items = units.group_by(key, maintain_order=True).agg(*means)
    return items.with_columns(*_labels()).drop(PROBABILITY_COLUMNS)


def _labels() -> list[pl.Expr]:
    neg, neu, pos = (pl.col(c) for c in PROBABILITY_COLUMNS)
    label = (pl.when((neg >= neu) & (neg >= pos)).then(pl.lit("negative"))
             .when(pos >= neu).then(pl.lit("positive")).otherwise(pl.lit("neutral")))
    return [(pos - neg).cast(pl.Float64).alias("sentiment"), label.cast(SENTIMENT_LABEL).alias("sentiment_label")]
