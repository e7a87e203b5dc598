"""Means of rows by group: the context an utterance gets from its item, and the agreement within a topic."""

from __future__ import annotations

import numpy as np

__all__ = ["group_means", "others_mean"]


def group_means(rows: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each row, the mean of the rows of its group (rows with group < 0 get zeros)."""
    valid = groups >= 0
    out = np.zeros_like(rows, dtype=np.float32)
    if not valid.any():
        return out
    index = groups[valid]
    sums = np.zeros((int(index.max()) + 1, rows.shape[1]), dtype=np.float64)
    np.add.at(sums, index, rows[valid])
    counts = np.bincount(index, minlength=sums.shape[0])[:, None]
    out[valid] = (sums / np.maximum(counts, 1))[index]
    return out


def others_mean(rows: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each row, the mean of the *other* rows of its group (zeros when it is alone)."""
    _, index = np.unique(groups, return_inverse=True)
    sums = np.zeros((int(index.max()) + 1 if len(index) else 0, rows.shape[1]), dtype=np.float64)
    np.add.at(sums, index, rows)
    counts = np.bincount(index)[index][:, None] - 1
    return ((sums[index] - rows) / np.maximum(counts, 1)).astype(np.float32) * (counts > 0)
