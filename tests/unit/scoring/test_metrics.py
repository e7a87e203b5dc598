"""Metrics of model cards and benchmarks (voc.scoring.metrics): macro-F1, ROC-AUC with ties, expected
calibration error, and the sentiment report's handling of sets without a neutral class."""

import math

import numpy as np
import pytest

from voc.scoring.metrics import calibration_error, macro_f1, roc_auc, sentiment_report


def test_macro_f1_averages_per_class_f1_by_hand():
    # class 0: p=1, r=1/2 -> 2/3; class 1: p=1/3, r=1 -> 1/2; class 2: no hit -> 0
    assert macro_f1(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1])) == pytest.approx((2 / 3 + 0.5 + 0) / 3)


def test_macro_f1_skips_a_class_missing_from_labels():
    # class 1 is only predicted, never true: it does not count; class 0 -> 2/3, class 2 -> 1
    assert macro_f1(np.array([0, 0, 2, 2]), np.array([0, 1, 2, 2])) == pytest.approx(5 / 6)


def test_macro_f1_is_one_when_perfect_and_nan_without_labels():
    assert macro_f1(np.array([2, 1, 0, 2]), np.array([2, 1, 0, 2])) == 1.0
    assert math.isnan(macro_f1(np.array([], dtype=int), np.array([], dtype=int)))


def test_roc_auc_perfect_reversed_and_tied():
    labels = np.array([0, 0, 1, 1])
    assert roc_auc(labels, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert roc_auc(labels, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert roc_auc(labels, np.full(4, 0.5)) == 0.5


def test_roc_auc_counts_pairs_by_hand():
    # positives 0.2, 0.4 against negatives 0.1, 0.3: 3 of 4 pairs ordered right
    assert roc_auc(np.array([0, 1, 0, 1]), np.array([0.1, 0.2, 0.3, 0.4])) == pytest.approx(0.75)
    # a tie between a positive and a negative counts half: (1 + 0.5) / 2
    assert roc_auc(np.array([0, 1, 0, 1]), np.array([0.1, 0.5, 0.5, 0.9])) == pytest.approx(0.875)


def test_roc_auc_matches_brute_force_pairs_with_ties():
    rng = np.random.default_rng(0)
    for _ in range(20):
        n = int(rng.integers(5, 60))
        labels = rng.integers(0, 2, n)
        if labels.all() or not labels.any():
            continue
        scores = np.round(rng.random(n), 1)  # few distinct values: many ties
        pos, neg = scores[labels == 1], scores[labels == 0]
        diff = pos[:, None] - neg[None, :]
        expected = ((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size
        assert roc_auc(labels, scores) == pytest.approx(expected)


def test_roc_auc_of_one_class_is_nan():
    assert math.isnan(roc_auc(np.array([1, 1, 1]), np.array([0.1, 0.5, 0.9])))
    assert math.isnan(roc_auc(np.array([0, 0]), np.array([0.1, 0.5])))


def test_perfectly_calibrated_bins_have_no_error():
    confidence = np.array([0.8] * 10 + [0.3] * 10)
    correct = np.array([1] * 8 + [0] * 2 + [1] * 3 + [0] * 7, dtype=bool)
    assert calibration_error(confidence, correct) == pytest.approx(0.0, abs=1e-12)


def test_overconfidence_gives_the_gap_weighted_by_bin_size():
    assert calibration_error(np.full(10, 0.9), np.array([1, 0] * 5, dtype=bool)) == pytest.approx(0.4)
    # half the rows at 0.95 with 2/4 right (gap 0.45), half at 0.55 with 2/4 right (gap 0.05)
    confidence = np.array([0.95] * 4 + [0.55] * 4)
    correct = np.array([1, 1, 0, 0, 1, 0, 1, 0], dtype=bool)
    assert calibration_error(confidence, correct) == pytest.approx(0.5 * 0.45 + 0.5 * 0.05)


def test_calibration_pools_rows_of_one_bin():
    # 0.55 and 0.58 share a bin of width 1/15: accuracy 0.5 against mean confidence 0.565
    assert calibration_error(np.array([0.55, 0.58]), np.array([True, False])) == pytest.approx(0.065)
    assert calibration_error(np.array([1.0, 0.0]), np.array([True, False])) == pytest.approx(0.0)


def test_calibration_error_of_nothing_is_nan():
    assert math.isnan(calibration_error(np.array([]), np.array([], dtype=bool)))


def test_binary_report_prefers_positive_or_negative_over_neutral():
    labels = np.array([0, 2, 2, 0, 2])
    probabilities = np.array([[0.3, 0.6, 0.1], [0.1, 0.5, 0.4], [0.2, 0.7, 0.1], [0.6, 0.1, 0.3], [0.3, 0.4, 0.3]])
    report = sentiment_report(labels, probabilities)
    # polarity predictions [0, 2, 0, 0, 2] (a tie goes to positive); argmax would predict neutral 4 times
    assert report["rows"] == 5
    assert report["accuracy"] == 0.8
    assert report["macro_f1"] == round((0.8 + 0.8) / 2, 4)
    expected_ece = calibration_error(probabilities.max(axis=1), labels == probabilities.argmax(axis=1))
    assert report["ece"] == round(expected_ece, 4)


def test_three_class_report_uses_the_most_probable_class():
    labels = np.array([0, 1, 2, 1])
    probabilities = np.array([[0.3, 0.6, 0.1], [0.1, 0.5, 0.4], [0.1, 0.2, 0.7], [0.6, 0.1, 0.3]])
    report = sentiment_report(labels, probabilities)
    # predictions [1, 1, 2, 0]: 2 of 4 right; F1 class 0: 0, class 1: p 1/2 r 1/2 -> 1/2, class 2: 1
    assert report["accuracy"] == 0.5
    assert report["macro_f1"] == round((0.0 + 0.5 + 1.0) / 3, 4)
