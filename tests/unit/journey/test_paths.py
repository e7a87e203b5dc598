"""Customer paths, stage-to-stage moves, the flow summary and candidate stages on a handful of hand-made units."""

from datetime import UTC, datetime

import polars as pl
import pytest

from voc.config import JourneyMap
from voc.errors import VocError
from voc.journey.paths import candidate_stages, customer_paths, flow_summary, transitions
from voc.schema import CUSTOMER_PATHS, TOPICS, TRANSITIONS, UNASSIGNED, UNITS

MAP = JourneyMap.model_validate({
    "name": "retail",
    "touchpoints": [{"id": "site", "name": "Website", "channels": ["web"]}],
    "stages": [{"id": sid, "name": sid.title(), "description": f"The {sid} stage.", "touchpoints": ["site"]}
               for sid in ("discover", "buy", "use", "leave")],
})


def unit(feedback_id: str, index: int, stage: str, day: int, customer: str | None = "c1", *, channel: str = "web",
         sentiment: float = 0.0, topic: int = -1, text: str = "") -> dict:
    """A units row with the real schema's columns; only what the paths read is varied."""
    return {
        "unit_id": f"{feedback_id}-00-{index:03d}", "feedback_id": feedback_id, "native_id": feedback_id,
        "source": "s", "kind": "ticket", "channel": channel, "customer_id": customer,
        "created_at": datetime(2024, 1, day, tzinfo=UTC), "language": "en", "message_index": 0, "unit_index": index,
        "text": text or f"{feedback_id} unit {index}", "capped": False, "score": None, "score_type": None,
        "sentiment": sentiment, "sentiment_label": None, "frustration": 0.0, "topic_id": topic, "stage_id": stage,
        "stage_confidence": 0.9,
    }


def units(*rows: dict) -> pl.DataFrame:
    return UNITS.conform(pl.concat([UNITS.empty(), pl.DataFrame(list(rows), schema=UNITS.schema)]))


def path_rows(*contacts: tuple[str, str]) -> pl.DataFrame:
    """Paths from (customer, stage) contacts, one day apart, in the order given."""
    rows = [unit(f"f{i}", 0, stage, i + 1, customer) for i, (customer, stage) in enumerate(contacts)]
    return customer_paths(units(*rows))


# ------------------------------------------------------------------ customer_paths


def test_paths_follow_time_not_input_order():
    paths = customer_paths(units(unit("late", 0, "use", 9), unit("early", 0, "discover", 2), unit("mid", 0, "buy", 5)))
    assert paths["feedback_id"].to_list() == ["early", "mid", "late"]
    assert paths["step"].to_list() == [1, 2, 3]


def test_steps_count_per_customer():
    paths = customer_paths(units(unit("a1", 0, "buy", 3, "ann"), unit("b1", 0, "buy", 1, "bob"),
                                 unit("a0", 0, "discover", 2, "ann")))
    assert paths.select("customer_id", "feedback_id", "step").rows() == [("ann", "a0", 1), ("ann", "a1", 2), ("bob", "b1", 1)]


def test_a_contact_is_one_item_with_its_mean_sentiment_and_first_time():
    first = unit("f", 0, "buy", 4, sentiment=-0.6)
    later = unit("f", 1, "buy", 6, sentiment=0.2)
    paths = customer_paths(units(first, later))
    assert paths.height == 1
    assert paths["sentiment"][0] == pytest.approx(-0.2)
    assert paths["created_at"][0] == datetime(2024, 1, 4, tzinfo=UTC)


def test_main_stage_is_the_most_frequent_assigned_stage():
    rows = [unit("f", 0, "use", 1), unit("f", 1, UNASSIGNED, 1), unit("f", 2, UNASSIGNED, 1), unit("f", 3, "buy", 1),
            unit("f", 4, "buy", 1)]
    assert customer_paths(units(*rows))["stage_id"].to_list() == ["buy"]


def test_main_stage_ties_go_to_map_order_with_a_map_else_to_the_id():
    tied = units(unit("f", 0, "use", 1), unit("f", 1, "buy", 1), unit("f", 2, "leave", 1))
    assert customer_paths(tied, MAP)["stage_id"].to_list() == ["buy"]
    assert customer_paths(tied)["stage_id"].to_list() == ["buy"]  # "buy" < "leave" < "use"
    assert customer_paths(units(unit("g", 0, "use", 1), unit("g", 1, "leave", 1)), MAP)["stage_id"].to_list() == ["use"]


