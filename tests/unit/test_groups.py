"""Groups on tiny hand-made rows: a unit's item context, its topic's agreement, centroids, items read whole."""

import numpy as np

from voc.groups import group_centroids, group_means, others_mean, whole_messages


def test_group_means_gives_each_row_the_mean_of_its_group():
    rows = np.array([[1, 0], [3, 0], [0, 2], [5, 5]], dtype=np.float32)
    means = group_means(rows, np.array([4, 4, 1, -1]))
    np.testing.assert_allclose(means, [[2, 0], [2, 0], [0, 2], [0, 0]])
    assert means.dtype == np.float32


def test_group_means_is_all_zeros_when_no_row_has_a_group():
    rows = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(group_means(rows, np.array([-1, -1])), np.zeros((2, 2)))


def test_others_mean_leaves_the_row_itself_out():
    rows = np.array([[1, 0], [3, 0], [5, 6], [7, 7]], dtype=np.float32)
    means = others_mean(rows, np.array([9, 9, 9, 2]))
    np.testing.assert_allclose(means[:3], [[4, 3], [3, 3], [2, 0]])
    assert means.dtype == np.float32


def test_others_mean_is_zero_for_a_row_alone_in_its_group():
    rows = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    np.testing.assert_array_equal(others_mean(rows, np.array([0, 1, 1]))[0], [0, 0])


def test_others_mean_accepts_string_groups_and_empty_input():
    rows = np.array([[2.0], [4.0]])
    np.testing.assert_allclose(others_mean(rows, np.array(["ticket-b", "ticket-b"])), [[4.0], [2.0]])
    assert others_mean(np.zeros((0, 3)), np.array([], dtype=np.int64)).shape == (0, 3)


def test_neither_function_changes_its_arguments():
    rows = np.array([[1.0, 0.0], [0.0, 1.0]])
    groups = np.array([0, 0])
    group_means(rows, groups)
    others_mean(rows, groups)
    np.testing.assert_array_equal(rows, [[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(groups, [0, 0])


def test_group_centroids_are_unit_normalised_means_and_zero_for_an_empty_group():
    rows = np.array([[3, 0], [0, 4], [5, 5], [1, 0]], dtype=np.float32)
    centroids = group_centroids(rows, np.array([0, 0, -1, 2]), 3)
    np.testing.assert_allclose(centroids, [[0.6, 0.8], [0, 0], [1, 0]], atol=1e-6)
    assert centroids.dtype == np.float32


def test_whole_messages_joins_one_message_items_of_several_units_within_the_limit():
    items = np.array([2, 0, 2, 1, 1, 3, 4, 4, 1])
    messages = np.array([5, 0, 5, 1, 2, 3, 4, 4, 1])  # item 1: a thread of two messages; items 0 and 3: one unit each
    texts = ["Card lost.", "Hi", "What now?", "Declined.", "Why?", "Thanks", "A very long first sentence.", "And more.",
             "Help!"]
    joined, rows = whole_messages(items, messages, texts, max_chars=20)
    assert joined == ["Card lost. What now?"]  # item 4 is one message too, but longer than 20 characters
    assert [r.tolist() for r in rows] == [[0, 2]]
    assert whole_messages(items, messages, texts, max_chars=100)[0] == ["A very long first sentence. And more.",
                                                                       "Card lost. What now?"]  # by message index
    assert whole_messages(np.array([], dtype=np.int64), np.array([], dtype=np.int64), [], 100) == ([], [])
