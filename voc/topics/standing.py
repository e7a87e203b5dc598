"""Standing topics: between refits, a night's new units join the last fit's topics and earlier units keep theirs.

A refit moves topics: on BANKING77 with 5% more queries, a fresh fit put 18% of yesterday's units on another
topic id (UMAP lays the grown data out anew and HDBSCAN cuts it elsewhere), although the registry keeps every
topic that is still there. So a night refits only when it is due (`refit_reason`): the settings or the encoder
changed, the units added since the last fit reach `topics.refit.new_units` of the units fitted then, many of
tonight's new units are close to no standing topic (a theme the fit has not seen), or the fit is
`topics.refit.days` old. Otherwise each new unit joins the standing topic whose registry centroid is nearest to
its topic vector, when the cosine reaches `topics.outlier_similarity` (the same rule the fit uses for units outside
its sample); labels, keywords and quotes stay the fit's, sizes and languages are counted again.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import numpy as np
import polars as pl

from voc.config import TopicsConfig
from voc.schema import TOPICS
from voc.topics.languages import language_shares

__all__ = ["fit_record", "join_standing", "refit_reason", "standing_rows"]


def fit_record(run_id: str, at: datetime, units: int) -> dict:
    """What run.json keeps about a fit: its run, time and units, and the units added by the nights since."""
    return {"run": run_id, "at": at.isoformat(), "units": units, "new_since": 0}


def refit_reason(config: TopicsConfig, fit: dict | None, new_units: int, now: datetime,
                 new_outlier_share: float | None = None) -> str | None:
    """Why tonight refits, or None when its new units can join the standing topics. `fit` is the last fit_record
    (None: no usable fit); `new_outlier_share` the share of tonight's new units close to no standing topic, when known."""
    refit = config.refit
    if not fit:
        return "no earlier fit with the same settings and encoder"
    added = fit["new_since"] + new_units
    if added >= refit.new_units * fit["units"] and added > 0:
        share = added / max(fit["units"], 1)
        return (f"{added} units added since the last fit, {share:.1%} of the {fit['units']} fitted "
                f"(refit at {refit.new_units:.0%})")
    age = (now - datetime.fromisoformat(fit["at"])).total_seconds() / 86400
    if refit.days is not None and age >= refit.days:
        return f"the last fit is {age:.1f} days old (refit every {refit.days})"
    if new_outlier_share is not None and new_units >= config.min_topic_size and new_outlier_share > refit.new_outliers:
        return (f"{new_outlier_share:.0%} of tonight's {new_units} new units are close to no topic "
                f"(refit above {refit.new_outliers:.0%})")
    return None


def join_standing(topic_vectors: np.ndarray, registry: pl.DataFrame, topic_ids: list[int], min_similarity: float) -> np.ndarray:
    """Per row of `topic_vectors`, the id among `topic_ids` whose registry centroid is nearest, or -1 when its cosine
    is below `min_similarity` (or there is no standing topic)."""
    if not topic_ids or len(topic_vectors) == 0:
        return np.full(len(topic_vectors), -1, dtype=np.int64)
    centroid_of = dict(zip(registry["topic_id"].to_list(), registry["centroid"].to_list(), strict=True))
    centroids = np.asarray([centroid_of[t] for t in topic_ids], dtype=np.float32)
    similarity = topic_vectors @ centroids.T
    nearest = similarity.argmax(axis=1)
    ids = np.asarray(topic_ids, dtype=np.int64)[nearest]
    return np.where(similarity[np.arange(len(ids)), nearest] >= min_similarity, ids, -1)


def standing_rows(rows: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """The last run's topics rows with size, share and languages counted again on `units` (topic_id, language);
    a topic left with no unit is dropped."""
    on_topic = units.filter(pl.col("topic_id") >= 0)
    counted = (on_topic.group_by("topic_id").agg(pl.col("language"))
               .with_columns(size=pl.col("language").list.len().cast(pl.Int64),
                             languages=pl.col("language").map_elements(
                                 lambda values: [asdict(s) for s in language_shares(values.to_list())],
                                 return_dtype=TOPICS.schema["languages"]))
               .drop("language"))
    return (rows.drop("size", "share", "languages").join(counted, on="topic_id", how="inner")
            .with_columns(share=pl.col("size") / max(units.height, 1))
            .select(rows.columns).sort(["size", "topic_id"], descending=[True, False]))