def test_items_without_customer_or_assigned_unit_are_left_out():
    paths = customer_paths(units(unit("anon", 0, "buy", 1, None), unit("vague", 0, UNASSIGNED, 2),
                                 unit("kept", 0, "use", 3)))
    assert paths["feedback_id"].to_list() == ["kept"]


def test_empty_units_give_empty_paths_with_the_columns():
    paths = customer_paths(UNITS.empty(), MAP)
    assert paths.height == 0
    assert paths.schema == CUSTOMER_PATHS.schema
    assert paths.schema["created_at"] == UNITS.schema["created_at"]


# ------------------------------------------------------------------ transitions


def test_moves_are_typed_against_the_designed_order():
    paths = path_rows(("c1", "discover"), ("c1", "buy"), ("c1", "buy"), ("c1", "leave"), ("c1", "discover"))
    moves = transitions(paths, MAP)
    kinds = {(a, b): k for a, b, k in moves.select("from_stage", "to_stage", "move").iter_rows()}
    assert kinds == {("discover", "buy"): "forward", ("buy", "buy"): "repeat", ("buy", "leave"): "skip",
                     ("leave", "discover"): "backward"}


def test_moves_count_moves_and_distinct_customers_and_conform():
    paths = path_rows(("ann", "discover"), ("ann", "buy"), ("ann", "discover"), ("ann", "buy"),
                      ("bob", "discover"), ("bob", "buy"), ("cy", "buy"))
    moves = transitions(paths, MAP)
    assert moves.schema == TRANSITIONS.schema
    row = moves.filter((pl.col("from_stage") == "discover") & (pl.col("to_stage") == "buy")).row(0, named=True)
    assert (row["moves"], row["customers"]) == (3, 2)
    assert moves["moves"].sum() == 4  # cy has one contact: no move; moves never cross customers


def test_shares_sum_to_one_per_from_stage_and_rows_are_in_map_order():
    paths = path_rows(("a", "use"), ("a", "leave"), ("b", "use"), ("b", "buy"), ("c", "use"), ("c", "leave"),
                      ("d", "buy"), ("d", "use"))
    moves = transitions(paths, MAP)
    assert moves.select("from_stage", "to_stage").rows() == [("buy", "use"), ("use", "leave"), ("use", "buy")]
    sums = moves.group_by("from_stage").agg(pl.col("share").sum())["share"].to_list()
    assert sums == pytest.approx([1.0, 1.0])
    assert moves.filter(pl.col("to_stage") == "leave")["share"].item() == pytest.approx(2 / 3)


def test_paths_made_with_another_map_are_refused():
    paths = path_rows(("a", "buy"), ("a", "renew"))
    with pytest.raises(VocError, match="renew"):
        transitions(paths, MAP)


def test_empty_paths_give_empty_transitions():
    moves = transitions(customer_paths(UNITS.empty()), MAP)
    assert moves.height == 0 and moves.schema == TRANSITIONS.schema


# ------------------------------------------------------------------ flow_summary


def test_flow_summary_counts_shares_and_links():
    paths = path_rows(("a", "discover"), ("a", "buy"), ("a", "buy"), ("b", "discover"), ("b", "buy"), ("c", "use"))
    moves = transitions(paths, MAP)
    summary = flow_summary(paths, moves, MAP)
    assert summary["designed_order"] == ["discover", "buy", "use", "leave"]
    assert (summary["customers"], summary["customers_with_moves"], summary["moves"]) == (3, 2, 3)
    assert summary["share"] == {"forward": pytest.approx(0.6667), "skip": 0.0, "backward": 0.0, "repeat": pytest.approx(0.3333)}
    assert summary["links"] == [{"source": "discover", "target": "buy", "value": 2, "move": "forward"},
                                {"source": "buy", "target": "buy", "value": 1, "move": "repeat"}]


