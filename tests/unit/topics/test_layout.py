"""The topic layout: exact nearest neighbours (brute-force equal, each row first, any block size) and UMAP on the
distinct rows, copies in their original's place, the same in every process."""

import numpy as np
import pytest

from voc.topics import layout
from voc.topics.layout import DistinctUMAP, distinct_count, nearest_neighbours


def _rows(n: int, seed: int = 7) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, 16)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_the_neighbours_are_the_brute_force_ones_nearest_first_with_each_row_itself_first():
    rows = _rows(300)
    indices, distances = nearest_neighbours(rows, 6, "cosine")
    cosine = 1 - rows @ rows.T
    np.fill_diagonal(cosine, -1)  # itself first
    expected = np.argsort(cosine, axis=1, kind="stable")[:, :6]
    assert indices.shape == distances.shape == (300, 6)
    assert (indices[:, 0] == np.arange(300)).all() and (distances[:, 0] == 0).all()
    assert (indices == expected).all()
    assert np.allclose(distances[:, 1:], np.take_along_axis(cosine, expected, 1)[:, 1:], atol=1e-5)
    assert (np.diff(distances, axis=1) >= 0).all()


def test_euclidean_distances_of_unit_vectors_and_a_duplicate_row_still_after_the_row_itself():
    rows = _rows(50)
    rows[10] = rows[3]
    indices, distances = nearest_neighbours(rows, 4, "euclidean")
    assert indices[3, 0] == 3 and indices[3, 1] == 10 and indices[10, 0] == 10 and indices[10, 1] == 3
    far = indices[:, 2]
    assert np.allclose(distances[:, 2], np.linalg.norm(rows - rows[far], axis=1), atol=1e-5)


def test_blocks_of_any_size_give_the_same_neighbours(monkeypatch):
    rows = _rows(130)
    whole = nearest_neighbours(rows, 5, "cosine")
    monkeypatch.setattr(layout, "_BLOCK", 7)
    blocked = nearest_neighbours(rows, 5, "cosine")
    assert (whole[0] == blocked[0]).all() and np.allclose(whole[1], blocked[1])


@pytest.mark.parametrize("k", [0, 11])
def test_more_neighbours_than_rows_or_none_is_an_error(k):
    with pytest.raises(ValueError, match="neighbours asked of 10 rows"):
        nearest_neighbours(_rows(10), k, "cosine")


def _clusters_with_copies() -> np.ndarray:
    """Four clusters, and 20 and 16 copies of two other rows: more copies than neighbours, so that each copy's
    neighbours are all copies (plain UMAP lays such cliques out differently from one fit to the next)."""
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((4, 16))
    rows = np.concatenate([c + 0.3 * rng.standard_normal((60, 16)) for c in centres]
                          + [np.repeat(rng.standard_normal((1, 16)), copies, axis=0) for copies in (20, 16)])
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.slow
def test_copies_take_their_originals_place_and_a_second_fit_lays_the_rows_out_alike():
    rows = _clusters_with_copies()
    fits = [DistinctUMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42).fit_transform(rows)
            for _ in range(2)]  # ARPACK's own random state has moved on between the two
    assert fits[0].shape == (len(rows), 5)
    assert (fits[0][240:260] == fits[0][240]).all() and (fits[0][260:] == fits[0][260]).all()
    assert (fits[0] == fits[1]).all()


@pytest.mark.slow
def test_umaps_kernels_for_a_fit_on_given_neighbours_go_through_numbas_cache():
    import umap.layouts
    import umap.umap_

    DistinctUMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42).fit(_clusters_with_copies())
    for kernel in (umap.umap_.smooth_knn_dist, umap.umap_.compute_membership_strengths,
                   umap.layouts._nb_optimize_layout_euclidean_single_epoch):
        stats = kernel.stats
        assert sum(stats.cache_hits.values()) + sum(stats.cache_misses.values()) >= 1, kernel  # looked up, then saved


def test_the_layout_is_only_for_the_rows_it_was_fitted_on():
    with pytest.raises(NotImplementedError, match="centroids"):
        DistinctUMAP().transform(_rows(5))


def test_distinct_count_counts_rows_as_numpy_unique_does():
    rows = _clusters_with_copies()
    assert distinct_count(rows) == len(np.unique(rows, axis=0)) == 242
    assert distinct_count(rows[:0]) == 0
