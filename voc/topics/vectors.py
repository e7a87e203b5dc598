"""What topics are fitted on: each unit's vector with its item's context, and a bounded, stable sample."""

from __future__ import annotations

import hashlib

import numpy as np

from voc.groups import others_mean

__all__ = ["fit_sample", "topic_vectors"]


def topic_vectors(vectors: np.ndarray, items: np.ndarray, context_weight: float) -> np.ndarray:
    """Unit vectors plus `context_weight` × the mean of the other units of the same item, re-normalised.

    A follow-up such as "What should I do?" is about its item's problem; on its own it would cluster with
    every other "What should I do?". A unit alone in its item keeps its own vector."""
    if context_weight == 0 or len(vectors) == 0:
        return _normalised(vectors)
    return _normalised(vectors + context_weight * others_mean(vectors, items))


def fit_sample(keys: list[str], strata: list[str], size: int, seed: int) -> np.ndarray:
    """Sorted row indices of at most `size` rows, allocated to strata (source × month) in proportion.

    Within a stratum the rows with the smallest seeded hash of their key are taken, so a unit that was in
    last night's sample stays in tonight's: the fit moves only as much as the data does."""
    n = len(keys)
    if n <= size:
        return np.arange(n)
    ranks = np.array([int.from_bytes(hashlib.blake2b(f"{seed}:{k}".encode(), digest_size=8).digest(), "big") for k in keys],
                     dtype=np.uint64)
    labels, index = np.unique(np.asarray(strata), return_inverse=True)
    counts = np.bincount(index, minlength=len(labels))
    quota = np.floor(counts * size / n).astype(int)
    remainder = counts * size / n - quota
    quota[np.argsort(-remainder, kind="stable")[: size - quota.sum()]] += 1  # largest remainders
    chosen = []
    for stratum, take in enumerate(quota):
        rows = np.flatnonzero(index == stratum)
        chosen.append(rows[np.argsort(ranks[rows], kind="stable")[:take]])
    return np.sort(np.concatenate(chosen))


def _normalised(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1, norms)).astype(np.float32)
