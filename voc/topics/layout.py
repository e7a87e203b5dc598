"""The reduced vectors topics are clustered on: UMAP on the distinct vectors, with exact nearest neighbours.

Copies: identical vectors (the same short answer in several one-line items) would form a clique of the neighbour
graph apart from the rest, whose spectral layout is degenerate; ARPACK then restarts from its own random state,
which moves from call to call, so the same vectors got different topics in different processes (measured on the
sample: 106 or 110 topics, ARI 0.94). Each distinct vector is laid out once and its copies take its place.

Neighbours: UMAP's own search (NN-descent, pynndescent) compiles numba kernels that cannot be cached, in every
process: on 12k BANKING77 units on 2 cores its UMAP took 38 s with numba's cache warm (48 s cold). Blocks of one
matrix product and a top-k give the exact neighbours instead: UMAP then takes 14 s (1.7 s of it the neighbours;
about 12 s of neighbours for a 50k-unit fit sample), with the same topics (NMI with the intents 0.836 against 0.835).

Kernels: the numba functions UMAP runs with given neighbours (fuzzy set, layout epochs) are compiled without numba's
cache, about 6 s in every process on 2 cores. `_cache_umap_kernels` turns the cache on for them (NUMBA_CACHE_DIR,
set by `use_numba_cache`): loaded kernels give the same layout, byte for byte.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

__all__ = ["DistinctUMAP", "distinct_count", "nearest_neighbours", "use_numba_cache"]

_BLOCK = 512  # rows per product: 512 × n float32 scores at a time (100 MB at 50k units)
# UMAP's kernels for a fit on given neighbours that umap-learn (0.5) compiles without numba's cache
_UNCACHED_KERNELS = {
    "umap.umap_": ("smooth_knn_dist", "compute_membership_strengths"),
    "umap.layouts": ("_nb_optimize_layout_euclidean_single_epoch", "_nb_optimize_layout_euclidean_single_epoch_parallel"),
}


def nearest_neighbours(rows: np.ndarray, k: int, metric: Literal["cosine", "euclidean"]) -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances), each (n, k): every row's k nearest rows by `metric`, nearest first, itself first of all
    at distance 0. `rows` are unit-normalised (or zero), so cosine similarity is their dot product."""
    import torch

    n = len(rows)
    if not 1 <= k <= n:
        raise ValueError(f"{k} neighbours asked of {n} rows: need 1 <= k <= rows")
    matrix = torch.from_numpy(np.ascontiguousarray(rows, dtype=np.float32))
    indices = np.empty((n, k), dtype=np.int64)
    similarity = np.empty((n, k), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, n, _BLOCK):
            scores = matrix[start : start + _BLOCK] @ matrix.T
            own = torch.arange(len(scores))
            scores[own, start + own] = torch.inf  # each row is its own nearest neighbour
            top = torch.topk(scores, k, dim=1, sorted=True)
            indices[start : start + _BLOCK] = top.indices.numpy()
            similarity[start : start + _BLOCK] = top.values.numpy()
    similarity[:, 0] = 1.0
    cosine = np.clip(1.0 - similarity, 0.0, 2.0)
    distances = cosine if metric == "cosine" else np.sqrt(2.0 * cosine)
    return indices, distances.astype(np.float32)


@cache
def _cache_umap_kernels() -> None:
    """Turn numba's on-disk cache on, once per process and before their first compile, for UMAP's kernels that lack
    it (a kernel a later umap-learn renames or caches itself is left as it is)."""
    import importlib  # noqa: PLC0415

    from numba.core.caching import NullCache  # noqa: PLC0415

    for module_name, names in _UNCACHED_KERNELS.items():
        module = importlib.import_module(module_name)
        for name in names:
            kernel = getattr(module, name, None)
            if kernel is not None and isinstance(getattr(kernel, "_cache", None), NullCache) and not kernel.overloads:
                kernel.enable_caching()


def distinct_count(rows: np.ndarray) -> int:
    """How many distinct rows `rows` (2-d) has: what DistinctUMAP lays out (a byte view: 0.08 s for 50k × 384)."""
    packed = np.ascontiguousarray(rows)
    return len(np.unique(packed.view(np.dtype((np.void, packed.dtype.itemsize * packed.shape[1]))))) if len(packed) else 0


class DistinctUMAP:
    """A UMAP for BERTopic's `umap_model`: `fit_transform` lays out the distinct rows with their exact neighbours
    and gives every copy its original's place. `umap_args` are UMAP's (n_neighbors, metric, random_state, ...)."""

    def __init__(self, **umap_args: Any):
        self.umap_args = umap_args
        self.embedding_: np.ndarray | None = None

    def fit(self, rows: np.ndarray, y: Any = None) -> DistinctUMAP:  # noqa: ARG002
        from umap import UMAP

        _cache_umap_kernels()
        distinct, copies = np.unique(rows, axis=0, return_inverse=True)
        k = min(self.umap_args.get("n_neighbors", 15), len(distinct))
        neighbours = nearest_neighbours(distinct, k, self.umap_args.get("metric", "euclidean"))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]", category=UserWarning)  # no transform
            warnings.filterwarnings("ignore", message=r"n_jobs value", category=UserWarning)  # seeded: one thread
            layout = UMAP(**{**self.umap_args, "n_neighbors": k}, precomputed_knn=neighbours).fit(distinct)
        self.embedding_ = layout.embedding_[copies.reshape(-1)]
        return self

    def fit_transform(self, rows: np.ndarray, y: Any = None) -> np.ndarray:
        return self.fit(rows, y).embedding_

    def transform(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError("topics join a fit by their centroids (voc.topics.fit), never through the layout")


def use_numba_cache() -> None:
    """UMAP's numba kernels compile once per machine, not in every process: into NUMBA_CACHE_DIR when it is set, else
    voc's folder of the user's cache ($XDG_CACHE_HOME or ~/.cache), else (no writable home) a folder of this process.
    Kernels loaded from the cache give the same layout as freshly compiled ones (checked on BANKING77 and the sample);
    a process that loads them (with the layout kernels of this module) fits about 17 s sooner on 2 cores. Call it
    before numba is first imported (by UMAP, BERTopic): numba reads the setting at import."""
    if "numba" in sys.modules or "NUMBA_CACHE_DIR" in os.environ:
        return
    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "voc" / "numba"
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()  # writable
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        folder = Path(tempfile.mkdtemp(prefix="voc-numba-"))
        atexit.register(shutil.rmtree, folder, True)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
