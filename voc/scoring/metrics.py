"""Metrics reported in model cards and benchmarks: macro-F1, ROC-AUC and calibration error."""

from __future__ import annotations

import numpy as np

__all__ = ["calibration_error", "macro_f1", "roc_auc", "sentiment_report"]


def macro_f1(labels: np.ndarray, predicted: np.ndarray, classes: int = 3) -> float:
    """Mean F1 over the classes that occur in `labels`."""
    scores = []
    for c in range(classes):
        truth, guess = labels == c, predicted == c
        if not truth.any():
            continue
        tp = float((truth & guess).sum())
        precision = tp / guess.sum() if guess.any() else 0.0
        recall = tp / truth.sum()
        scores.append(0.0 if tp == 0 else 2 * precision * recall / (precision + recall))
    return float(np.mean(scores)) if scores else float("nan")


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    labels = labels.astype(bool)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if not positives or not negatives:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=float)
    sorted_scores = scores[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(average, counts)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 15) -> float:
    """Expected calibration error: mean |accuracy − confidence| over equal-width confidence bins, by weight."""
    if not len(confidence):
        return float("nan")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)


def sentiment_report(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    """Macro-F1, accuracy and top-label calibration error of 3-class probabilities (labels 0/1/2)."""
    if probabilities.ndim != 2 or probabilities.shape[1] != 3:
        raise ValueError(f"expected (rows, 3) sentiment probabilities, got shape {probabilities.shape}")
    predicted = probabilities.argmax(axis=1)
    binary = not (labels == 1).any()
    if binary:  # a set without a neutral class: judge the polarity the model prefers between the two
        predicted = np.where(probabilities[:, 2] >= probabilities[:, 0], 2, 0)
    return {
        "rows": int(len(labels)),
        "macro_f1": round(macro_f1(labels, predicted), 4),
        "accuracy": round(float((labels == predicted).mean()), 4),
        "ece": round(calibration_error(probabilities.max(axis=1), labels == probabilities.argmax(axis=1)), 4),
    }
