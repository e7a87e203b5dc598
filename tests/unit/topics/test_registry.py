"""The topic registry: stable ids and lineage across runs, on tiny hand-made centroids."""

import logging

import numpy as np
import polars as pl
import pytest

from voc.schema import TOPIC_LINEAGE, TOPIC_REGISTRY
from voc.topics.registry import MatchSettings, NightTopics, match_topics, similarity_matrix

DIM = 6
ENCODER = "fake@1"


def direction(*weights: float, dim: int = DIM) -> np.ndarray:
    """The unit vector with the given leading components."""
    vector = np.zeros(dim, dtype=np.float32)
    vector[: len(weights)] = weights
    return vector / np.linalg.norm(vector)


def night(*topics: tuple[str, list[str], np.ndarray]) -> NightTopics:
    """(label, keywords, centroid) per local topic, sizes decreasing."""
    dim = topics[0][2].shape[0] if topics else DIM
    return NightTopics(labels=[t[0] for t in topics], keywords=[t[1] for t in topics],
                       sizes=[100 - 10 * i for i in range(len(topics))],
                       centroids=np.array([t[2] for t in topics], dtype=np.float32).reshape(len(topics), dim))


BILLING = ("billing errors", ["invoice", "charge", "refund", "bill"], direction(1))
DELIVERY = ("late delivery", ["delivery", "late", "courier", "parcel"], direction(0, 1))
LOGIN = ("login trouble", ["login", "password", "reset", "account"], direction(0, 0, 1))


def first_run(*topics) -> pl.DataFrame:
    return match_topics(TOPIC_REGISTRY.empty(), night(*topics), "run-1", ENCODER).registry


def with_status(registry: pl.DataFrame, **statuses: str) -> pl.DataFrame:
    """The registry with the status of topic `t<id>` replaced (a test fixture, built as a new frame)."""
    mapping = {int(key[1:]): value for key, value in statuses.items()}
    return registry.with_columns(status=pl.col("topic_id").replace_strict(
        mapping, default=pl.col("status"), return_dtype=TOPIC_REGISTRY.schema["status"]))


def events_of(matched) -> dict[int, tuple[str, int | None]]:
    return {row["topic_id"]: (row["event"], row["related_topic_id"]) for row in matched.events.iter_rows(named=True)}


def status_of(matched) -> dict[int, str]:
    return dict(zip(matched.registry["topic_id"].to_list(), matched.registry["status"].to_list()))


def test_first_run_all_born_with_ids_in_local_order():
    matched = match_topics(TOPIC_REGISTRY.empty(), night(BILLING, DELIVERY, LOGIN), "run-1", ENCODER)
    assert matched.stable_ids == [0, 1, 2]
    assert matched.labels == ["billing errors", "late delivery", "login trouble"]
    assert matched.lineage == [("born", None, None)] * 3
    assert matched.events["event"].to_list() == ["born"] * 3
    assert matched.registry["status"].to_list() == ["active"] * 3
    assert matched.registry["first_seen_run"].to_list() == ["run-1"] * 3
    assert matched.registry["size"].to_list() == [100, 90, 80]
    np.testing.assert_allclose(np.array(matched.registry["centroid"].to_list()), night(BILLING, DELIVERY, LOGIN).centroids)


def test_identical_second_run_continues_with_registry_ids_and_labels():
    registry = first_run(BILLING, DELIVERY, LOGIN)
    renamed = [(f"new name {i}", kw, c) for i, (_, kw, c) in enumerate((LOGIN, BILLING, DELIVERY))]
    matched = match_topics(registry, night(*renamed), "run-2", ENCODER)
    assert matched.stable_ids == [2, 0, 1]
    assert matched.labels == ["login trouble", "billing errors", "late delivery"]
    assert [event for event, _, _ in matched.lineage] == ["continued"] * 3
    assert [s for _, _, s in matched.lineage] == pytest.approx([1.0] * 3)
    assert matched.registry["label"].to_list() == ["billing errors", "late delivery", "login trouble"]
    assert matched.registry["first_seen_run"].to_list() == ["run-1"] * 3
    assert matched.registry["last_seen_run"].to_list() == ["run-2"] * 3
    assert matched.registry["size"].to_list() == [90, 80, 100]


def test_slightly_perturbed_topic_continues_and_takes_the_new_keywords_and_centroid():
    registry = first_run(BILLING, DELIVERY)
    drifted = ("charges", ["invoice", "charge", "refund", "overcharged"], direction(0.95, 0.1, 0.2))
    matched = match_topics(registry, night(drifted, DELIVERY), "run-2", ENCODER)
    assert matched.stable_ids == [0, 1]
    assert matched.lineage[0][0] == "continued"
    assert 0.7 <= matched.lineage[0][2] < 1.0
    row = matched.registry.filter(pl.col("topic_id") == 0).row(0, named=True)
    assert row["label"] == "billing errors"
    assert row["keywords"] == ["invoice", "charge", "refund", "overcharged"]
    np.testing.assert_allclose(row["centroid"], direction(0.95, 0.1, 0.2), rtol=1e-6)


