"""Scores as table columns: per-unit sentiment, label and frustration from the model's probabilities
(voc.scoring.scores.with_unit_scores), and per-item aggregation of units (aggregate_items)."""

import numpy as np
import polars as pl
import pytest

from voc.schema import UNITS
from voc.scoring.scores import PROBABILITY_COLUMNS, aggregate_items, with_unit_scores


def units(ids, texts):
    return pl.DataFrame({"feedback_id": ids, "text": texts})


def scored(ids, texts, scores, keep=True):
    return with_unit_scores(units(ids, texts), np.asarray(scores, dtype=np.float32), keep_probabilities=keep)


def test_sentiment_is_positive_minus_negative_and_frustration_is_copied():
    out = scored(["a", "b"], ["x", "y"], [[0.7, 0.2, 0.1, 0.9], [0.1, 0.3, 0.6, 0.05]])
    assert out["sentiment"].to_list() == pytest.approx([-0.6, 0.5], abs=1e-6)
    assert out["frustration"].to_list() == pytest.approx([0.9, 0.05], abs=1e-6)
    assert out["sentiment_label"].to_list() == ["negative", "positive"]


def test_label_is_the_most_probable_class():
    out = scored(["a"] * 3, ["x"] * 3, [[0.6, 0.3, 0.1, 0], [0.2, 0.5, 0.3, 0], [0.1, 0.2, 0.7, 0]])
    assert out["sentiment_label"].to_list() == ["negative", "neutral", "positive"]


def test_ties_go_to_negative_first_then_positive_over_neutral():
    ties = [[0.4, 0.4, 0.2, 0], [0.4, 0.2, 0.4, 0], [0.2, 0.4, 0.4, 0], [1 / 3, 1 / 3, 1 / 3, 0]]
    out = scored(["a"] * 4, ["x"] * 4, ties)
    assert out["sentiment_label"].to_list() == ["negative", "negative", "positive", "negative"]


def test_probability_columns_are_dropped_unless_kept():
    scores = [[0.2, 0.3, 0.5, 0.1]]
    dropped = scored(["a"], ["x"], scores, keep=False)
    assert not set(PROBABILITY_COLUMNS) & set(dropped.columns)
    assert dropped.columns == ["feedback_id", "text", "frustration", "sentiment", "sentiment_label"]
    kept = scored(["a"], ["x"], scores, keep=True)
    assert [kept[c][0] for c in PROBABILITY_COLUMNS] == pytest.approx([0.2, 0.3, 0.5], abs=1e-6)


def test_stale_probability_columns_in_the_input_are_replaced():
    stale = units(["a"], ["x"]).with_columns(p_negative=pl.lit(1.0), p_neutral=pl.lit(0.0), p_positive=pl.lit(0.0))
    out = with_unit_scores(stale, np.array([[0.1, 0.1, 0.8, 0.0]], dtype=np.float32), keep_probabilities=True)
    assert out["p_positive"][0] == pytest.approx(0.8, abs=1e-6)
    assert out["sentiment_label"][0] == "positive"


def test_unit_dtypes_match_the_units_schema():
    out = scored(["a"], ["x"], [[0.2, 0.3, 0.5, 0.1]], keep=False)
    for column in ("sentiment", "sentiment_label", "frustration"):
        assert out.schema[column] == UNITS.schema[column], column


def test_no_units_give_an_empty_frame_with_schema_dtypes():
    out = with_unit_scores(pl.DataFrame(schema={"feedback_id": pl.String, "text": pl.String}),
                           np.zeros((0, 4), dtype=np.float32))
    assert out.height == 0
    for column in ("sentiment", "sentiment_label", "frustration"):
        assert out.schema[column] == UNITS.schema[column], column


def test_item_probabilities_are_the_plain_mean_of_its_units_whatever_their_length():
    long_complaint = "The parcel arrived broken and nobody answers the phone."
    out = aggregate_items(scored(["a", "a"], ["Hi.", long_complaint], [[0.0, 0.0, 1.0, 0.1], [0.9, 0.1, 0.0, 0.2]]))
    assert out["sentiment"][0] == pytest.approx((1.0 - 0.9) / 2, abs=1e-6)
    assert out["sentiment_label"][0] == "positive"  # mean p: neg 0.45, neu 0.05, pos 0.5


def test_equal_lengths_average_plainly_and_label_comes_from_the_average():
    # each unit alone is negative or positive; the average is most neutral
    out = aggregate_items(scored(["a", "a"], ["abcd", "wxyz"], [[0.5, 0.45, 0.05, 0], [0.05, 0.45, 0.5, 0]]))
    assert out["sentiment"][0] == pytest.approx(0.0, abs=1e-6)
    assert out["sentiment_label"][0] == "neutral"


def test_item_frustration_is_the_mean_of_its_units():
    out = aggregate_items(scored(["a"] * 3, ["one", "two words", "x"], [[0.3, 0.4, 0.3, f] for f in (0.1, 0.8, 0.3)]))
    assert out["frustration"][0] == pytest.approx(0.4, abs=1e-6)


def test_one_row_per_item_in_first_seen_order():
    ids = ["z", "a", "z", "m", "a"]
    out = aggregate_items(scored(ids, ["t"] * 5, [[0.3, 0.4, 0.3, 0.1]] * 5))
    assert out["feedback_id"].to_list() == ["z", "a", "m"]
    assert not set(PROBABILITY_COLUMNS) & set(out.columns)


def test_items_are_aggregated_separately():
    out = aggregate_items(scored(["a", "b"], ["x", "y"], [[0.9, 0.1, 0.0, 0.6], [0.0, 0.2, 0.8, 0.1]]))
    assert out["sentiment"].to_list() == pytest.approx([-0.9, 0.8], abs=1e-6)
    assert out["sentiment_label"].to_list() == ["negative", "positive"]
    assert out["frustration"].to_list() == pytest.approx([0.6, 0.1], abs=1e-6)


def test_item_dtypes_match_the_units_schema():
    out = aggregate_items(scored(["a", "a"], ["x", "yy"], [[0.2, 0.3, 0.5, 0.1], [0.6, 0.3, 0.1, 0.4]]))
    for column in ("sentiment", "sentiment_label", "frustration"):
        assert out.schema[column] == UNITS.schema[column], column


def test_aggregation_groups_by_another_key():
    frame = scored(["a", "a"], ["x", "y"], [[0.9, 0.1, 0.0, 0.6], [0.0, 0.2, 0.8, 0.1]]).with_columns(
        unit_group=pl.Series(["g1", "g2"]))
    out = aggregate_items(frame, key="unit_group")
    assert out["unit_group"].to_list() == ["g1", "g2"]