def test_common_paths_collapse_repeats_and_rank_by_customers():
    paths = path_rows(("a", "discover"), ("a", "buy"), ("a", "buy"), ("b", "discover"), ("b", "buy"),
                      ("c", "use"), ("c", "use"), ("d", "leave"), ("e", "buy"), ("e", "use"))
    summary = flow_summary(paths, transitions(paths, MAP), MAP, top=2)
    assert summary["common_paths"] == [{"stages": ["discover", "buy"], "customers": 2},
                                       {"stages": ["buy", "use"], "customers": 1}]  # d has one contact: no path


def test_flow_summary_of_nothing():
    paths = customer_paths(UNITS.empty())
    summary = flow_summary(paths, transitions(paths, MAP), MAP)
    assert summary["moves"] == 0 and summary["common_paths"] == [] and summary["links"] == []
    assert set(summary["share"].values()) == {0.0}


# ------------------------------------------------------------------ candidate_stages


def topic_rows(*rows: tuple[int, str, str, list[str]]) -> pl.DataFrame:
    frame = pl.DataFrame([{"topic_id": t, "label": label, "keywords": [], "size": 0, "share": 0.0, "kind": kind,
                           "sentiment_mean": None, "frustration_rate": None, "quotes": quotes, "stage_id": UNASSIGNED,
                           "first_seen_run": "r1", "lineage_event": "born", "lineage_topic_id": None,
                           "lineage_similarity": None} for t, label, kind, quotes in rows], schema=TOPICS.schema)
    return TOPICS.conform(frame)


def topic_units(topic: int, spread: dict[str, int], channels: tuple[str, ...] = ("web",)) -> list[dict]:
    """Units of a topic: `spread` maps a stage (or unassigned) to how many units it has."""
    stages = [stage for stage, count in spread.items() for _ in range(count)]
    return [unit(f"t{topic}", i, stage, 1, topic=topic, channel=channels[i % len(channels)], text=f"t{topic} {stage} {i}")
            for i, stage in enumerate(stages)]


TOPICS_FRAME = topic_rows((1, "Moving home", "pain_point", ["t1 buy 1", "t1 missing", "t1 buy 1"]),
                          (2, "Loyalty points", "motivation", []), (3, "Too small", "pain_point", []),
                          (4, "Mostly in one stage", "pain_point", []), (5, "Thanks", "neutral", []))


def test_candidates_are_sizeable_typed_topics_that_no_stage_holds():
    rows = (topic_units(1, {"buy": 3, "use": 3, "leave": 2, UNASSIGNED: 2}, ("app", "web", "app", "mail"))  # spread out
            + topic_units(2, {UNASSIGNED: 6})  # nowhere
            + topic_units(3, {UNASSIGNED: 2})  # too small
            + topic_units(4, {"buy": 5, UNASSIGNED: 5})  # half in one stage: held
            + topic_units(5, {UNASSIGNED: 9})  # a neutral topic (thanks, greetings) is no stage
            + [unit("out", i, UNASSIGNED, 1, topic=-1) for i in range(9)])  # outliers are no topic
    found = candidate_stages(units(*rows), TOPICS_FRAME, min_units=3, max_stage_share=0.4)
    assert [(c["topic_id"], c["units"], c["unassigned_share"], c["kind"]) for c in found] == [
        (1, 10, 0.2, "pain_point"), (2, 6, 1.0, "motivation")]
    assert found[0]["stages"] == [{"stage_id": "buy", "units": 3}, {"stage_id": "use", "units": 3},
                                  {"stage_id": "leave", "units": 2}]
    assert found[0]["channels"] == ["app", "web", "mail"] and found[1]["stages"] == []


def test_candidate_quotes_put_the_topics_own_quotes_first_then_by_unit():
    found = candidate_stages(units(*topic_units(1, {"buy": 2, "use": 2, UNASSIGNED: 2})), TOPICS_FRAME, min_units=1,
                             quotes=3)
    assert found[0]["quotes"] == ["t1 buy 1", "t1 buy 0", "t1 use 2"]  # "t1 missing" is no unit of it


def test_no_candidates_from_nothing():
    assert candidate_stages(UNITS.empty(), TOPICS.empty(), min_units=1) == []
    assert candidate_stages(units(*topic_units(1, {UNASSIGNED: 4})), TOPICS.empty(), min_units=1) == []
