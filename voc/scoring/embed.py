"""Vectors and scores for texts through the caches: each distinct text goes through the models once, ever.

Vectors are cached per encoder identity and scores per scorer identity, so swapping the sentiment model
re-scores every text without re-encoding vectors, and a new encoder re-encodes without losing scores of
a swapped-in classifier. Texts missing from both caches take one combined pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voc.scoring.cache import VectorCache, text_key

__all__ = ["Block", "EmbedStats", "RunBlocks", "TextModel", "embed_texts"]


class TextModel(Protocol):
    """What the embed step needs: identities for the two caches, and one call that computes either or both."""

    vector_identity: str
    score_identity: str

    def run(self, texts: list[str], vectors: bool, scores: bool) -> tuple[np.ndarray | None, np.ndarray | None]: ...


@dataclass(frozen=True)
class EmbedStats:
    texts: int
    distinct: int
    cached: int  # distinct texts whose vector and scores were both cached
    encoded: int  # distinct texts that went through the models
    encode_s: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


_CHUNK = 2048  # texts processed (and cached) per block: bounds memory and lets progress be reported

Block = tuple[list[str], bool, bool]  # texts, with vectors, with scores: one call of TextModel.run
RunBlocks = Callable[[list[Block]], list[tuple[np.ndarray | None, np.ndarray | None]]]


def embed_texts(
    texts: list[str], model: TextModel, vector_cache: VectorCache, score_cache: VectorCache,
    tick: Callable[[int], None] | None = None, refresh: bool = False, block_size: int = _CHUNK,
    run_blocks: RunBlocks | None = None,
) -> tuple[np.ndarray, np.ndarray, EmbedStats]:
    """(vectors, scores), one row per text in input order; new results are added to the caches.
    `refresh` recomputes every text (and stores the fresh results). Texts missing from the caches go through
    `model.run` in blocks of `block_size` (sorted by length), one after the other; `run_blocks` computes all
    blocks at once instead (on a cluster: see flows/nightly.py). The blocks are the same either way."""
    keys = [text_key(t) for t in texts]
    first_text = dict(zip(keys, texts, strict=True))
    vectors = {} if refresh else vector_cache.lookup(list(first_text))
    scores = {} if refresh else score_cache.lookup(list(first_text))
    missing = [k for k in first_text if k not in vectors or k not in scores]
    missing.sort(key=lambda k: len(first_text[k]))  # blocks of similar lengths: little padding in every batch
    started = time.perf_counter()
    if tick:
        tick(len(first_text) - len(missing))
    requests: list[tuple[list[str], bool, bool]] = []  # (keys, with vectors, with scores)
    for start in range(0, len(missing), block_size):
        block = missing[start : start + block_size]
        no_vector = [k for k in block if k not in vectors]  # (perhaps no scores either): one pass for both
        only_scores = [k for k in block if k in vectors]
        requests += [(part, want_vectors, any(k not in scores for k in part))
                     for part, want_vectors in ((no_vector, True), (only_scores, False)) if part]

    def keep(request: tuple[list[str], bool, bool], fresh_vectors: np.ndarray | None, fresh_scores: np.ndarray | None) -> None:
        part, want_vectors, want_scores = request
        if want_vectors:
            vector_cache.store(part, fresh_vectors)
            vectors.update(zip(part, fresh_vectors, strict=True))
        if want_scores:
            score_cache.store(part, fresh_scores)
            scores.update(zip(part, fresh_scores, strict=True))
        if tick:
            tick(len(part))

    blocks = [([first_text[k] for k in part], want_vectors, want_scores) for part, want_vectors, want_scores in requests]
    if run_blocks is None:
        for request, block in zip(requests, blocks, strict=True):
            keep(request, *model.run(*block))
    else:
        for request, result in zip(requests, run_blocks(blocks), strict=True):
            keep(request, *result)
    elapsed = time.perf_counter() - started
    stats = EmbedStats(texts=len(texts), distinct=len(first_text), cached=len(first_text) - len(missing),
                       encoded=len(missing), encode_s=round(elapsed, 3))
    if not keys:
        return np.zeros((0, 0), dtype=np.float32), np.zeros((0, 4), dtype=np.float32), stats
    return (np.stack([vectors[k] for k in keys]).astype(np.float32, copy=False),
            np.stack([scores[k] for k in keys]).astype(np.float32, copy=False), stats)
