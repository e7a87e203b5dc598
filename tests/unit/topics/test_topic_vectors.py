"""What topics are fitted on: unit vectors with their item's context, and the bounded, stable fit sample."""

import numpy as np

from voc.topics.vectors import fit_sample, item_context, topic_vectors


def _never(texts: list[str]) -> np.ndarray:
    raise AssertionError(f"nothing should be encoded: {texts}")


def test_topic_vectors_are_unit_normalised_and_a_zero_vector_stays_zero():
    vectors = np.array([[3, 4, 0], [0, 0, 2], [0, 0, 0]], dtype=np.float32)
    out = topic_vectors(vectors, np.zeros_like(vectors), context_weight=2.0)
    np.testing.assert_allclose(np.linalg.norm(out[:2], axis=1), [1, 1], rtol=1e-6)
    np.testing.assert_array_equal(out[2], [0, 0, 0])
    assert out.dtype == np.float32


def test_a_follow_up_is_pulled_towards_its_item_by_the_context_weight():
    vectors = np.array([[1, 0], [0, 1]], dtype=np.float32)  # the problem, then "What should I do?"
    context = item_context(vectors, np.array([5, 5]), np.array([0, 0]), ["My card is lost.", "What should I do?"], _never,
                           max_chars=0)
    out = topic_vectors(vectors, context, context_weight=2.0)
    np.testing.assert_allclose(out[1], np.array([2, 1]) / np.sqrt(5), rtol=1e-6)
    np.testing.assert_allclose(out[0], np.array([1, 2]) / np.sqrt(5), rtol=1e-6)


def test_a_short_one_message_item_is_encoded_whole_once_and_a_thread_keeps_the_mean():
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]], dtype=np.float32)
    items = np.array([7, 3, 7, 9, 9, 9])
    messages = np.array([0, 1, 0, 2, 2, 3])  # item 7 is one message of two units; item 9 a thread of two messages
    texts = ["My card is lost.", "Thanks!", "What should I do?", "It was declined.", "Why?", "Any news?"]
    seen: list[list[str]] = []

    def encode(batch: list[str]) -> np.ndarray:
        seen.append(batch)
        return np.array([[0.6, 0.8, 0]], dtype=np.float32)

    context = item_context(vectors, items, messages, texts, encode, max_chars=100)
    assert seen == [["My card is lost. What should I do?"]]
    np.testing.assert_allclose(context[[0, 2, 1]], [[0.6, 0.8, 0], [0.6, 0.8, 0], [0, 0, 0]], rtol=1e-6)
    np.testing.assert_allclose(context[3:], [[0.5, 0.5, 1], [1, 0.5, 0.5], [0.5, 1, 0.5]], rtol=1e-6)


def test_a_long_message_gets_the_mean_of_its_items_other_units_instead():
    vectors = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
    texts = ["a long opening about the problem", "more detail about it", "and a closing remark"]
    context = item_context(vectors, np.array([0, 0, 0]), np.array([0, 0, 0]), texts, _never, max_chars=20)
    np.testing.assert_allclose(context, [[0.5, 1], [1, 0.5], [0.5, 0.5]], rtol=1e-6)


def test_context_weight_zero_gives_each_unit_its_own_normalised_vector():
    vectors = np.array([[3, 4], [0, 2]], dtype=np.float32)
    out = topic_vectors(vectors, np.ones_like(vectors), context_weight=0.0)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0, 1]], rtol=1e-6)
    np.testing.assert_array_equal(vectors, [[3, 4], [0, 2]])  # not normalised in place


def keys_and_strata(counts: dict[str, int], prefix: str = "u") -> tuple[list[str], list[str]]:
    keys, strata = [], []
    for stratum, count in counts.items():
        keys += [f"{prefix}-{stratum}-{i}" for i in range(count)]
        strata += [stratum] * count
    return keys, strata


def test_all_rows_are_taken_when_there_are_no_more_than_size():
    keys, strata = keys_and_strata({"a": 3, "b": 2})
    np.testing.assert_array_equal(fit_sample(keys, strata, size=5, seed=1), np.arange(5))


def test_strata_get_their_proportional_share_of_the_sample():
    keys, strata = keys_and_strata({"tickets|2024-01": 600, "survey|2024-01": 300, "calls|2024-02": 100})
    chosen = fit_sample(keys, strata, size=100, seed=3)
    taken = [strata[i] for i in chosen]
    assert (taken.count("tickets|2024-01"), taken.count("survey|2024-01"), taken.count("calls|2024-02")) == (60, 30, 10)


def test_largest_remainders_fill_the_sample_to_exactly_size():
    keys, strata = keys_and_strata({"a": 5, "b": 5, "c": 5})
    chosen = fit_sample(keys, strata, size=10, seed=0)
    taken = sorted([strata[i] for i in chosen].count(s) for s in "abc")
    assert len(chosen) == 10 and taken == [3, 3, 4]


def test_the_sample_is_sorted_unique_and_the_same_on_every_call():
    keys, strata = keys_and_strata({"a": 70, "b": 50})
    first = fit_sample(keys, strata, size=40, seed=7)
    assert np.array_equal(first, np.sort(np.unique(first))) and len(first) == 40
    np.testing.assert_array_equal(fit_sample(keys, strata, size=40, seed=7), first)
    assert not np.array_equal(fit_sample(keys, strata, size=40, seed=8), first)


def test_a_row_is_chosen_for_its_key_not_its_position():
    keys, strata = keys_and_strata({"a": 60, "b": 40})
    order = np.random.default_rng(0).permutation(len(keys))
    shuffled_keys, shuffled_strata = [keys[i] for i in order], [strata[i] for i in order]
    chosen = {keys[i] for i in fit_sample(keys, strata, size=30, seed=2)}
    assert {shuffled_keys[i] for i in fit_sample(shuffled_keys, shuffled_strata, size=30, seed=2)} == chosen


def test_a_chosen_row_mostly_stays_chosen_when_five_percent_new_rows_arrive():
    counts = {"tickets|2024-01": 400, "survey|2024-01": 300, "calls|2024-02": 200, "survey|2024-02": 100}
    keys, strata = keys_and_strata(counts)
    new_keys, new_strata = keys_and_strata({s: c // 20 for s, c in counts.items()}, prefix="new")
    before = {keys[i] for i in fit_sample(keys, strata, size=200, seed=42)}
    all_keys = keys + new_keys
    after = {all_keys[i] for i in fit_sample(all_keys, strata + new_strata, size=200, seed=42)}
    assert len(before & after) >= 0.9 * len(before)
    assert len(before & after) < len(before)  # the new rows do get their chance
