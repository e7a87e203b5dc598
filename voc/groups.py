"""Rows by group: the context an utterance gets from its item, the agreement within a topic, centroids, and the
items that are read whole (one message of several units)."""

from __future__ import annotations

import numpy as np

__all__ = ["MODEL_WINDOW_CHARS", "group_centroids", "group_means", "others_mean", "whole_messages"]

MODEL_WINDOW_CHARS = 1000  # the models read at most 256 word pieces: about 1,000 characters of English


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


def group_centroids(rows: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """(k, d): the unit-normalised mean of the rows of each group 0..k-1 (zeros for a group without rows; rows with
    group < 0 are left out)."""
    sums = np.zeros((k, rows.shape[1]), dtype=np.float64)
    keep = groups >= 0
    np.add.at(sums, groups[keep], rows[keep])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms == 0, 1, norms)).astype(np.float32)


def others_mean(rows: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each row, the mean of the *other* rows of its group (zeros when it is alone)."""
    _, index = np.unique(groups, return_inverse=True)
    sums = np.zeros((int(index.max()) + 1 if len(index) else 0, rows.shape[1]), dtype=np.float64)
    np.add.at(sums, index, rows)
    counts = np.bincount(index)[index][:, None] - 1
    return ((sums[index] - rows) / np.maximum(counts, 1)).astype(np.float32) * (counts > 0)


def whole_messages(items: np.ndarray, messages: np.ndarray, texts: list[str], max_chars: int,
                   ) -> tuple[list[str], list[np.ndarray]]:
    """The items read whole: each item that is a single message of several units (a query, a survey answer split into
    sentences) and at most `max_chars` long with its units joined by spaces. (joined texts, the rows of each one's
    units), in the order of their message index. `items` and `messages` are group indices per row (a message is
    within one item); the units of a thread (several messages) or of a longer message are never joined."""
    if len(texts) == 0:
        return [], []
    order = np.argsort(messages, kind="stable")
    starts = np.flatnonzero(np.r_[True, messages[order][1:] != messages[order][:-1]])
    item_size = np.bincount(items)
    joined: list[str] = []
    rows: list[np.ndarray] = []
    for members in np.split(order, starts[1:]):
        if len(members) < 2 or len(members) < item_size[items[members[0]]]:
            continue
        text = " ".join(texts[i] for i in members)
        if len(text) <= max_chars:
            joined.append(text)
            rows.append(members)
    return joined, rows