def test_new_direction_is_born_after_the_largest_id_ever_and_merged_ids_do_not_come_back():
    registry = with_status(first_run(BILLING, DELIVERY, LOGIN), t1="retired", t2="merged")
    returns_merged = ("login again", LOGIN[1], LOGIN[2])
    fresh = ("app crashes", ["crash", "app", "freeze", "update"], direction(0, 0, 0, 0, 0, 1))
    matched = match_topics(registry, night(BILLING, returns_merged, fresh), "run-2", ENCODER)
    assert matched.stable_ids == [0, 3, 4]
    assert [event for event, _, _ in matched.lineage] == ["continued", "born", "born"]
    assert matched.labels == ["billing errors", "login again", "app crashes"]
    assert status_of(matched) == {0: "active", 1: "retired", 2: "merged", 3: "active", 4: "active"}
    assert set(events_of(matched)) == {0, 3, 4}  # the retired topic stays retired without a new event
    assert matched.registry.filter(pl.col("topic_id") == 3)["first_seen_run"].item() == "run-2"


def test_split_the_closer_topic_continues_the_other_splits_from_it():
    registry = first_run(BILLING)
    farther = ("refund delays", ["refund", "invoice", "wait", "weeks"], direction(1, 0, 0.8))
    closer = ("billing errors again", ["invoice", "charge", "refund", "wrong"], direction(1, 0.2))
    matched = match_topics(registry, night(farther, closer), "run-2", ENCODER)
    assert matched.stable_ids == [1, 0]
    assert matched.lineage[1][0] == "continued"
    event, parent, similarity = matched.lineage[0]
    assert (event, parent) == ("split_from", 0)
    assert 0.55 <= similarity < 0.70
    assert events_of(matched) == {0: ("continued", None), 1: ("split_from", 0)}
    assert matched.labels == ["refund delays", "billing errors"]


def test_below_the_lineage_threshold_an_unmatched_topic_is_born_not_split():
    registry = first_run(BILLING)
    distant = ("vouchers", ["voucher", "refund", "code", "promo"], direction(0.4, 0, 1))
    matched = match_topics(registry, night(BILLING, distant), "run-2", ENCODER)
    assert matched.lineage[1] == ("born", None, None)


def test_merge_one_registry_topic_continues_the_other_merges_into_it():
    broad = ("card payments", ["invoice", "charge", "card", "declined"], direction(1, 1))
    registry = first_run(BILLING, broad, LOGIN)
    together = ("payments", ["invoice", "charge", "refund", "card"], direction(1, 0.3))
    matched = match_topics(registry, night(together, LOGIN), "run-2", ENCODER)
    assert matched.stable_ids == [0, 2]
    assert matched.labels == ["billing errors", "login trouble"]
    assert events_of(matched)[1] == ("merged_into", 0)
    merged_similarity = matched.events.filter(pl.col("topic_id") == 1)["similarity"].item()
    assert 0.55 <= merged_similarity < matched.lineage[0][2]
    assert status_of(matched) == {0: "active", 1: "merged", 2: "active"}


def test_a_topic_with_no_similar_night_topic_is_retired():
    registry = first_run(BILLING, DELIVERY)
    matched = match_topics(registry, night(BILLING), "run-2", ENCODER)
    assert status_of(matched) == {0: "active", 1: "retired"}
    retired = matched.events.filter(pl.col("topic_id") == 1).row(0, named=True)
    assert (retired["event"], retired["related_topic_id"]) == ("retired", None)
    assert retired["similarity"] == pytest.approx(0.0)
    assert matched.registry.filter(pl.col("topic_id") == 1)["last_seen_run"].item() == "run-1"


def test_zero_night_topics_retire_every_active_topic():
    registry = with_status(first_run(BILLING, DELIVERY, LOGIN), t2="merged")
    matched = match_topics(registry, night(), "run-2", ENCODER)
    assert matched.stable_ids == [] and matched.lineage == []
    assert status_of(matched) == {0: "retired", 1: "retired", 2: "merged"}
    assert matched.events["event"].to_list() == ["retired", "retired"]
    assert matched.events["similarity"].null_count() == 2


def test_a_retired_topic_that_reappears_returns_with_its_id_and_label():
    registry = match_topics(first_run(BILLING, DELIVERY), night(BILLING), "run-2", ENCODER).registry
    matched = match_topics(registry, night(BILLING, ("shipping", DELIVERY[1], DELIVERY[2])), "run-3", ENCODER)
    assert matched.stable_ids == [0, 1]
    assert matched.lineage[1][0] == "returned"
    assert matched.labels[1] == "late delivery"
    row = matched.registry.filter(pl.col("topic_id") == 1).row(0, named=True)
    assert (row["status"], row["last_seen_run"], row["first_seen_run"]) == ("active", "run-3", "run-1")


