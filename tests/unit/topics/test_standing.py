"""Standing topics: when a night refits, and how new units join the last fit's topics."""

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from voc.config import TopicsConfig
from voc.schema import TOPICS
from voc.topics.standing import fit_record, join_standing, refit_reason, standing_rows

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
CONFIG = TopicsConfig(min_topic_size=10, refit={"new_units": 0.10, "new_outliers": 0.25, "days": 7})


def _fit(units: int = 1000, new_since: int = 0, days_ago: float = 1.0) -> dict:
    return {**fit_record("20261123T020000Z", NOW - timedelta(days=days_ago), units), "new_since": new_since}


def test_a_small_night_on_a_recent_fit_joins_the_standing_topics():
    assert refit_reason(CONFIG, _fit(), new_units=50, now=NOW, new_outlier_share=0.1) is None
    assert refit_reason(CONFIG, _fit(), new_units=0, now=NOW, new_outlier_share=0.0) is None


def test_new_units_since_the_fit_add_up_to_a_refit():
    assert refit_reason(CONFIG, _fit(new_since=60), new_units=39, now=NOW) is None
    reason = refit_reason(CONFIG, _fit(new_since=60), new_units=40, now=NOW)
    assert reason is not None and "100 units added since the last fit, 10.0% of the 1000 fitted" in reason


def test_an_old_fit_or_many_new_outliers_or_no_fit_refits():
    assert "7.0 days old" in refit_reason(CONFIG, _fit(days_ago=7), new_units=1, now=NOW)
    assert refit_reason(CONFIG.model_copy(update={"refit": CONFIG.refit.model_copy(update={"days": None})}),
                        _fit(days_ago=400), new_units=1, now=NOW) is None
    assert "30% of tonight's 20 new units" in refit_reason(CONFIG, _fit(), new_units=20, now=NOW, new_outlier_share=0.3)
    assert refit_reason(CONFIG, _fit(), new_units=9, now=NOW, new_outlier_share=1.0) is None  # too few to be a theme
    assert refit_reason(CONFIG, None, new_units=1, now=NOW) is not None


def test_new_units_refit_every_night_when_new_units_is_zero():
    config = CONFIG.model_copy(update={"refit": CONFIG.refit.model_copy(update={"new_units": 0.0})})
    assert refit_reason(config, _fit(), new_units=1, now=NOW) is not None
    assert refit_reason(config, _fit(), new_units=0, now=NOW) is None


def test_a_new_unit_joins_the_nearest_standing_topic_when_close_enough():
    registry = pl.DataFrame({"topic_id": [4, 7, 9], "centroid": [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]})
    vectors = np.array([[0.9, 0.1], [0.1, 0.9], [-0.7, -0.7], [-1.0, 0.0]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    # topic 9 is retired: not among tonight's standing topics
    np.testing.assert_array_equal(join_standing(vectors, registry, [4, 7], min_similarity=0.5), [4, 7, -1, -1])
    np.testing.assert_array_equal(join_standing(vectors, registry, [], min_similarity=0.5), [-1, -1, -1, -1])


def test_standing_rows_count_sizes_and_languages_again_and_drop_emptied_topics():
    rows = pl.DataFrame({"topic_id": [1, 2, 3], "label": ["a", "b", "c"], "size": [5, 5, 5], "share": [0.3] * 3,
                         "languages": [None, None, None]}, schema_overrides={"languages": TOPICS.schema["languages"]})
    units = pl.DataFrame({"topic_id": [2, 2, 1, -1, 2], "language": ["en", "it", "en", "en", "en"]})
    out = standing_rows(rows, units)
    assert out["topic_id"].to_list() == [2, 1] and out["size"].to_list() == [3, 1] and out["label"].to_list() == ["b", "a"]
    assert out["share"].to_list() == pytest.approx([0.6, 0.2])
    assert out["languages"][0].to_list() == [{"language": "en", "units": 2, "share": 2 / 3}, {"language": "it", "units": 1, "share": 1 / 3}]
