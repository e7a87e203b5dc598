"""Vectors for texts through the cache: each distinct text is encoded once, ever, per encoder."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from voc.scoring.cache import VectorCache, text_key
from voc.scoring.encoder import Encoder

__all__ = ["EmbedStats", "embed_texts"]


@dataclass(frozen=True)
class EmbedStats:
    texts: int
    distinct: int
    cached: int
    encoded: int
    encode_s: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


_CHUNK = 2048  # texts encoded (and cached) per block: bounds memory and lets progress be reported


def embed_texts(
    texts: list[str], encoder: Encoder, cache: VectorCache, tick: Callable[[int], None] | None = None,
    refresh: bool = False,
) -> tuple[np.ndarray, EmbedStats]:
    """One row per text (same order), from the cache where possible; new vectors are added to it."""
    keys = [text_key(t) for t in texts]
    first_text = dict(zip(keys, texts, strict=True))
    known = {} if refresh else cache.lookup(list(first_text))
    missing = [k for k in first_text if k not in known]
    started = time.perf_counter()
    if tick:
        tick(len(first_text) - len(missing))
    for start in range(0, len(missing), _CHUNK):
        block = missing[start : start + _CHUNK]
        fresh = encoder.encode([first_text[k] for k in block])
        cache.store(block, fresh)
        known.update(zip(block, fresh, strict=True))
        if tick:
            tick(len(block))
    elapsed = time.perf_counter() - started
    if not keys:
        return np.zeros((0, 0), dtype=np.float32), EmbedStats(0, 0, 0, 0, 0.0)
    vectors = np.stack([known[k] for k in keys])
    stats = EmbedStats(texts=len(texts), distinct=len(first_text), cached=len(first_text) - len(missing),
                       encoded=len(missing), encode_s=round(elapsed, 3))
    return vectors.astype(np.float32, copy=False), stats
