"""Fragmented journeys on hand-made units: episodes, the window, channels, exclusions and the stage roll-up."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from voc.journey.fragmentation import fragmentation, stage_fragmentation
from voc.schema import FRAGMENTATION, STAGE_FRAGMENTATION, UNASSIGNED, UNITS

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WINDOW = 14


def unit(feedback_id: str, customer_id: str | None, channel: str, day: float, *, stage: str = "billing",
         topic: int = 3, index: int = 0) -> dict:
    """One unit of item `feedback_id`, `day` days after T0; every other UNITS column null or a fixed value."""
    return {**dict.fromkeys(UNITS.columns), "unit_id": f"{feedback_id}-00-{index:03d}", "feedback_id": feedback_id,
            "native_id": feedback_id, "source": "crm", "kind": "ticket", "channel": channel, "customer_id": customer_id,
            "created_at": T0 + timedelta(days=day), "language": "en", "message_index": 0, "unit_index": index,
            "text": f"unit {index} of {feedback_id}", "capped": False, "topic_id": topic, "stage_id": stage}


def units(*rows: dict) -> pl.DataFrame:
    return UNITS.conform(pl.concat([UNITS.empty(), pl.DataFrame(list(rows), schema=UNITS.schema)]))


def row(table: pl.DataFrame, stage: str = "billing", topic: int = 3) -> dict:
    (found,) = table.filter(pl.col("stage_id") == stage, pl.col("topic_id") == topic).to_dicts()
    return found


@pytest.mark.parametrize(("second_day", "joined"), [(WINDOW, True), (WINDOW + 1, False)])
def test_contacts_exactly_the_window_apart_join_one_day_more_splits(second_day, joined):
    table = fragmentation(units(unit("f1", "c1", "email", 0), unit("f2", "c1", "chat", second_day)), WINDOW)
    found = row(table)
    assert (found["repeat_customers"], found["fragmented_customers"]) == ((1, 1) if joined else (0, 0))
    assert (found["customers"], found["contacts_per_customer"]) == (1, 2.0)


def test_an_episode_chains_contacts_each_within_the_window_of_the_previous():
    table = fragmentation(units(unit("f1", "c1", "email", 0), unit("f2", "c1", "email", 10),
                                unit("f3", "c1", "chat", 20)), WINDOW)  # chat is 20 days after the first contact
    assert row(table)["fragmented_customers"] == 1


def test_two_channels_within_the_window_fragment_the_same_channel_twice_only_repeats():
    table = fragmentation(units(
        unit("f1", "c1", "email", 0), unit("f2", "c1", "chat", 3),  # fragmented
        unit("f3", "c2", "email", 0), unit("f4", "c2", "email", 3),  # repeat only
        unit("f5", "c3", "email", 0),  # one contact
    ), WINDOW)
    found = row(table)
    assert (found["customers"], found["repeat_customers"], found["fragmented_customers"]) == (3, 2, 1)
    assert found["fragmented_share"] == pytest.approx(1 / 3)
    assert found["contacts_per_customer"] == pytest.approx(5 / 3)


def test_same_channel_twice_is_a_repeat_but_not_fragmented():
    found = row(fragmentation(units(unit("f1", "c1", "phone", 0), unit("f2", "c1", "phone", 1)), WINDOW))
    assert (found["repeat_customers"], found["fragmented_customers"]) == (1, 0)
    assert (found["first_channel"], found["last_channel"]) == (None, None)


def test_a_contact_is_an_item_and_one_item_can_be_about_several_topics():
    table = fragmentation(units(
        unit("f1", "c1", "email", 0, index=0), unit("f1", "c1", "email", 0, index=1),
        unit("f1", "c1", "email", 0, topic=4, index=2), unit("f2", "c1", "chat", 1),
    ), WINDOW)
    assert row(table, topic=3)["contacts_per_customer"] == 2.0  # two units of f1 are one contact
    assert (row(table, topic=4)["customers"], row(table, topic=4)["contacts_per_customer"]) == (1, 1.0)


def test_units_without_customer_outliers_and_unassigned_units_do_not_count():
    table = fragmentation(units(
        unit("f1", "c1", "email", 0),
        unit("f2", "c1", "chat", 1, topic=-1),
        unit("f3", "c1", "phone", 2, stage=UNASSIGNED),
        unit("f4", None, "chat", 1),
        unit("f5", None, "web", 2),
    ), WINDOW)
    assert table.select("stage_id", "topic_id", "customers", "fragmented_customers", "channels").to_dicts() == [
        {"stage_id": "billing", "topic_id": 3, "customers": 1, "fragmented_customers": 0, "channels": ["email"]}]


def test_first_and_last_channels_are_the_most_common_over_fragmented_episodes_in_time_order():
    table = fragmentation(units(  # listed out of time order on purpose
        unit("f1", "c1", "phone", 2), unit("f2", "c1", "chat", 1), unit("f3", "c1", "email", 0),  # ids against time
        unit("f4", "c2", "phone", 4), unit("f5", "c2", "email", 0),
        unit("f6", "c3", "email", 5), unit("f7", "c3", "chat", 0),
        unit("f8", "c4", "web", 0), unit("f9", "c4", "web", 1),  # not fragmented: its channels do not vote
        unit("f10", "c4", "web", 2),
    ), WINDOW)
    assert (row(table)["first_channel"], row(table)["last_channel"]) == ("email", "phone")


def test_a_contact_without_a_time_is_an_episode_of_its_own():
    undated = {**unit("f2", "c1", "chat", 0), "created_at": None}
    found = row(fragmentation(units(unit("f1", "c1", "email", 0), undated), WINDOW))
    assert (found["customers"], found["contacts_per_customer"]) == (1, 2.0)
    assert (found["repeat_customers"], found["fragmented_customers"]) == (0, 0)


def test_first_channel_ties_go_to_the_channel_name():
    table = fragmentation(units(unit("f1", "c1", "web", 0), unit("f2", "c1", "phone", 1),
                                unit("f3", "c2", "chat", 0), unit("f4", "c2", "phone", 1)), WINDOW)
    assert row(table)["first_channel"] == "chat"


def test_channels_are_listed_by_contacts_then_by_name():
    table = fragmentation(units(unit("f1", "c1", "web", 0), unit("f2", "c2", "email", 0), unit("f3", "c3", "email", 0),
                                unit("f4", "c4", "chat", 0), unit("f5", "c5", "email", 0)), WINDOW)
    assert row(table)["channels"] == ["email", "chat", "web"]


def test_rows_are_sorted_by_stage_then_fragmented_share_then_topic():
    table = fragmentation(units(
        unit("a1", "c1", "email", 0, stage="delivery", topic=1),
        unit("b1", "c1", "email", 0, topic=2),
        unit("b2", "c1", "email", 0, topic=5), unit("b3", "c1", "chat", 1, topic=5),
        unit("b4", "c1", "email", 0, topic=9), unit("b5", "c1", "web", 1, topic=9),
    ), WINDOW)
    assert table.select("stage_id", "topic_id").rows() == [("billing", 5), ("billing", 9), ("billing", 2), ("delivery", 1)]


def test_output_conforms_to_the_fragmentation_table():
    table = fragmentation(units(unit("f1", "c1", "email", 0), unit("f2", "c1", "chat", 1),
                                unit("f3", "c2", "web", 0, stage="delivery", topic=7)), WINDOW)
    assert table.schema == FRAGMENTATION.schema
    assert FRAGMENTATION.conform(table).equals(table)
    assert table.height == 2


def test_empty_input_and_input_with_nothing_that_counts_give_an_empty_table():
    for frame in (UNITS.empty(), units(unit("f1", None, "email", 0), unit("f2", "c1", "chat", 0, topic=-1))):
        table = fragmentation(frame, WINDOW)
        assert (table.height, table.schema) == (0, FRAGMENTATION.schema)
    rolled = stage_fragmentation(UNITS.empty(), FRAGMENTATION.empty(), WINDOW)
    assert (rolled.height, rolled.schema) == (0, STAGE_FRAGMENTATION.schema)


def test_the_stage_index_counts_one_problem_heard_as_different_topics_on_different_channels():
    """A customer who chats about topic 3, e-mails about topic 8 and calls about topic 5 in one week is fragmented in
    the stage, though no single topic saw two channels."""
    frame = units(unit("f1", "c1", "chat", 0, topic=3), unit("f2", "c1", "email", 2, topic=8),
                  unit("f3", "c1", "phone", 5, topic=5), unit("f4", "c2", "chat", 0, topic=3),
                  unit("f5", "c3", "email", 0, topic=8), unit("f6", "c3", "chat", 1, topic=8),
                  unit("f7", "c4", "web", 0, stage="delivery", topic=1))
    table = fragmentation(frame, WINDOW)
    assert table.filter(pl.col("stage_id") == "billing")["fragmented_customers"].to_list() == [1, 0, 0]  # only c3, topic 8
    rolled = stage_fragmentation(frame, table, WINDOW)
    assert rolled.schema == STAGE_FRAGMENTATION.schema
    assert rolled.to_dicts() == [
        {"stage_id": "billing", "customers": 3, "fragmented_customers": 2, "fragmentation_index": pytest.approx(2 / 3),
         "top_fragmented_topic": 8},
        {"stage_id": "delivery", "customers": 1, "fragmented_customers": 0, "fragmentation_index": 0.0,
         "top_fragmented_topic": None},
    ]
