"""Vectors and scores for texts through the caches: each distinct text goes through the models once, ever.

Vectors are cached per encoder identity and scores per scorer identity, so swapping the sentiment model
re-scores every text without re-encoding vectors, and a new encoder re-encodes without losing scores of
a swapped-in classifier. Texts missing from both caches take one combined pass.

Given the language of each text, the model may score texts of different languages with different models
(`TextModel.score_route`). Scores are then cached per (text, route): the route of the main models keeps the
plain text key, so turning routing on re-scores only texts routed elsewhere, and a text that arrives in two
languages (e.g. a short reply whose detected language falls back to its source's) is scored once per route,
never with the scores of the other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voc.scoring.cache import VectorCache, text_key
from voc.scoring.model_input import model_input

__all__ = ["Block", "EmbedStats", "RunBlocks", "TextModel", "embed_texts"]


class TextModel(Protocol):
    """What the embed step needs: identities for the two caches, and one call that computes either or both."""

    vector_identity: str
    score_identity: str

    def run(self, texts: list[str], vectors: bool, scores: bool, languages: list[str | None] | None = None,
            ) -> tuple[np.ndarray | None, np.ndarray | None]: ...

    def score_route(self, language: str | None) -> str:
        """Which scoring models a text in `language` goes to: "" for the main ones (only asked when languages are
        given)."""
        ...


@dataclass(frozen=True)
class EmbedStats:
    texts: int
    distinct: int
    cached: int  # distinct texts (per scoring route) whose vector and scores (when asked for) were cached
    encoded: int  # distinct texts (per scoring route) that went through the models
    encode_s: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


_CHUNK = 2048  # texts processed (and cached) per block: bounds memory and lets progress be reported

Block = tuple  # texts, with vectors, with scores[, languages]: the arguments of one call of TextModel.run
RunBlocks = Callable[[list[Block]], list[tuple[np.ndarray | None, np.ndarray | None]]]


def embed_texts(
    texts: list[str], model: TextModel, vector_cache: VectorCache, score_cache: VectorCache,
    tick: Callable[[int], None] | None = None, refresh: bool = False, block_size: int = _CHUNK,
    run_blocks: RunBlocks | None = None, languages: list[str | None] | None = None, with_scores: bool = True,
    with_vectors: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None, EmbedStats]:
    """(vectors, scores), one row per text in input order; new results are added to the caches.
    Without `with_scores` the scores are None and only texts without a cached vector go through the model, for their
    vectors alone (texts that are only clustered or compared, such as keyword phrases: the encoder pass costs about
    two thirds of the pass that also scores). Without `with_vectors` the vectors are None and the vector cache is
    neither read nor written (scores of texts whose vectors came from another call).
    `refresh` recomputes every text (and stores the fresh results). Texts missing from the caches go through
    `model.run` in blocks of `block_size` (sorted by length), one after the other; `run_blocks` computes all
    blocks at once instead (on a cluster: see flows/nightly.py). The blocks are the same either way.
    `languages` (one per text; None = unknown) reach the model with the texts, for it to score each text with
    the models of its language."""
    if languages is not None and len(languages) != len(texts):
        raise ValueError(f"languages has {len(languages)} entries for {len(texts)} texts; give one per text")
    keys = [text_key(model_input(t)) for t in texts]  # of vectors: what the models read of the text
    score_keys = keys if languages is None else _routed_keys(keys, [model.score_route(x) for x in languages])
    # one entry per score key (a text, or a text and its route): (vector key, text, language)
    entries = dict(zip(score_keys, zip(keys, texts, languages or [None] * len(texts), strict=True), strict=True))
    vectors = {} if refresh or not with_vectors else vector_cache.lookup(list(dict.fromkeys(keys)))
    scores = {} if refresh or not with_scores else score_cache.lookup(list(entries))

    def needs_vector(s: str) -> bool:
        return with_vectors and entries[s][0] not in vectors

    missing = [s for s in entries if needs_vector(s) or (with_scores and s not in scores)]
    missing.sort(key=lambda s: len(entries[s][1]))  # blocks of similar lengths: little padding in every batch
    started = time.perf_counter()
    if tick:
        tick(len(entries) - len(missing))
    requests: list[tuple[list[str], bool, bool]] = []  # (score keys, with vectors, with scores)
    for start in range(0, len(missing), block_size):
        block = missing[start : start + block_size]
        no_vector = [s for s in block if needs_vector(s)]  # (perhaps no scores either): one pass for both
        only_scores = [s for s in block if not needs_vector(s)]
        requests += [(part, want_vectors, with_scores and any(k not in scores for k in part))
                     for part, want_vectors in ((no_vector, True), (only_scores, False)) if part]

    def keep(request: tuple[list[str], bool, bool], fresh_vectors: np.ndarray | None, fresh_scores: np.ndarray | None) -> None:
        part, want_vectors, want_scores = request
        if want_vectors:
            vector_keys = [entries[s][0] for s in part]
            vector_cache.store(vector_keys, fresh_vectors)
            vectors.update(zip(vector_keys, fresh_vectors, strict=True))
        if want_scores:
            score_cache.store(part, fresh_scores)
            scores.update(zip(part, fresh_scores, strict=True))
        if tick:
            tick(len(part))

    blocks = [([entries[s][1] for s in part], want_vectors, want_scores,
               *([] if languages is None else [[entries[s][2] for s in part]]))
              for part, want_vectors, want_scores in requests]
    if run_blocks is None:
        for request, block in zip(requests, blocks, strict=True):
            keep(request, *model.run(*block))
    else:
        for request, result in zip(requests, run_blocks(blocks), strict=True):
            keep(request, *result)
    elapsed = time.perf_counter() - started
    stats = EmbedStats(texts=len(texts), distinct=len(entries), cached=len(entries) - len(missing),
                       encoded=len(missing), encode_s=round(elapsed, 3))
    if not keys:
        return (np.zeros((0, 0), dtype=np.float32) if with_vectors else None,
                np.zeros((0, 4), dtype=np.float32) if with_scores else None, stats)
    return (np.stack([vectors[k] for k in keys]).astype(np.float32, copy=False) if with_vectors else None,
            np.stack([scores[s] for s in score_keys]).astype(np.float32, copy=False) if with_scores else None, stats)


def _routed_keys(keys: list[str], routes: list[str]) -> list[str]:
    """Score keys: the text key on the main route (the key scores had before routing), else text key~route."""
    return [key if not route else f"{key}~{route}" for key, route in zip(keys, routes, strict=True)]
