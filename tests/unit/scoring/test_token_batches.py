"""Batches of the shared encoder pass on a GPU: similar token lengths together, within a token budget."""

import numpy as np

from voc.scoring.trunk import token_batches


def test_batches_go_longest_first_and_cover_every_row_once():
    lengths = np.array([3, 9, 1, 7, 5])
    batches = list(token_batches(lengths, 2, budget=18))
    assert [lengths[b].tolist() for b in batches] == [[9, 7], [5, 3, 1]]  # 18 // 9 = 2 rows, then 18 // 5 = 3


def test_a_token_budget_fills_batches_of_short_texts_but_keeps_at_least_batch_size():
    lengths = np.array([100] * 4 + [10] * 50)
    batches = list(token_batches(lengths, 2, budget=200))
    assert [len(b) for b in batches] == [2, 2, 20, 20, 10]  # 2 long rows each (the minimum), then 200 // 10
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))


def test_no_rows_no_batches():
    assert list(token_batches(np.array([], dtype=int), 64, budget=1 << 16)) == []
