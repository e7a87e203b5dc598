"""The enriched journey map on ten hand-made units: counts, survey scores, touchpoints and what the map lacks."""

import json

import polars as pl
import pytest

from voc.config import JourneyMap
from voc.journey.enrich import enriched_map
from voc.schema import SCORE_TYPE, STAGE_INSIGHTS, UNASSIGNED

MAP = JourneyMap.model_validate({
    "name": "retail",
    "touchpoints": [{"id": "site", "name": "Website", "channels": ["web"]},
                    {"id": "store", "name": "Store", "channels": ["pos"]},
                    {"id": "hotline", "name": "Hotline", "channels": ["phone"]}],
    "stages": [
        {"id": "discover", "name": "Discover", "description": "Finding the product.", "touchpoints": ["site"]},
        {"id": "purchase", "name": "Purchase", "description": "Buying it.", "touchpoints": ["site", "store"],
         "owners": ["Sales"], "kpis": [{"id": "conv", "name": "Conversion", "target": "3%"}]},
        {"id": "support", "name": "Support", "description": "Getting help.", "touchpoints": ["hotline"]},
    ],
})
UNITS = pl.DataFrame([
    ("purchase", "web", -0.5, 0.8, "f1", 10.0, "nps"),
    ("purchase", "web", -0.1, 0.2, "f1", 10.0, "nps"),  # the same respondent: one promoter, not two
    ("purchase", "pos", 0.4, 0.0, "f2", 6.0, "nps"),
    ("purchase", "pos", 0.6, 0.0, "f3", 9.0, "nps"),
    ("purchase", "phone", 0.0, 0.6, "f4", 2.0, "csat"),  # the hotline belongs to support
    ("purchase", "email", 0.2, 0.1, "f5", 4.0, "csat"),  # on no touchpoint of the map
    ("purchase", "web", 0.1, 0.0, "f6", None, None),
    ("discover", "web", -0.2, 0.0, "f7", None, None),
    ("discover", "email", 0.0, 0.0, "f8", None, None),
    (UNASSIGNED, "chat", -0.3, 0.9, "f9", 8.0, "nps"),
], schema={"stage_id": pl.String, "channel": pl.String, "sentiment": pl.Float64, "frustration": pl.Float64,
           "feedback_id": pl.String, "score": pl.Float64, "score_type": SCORE_TYPE}, orient="row")


def insight(topic_id: int, kind: str, volume: int, sentiment: float, frustration: float, title: str) -> dict:
    return {"stage_id": "purchase", "topic_id": topic_id, "insight_type": kind, "title": title, "volume": volume,
            "share": volume / 7, "sentiment_mean": sentiment, "frustration_rate": frustration, "impact": None,
            "trend": None, "quotes": [f"quote about {title}"], "owners": ["Sales"], "kpis": ["Conversion"],
            "touchpoints": ["Website", "Store"]}


INSIGHTS = STAGE_INSIGHTS.conform(pl.DataFrame([
    insight(7, "pain_point", 4, -0.2, 0.0, "Slow checkout"),
    insight(1, "pain_point", 3, -0.6, 0.5, "Card declined"),  # 3 × 1.5 outranks 4 × 1.0
    insight(2, "motivation", 2, 0.55, 0.0, "Free shipping"),
], schema=STAGE_INSIGHTS.schema))


@pytest.fixture(scope="module")
def enriched() -> dict:
    return enriched_map(MAP, UNITS, INSIGHTS, "run-7")


def stage(enriched: dict, stage_id: str) -> dict:
    return next(s for s in enriched["stages"] if s["id"] == stage_id)


def test_the_map_keeps_its_stages_in_order_with_their_fields(enriched):
    assert (enriched["name"], enriched["run_id"]) == ("retail", "run-7")
    assert [s["id"] for s in enriched["stages"]] == ["discover", "purchase", "support"]
    assert stage(enriched, "purchase")["kpis"] == [{"id": "conv", "name": "Conversion", "target": "3%"}]
    assert [t["id"] for t in enriched["touchpoints"]] == ["site", "store", "hotline"]


def test_each_stage_counts_its_units_share_sentiment_and_frustration(enriched):
    purchase = stage(enriched, "purchase")["observed"]
    assert (purchase["units"], purchase["share"]) == (7, 0.7)
    assert purchase["sentiment_mean"] == pytest.approx(0.1)
    assert purchase["frustration_rate"] == pytest.approx(round(2 / 7, 4))
    assert (stage(enriched, "discover")["observed"]["units"], stage(enriched, "discover")["observed"]["share"]) == (2, 0.2)


def test_nps_is_promoters_minus_detractors_over_distinct_respondents(enriched):
    nps = stage(enriched, "purchase")["observed"]["nps"]
    assert nps == {"respondents": 3, "score": pytest.approx(round(100 * (2 / 3 - 1 / 3), 4))}  # f1 10, f2 6, f3 9


def test_csat_is_the_mean_and_the_share_of_four_or_five(enriched):
    assert stage(enriched, "purchase")["observed"]["csat"] == {"respondents": 2, "mean": 3.0, "satisfied_share": 0.5}


def test_a_stage_without_units_has_no_scores(enriched):
    support = stage(enriched, "support")["observed"]
    assert (support["units"], support["share"], support["sentiment_mean"], support["frustration_rate"]) == (0, 0.0, None, None)
    assert support["nps"] == {"respondents": 0, "score": None}
    assert support["csat"] == {"respondents": 0, "mean": None, "satisfied_share": None}
    assert support["pain_points"] == [] and support["touchpoints"] == {"on_map": [], "off_map": []}


def test_touchpoints_heard_in_a_stage_are_on_the_map_when_the_stage_lists_them(enriched):
    touchpoints = stage(enriched, "purchase")["observed"]["touchpoints"]
    assert touchpoints["on_map"] == [{"touchpoint": "site", "name": "Website", "channel": "web", "units": 3},
                                     {"touchpoint": "store", "name": "Store", "channel": "pos", "units": 2}]
    assert touchpoints["off_map"] == [{"channel": "email", "units": 1}, {"channel": "phone", "units": 1}]


def test_the_summary_counts_unassigned_units_and_channels_on_no_touchpoint(enriched):
    assert enriched["unassigned_units"] == 1
    assert enriched["off_map_channels"] == [{"channel": "email", "units": 2}, {"channel": "chat", "units": 1}]


def test_insights_are_ranked_by_volume_weighted_by_frustration_or_sentiment(enriched):
    purchase = stage(enriched, "purchase")["observed"]
    assert [p["topic_id"] for p in purchase["pain_points"]] == [1, 7]
    assert purchase["pain_points"][0] == {
        "topic_id": 1, "title": "Card declined", "volume": 3, "share": round(3 / 7, 4), "sentiment_mean": -0.6,
        "frustration_rate": 0.5, "impact_metric": None, "impact": None, "impact_low": None, "impact_high": None,
        "opportunity": None, "priority": None, "fragmented_share": None, "trend": None, "quotes": ["quote about Card declined"]}
    assert [m["title"] for m in purchase["motivations"]] == ["Free shipping"]
    assert stage(enriched, "discover")["observed"]["pain_points"] == []


def test_the_map_is_json_serialisable_with_and_without_insights(enriched):
    assert json.loads(json.dumps(enriched))["stages"][1]["observed"]["nps"]["respondents"] == 3
    empty = enriched_map(MAP, UNITS, STAGE_INSIGHTS.empty(), "run-8")
    assert json.loads(json.dumps(empty))["stages"][1]["observed"]["pain_points"] == []