def test_another_encoder_matches_on_keywords_alone_with_a_warning(caplog):
    registry = first_run(BILLING, DELIVERY)
    # New encoder, other dimension: centroids say nothing; the keywords (other case) still identify the topics.
    recoded = night(("post", ["Delivery", "LATE", "courier", "parcel"], direction(1, dim=4)),
                    ("money", ["invoice", "charge", "refund", "bill"], direction(0, 1, dim=4)))
    with caplog.at_level(logging.WARNING, logger="voc.topics.registry"):
        matched = match_topics(registry, recoded, "run-2", "other@2")
    assert matched.stable_ids == [1, 0]
    assert [s for _, _, s in matched.lineage] == pytest.approx([1.0, 1.0])
    assert "another encoder" in caplog.text
    assert matched.registry["vector_identity"].to_list() == ["other@2", "other@2"]
    assert len(matched.registry["centroid"][0]) == 4


def test_similarity_blends_cosine_and_keyword_jaccard():
    registry = first_run(BILLING)
    other = night(("x", ["INVOICE", "charge", "fee"], direction(1, 1)))
    blended = similarity_matrix(registry, other, 0.25, comparable=True)
    keywords_only = similarity_matrix(registry, other, 0.25, comparable=False)
    jaccard = 2 / 5
    assert blended.shape == (1, 1)
    assert blended[0, 0] == pytest.approx(0.75 * np.sqrt(0.5) + 0.25 * jaccard)
    assert keywords_only[0, 0] == pytest.approx(jaccard)


def test_ties_go_to_the_lower_id():
    # The twin is closer to tonight's topic by about 6e-8: float noise, a tie, which the lower registry id wins.
    registry = first_run(("billing", BILLING[1], direction(1, 0.5)), ("billing twin", BILLING[1], direction(1, 0.5, 1e-4)))
    matched = match_topics(registry, night(("billing", BILLING[1], direction(1, 0.5, 1e-3))), "run-2", ENCODER)
    assert matched.stable_ids == [0]
    assert events_of(matched)[1] == ("merged_into", 0)


def test_tied_night_topics_the_lower_local_id_continues():
    registry = first_run(BILLING)
    matched = match_topics(registry, night(("one", BILLING[1], direction(1, 0, 1e-4)), ("two", *BILLING[1:])), "run-2", ENCODER)
    assert matched.stable_ids == [0, 1]
    assert matched.lineage[1][:2] == ("split_from", 0)


def test_same_inputs_give_identical_outputs_and_leave_the_inputs_alone():
    registry = first_run(BILLING, DELIVERY, LOGIN)
    before = registry.clone()
    tonight = night(("a", BILLING[1], direction(1, 0.1)), ("b", BILLING[1], direction(1, 0, 0.9)), LOGIN)
    centroids = tonight.centroids.copy()
    first = match_topics(registry, tonight, "run-2", ENCODER)
    second = match_topics(registry, tonight, "run-2", ENCODER)
    assert first.stable_ids == second.stable_ids and first.labels == second.labels and first.lineage == second.lineage
    assert first.events.equals(second.events)
    assert first.registry.equals(second.registry)
    assert registry.equals(before)
    np.testing.assert_array_equal(tonight.centroids, centroids)


def test_outputs_conform_to_the_schema_and_are_ordered():
    registry = first_run(BILLING, DELIVERY, LOGIN)
    tonight = night(("a", BILLING[1], direction(1, 0.1)), ("b", BILLING[1], direction(1, 0, 0.9)),
                    ("c", ["crash", "app"], direction(0, 0, 0, 1)))
    matched = match_topics(registry, tonight, "run-2", ENCODER)
    assert matched.events.schema == TOPIC_LINEAGE.schema
    assert matched.registry.schema == TOPIC_REGISTRY.schema
    assert TOPIC_LINEAGE.conform(matched.events).equals(matched.events)
    assert TOPIC_REGISTRY.conform(matched.registry).equals(matched.registry)
    assert matched.registry["topic_id"].is_sorted()
    assert matched.events["topic_id"].to_list() == sorted(matched.events["topic_id"].to_list())
    assert matched.events["run_id"].unique().to_list() == ["run-2"]
    assert len(matched.events) == len(tonight.labels) + matched.registry["status"].is_in(["merged", "retired"]).sum()


def test_stricter_threshold_turns_a_continuation_into_a_birth():
    registry = first_run(BILLING)
    drifted = ("charges", ["invoice", "charge", "refund", "overcharged"], direction(0.95, 0.1, 0.2))
    matched = match_topics(registry, night(drifted), "run-2", ENCODER, MatchSettings(threshold=0.99, lineage_threshold=0.99))
    assert matched.stable_ids == [1]
    assert matched.lineage == [("born", None, None)]
    assert events_of(matched)[0][0] == "retired"
