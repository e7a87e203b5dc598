"""stage_insights on a hand-made units frame: which (stage, topic) rows, their shares, context, quotes and order."""

import polars as pl
import pytest

from voc.config import JourneyConfig, JourneyMap
from voc.insights.stage_insights import stage_insights, stage_topic_scores, with_evidence
from voc.schema import STAGE_INSIGHTS, UNASSIGNED

MAP = JourneyMap.model_validate({
    "name": "retail",
    "touchpoints": [{"id": "site", "name": "Website", "channels": ["web"]},
                    {"id": "store", "name": "Store", "channels": ["pos"]},
                    {"id": "hotline", "name": "Hotline", "channels": ["phone"]}],
    "stages": [
        {"id": "discover", "name": "Discover", "description": "Finding the product.", "touchpoints": ["site"],
         "owners": ["Marketing"], "kpis": [{"id": "ctr", "name": "Click-through rate"}]},
        {"id": "purchase", "name": "Purchase", "description": "Buying it.", "touchpoints": ["site", "store"],
         "owners": ["Sales", "Operations"], "kpis": [{"id": "conv", "name": "Conversion"}, {"id": "aov", "name": "Order value"}]},
        {"id": "support", "name": "Support", "description": "Getting help.", "touchpoints": ["hotline"]},
    ],
})
CONFIG = JourneyConfig(min_volume=2)
UNIT_SCHEMA = {"unit_id": pl.String, "stage_id": pl.String, "topic_id": pl.Int64, "sentiment": pl.Float64,
               "frustration": pl.Float64, "motivation_cue": pl.Boolean, "text": pl.String}
UNITS = pl.DataFrame([
    ("u01", "purchase", 1, -0.8, 0.9, False, "Checkout failed twice"),
    ("u02", "purchase", 1, -0.6, 0.7, False, "Payment page froze at checkout"),
    ("u03", "purchase", 1, -0.4, 0.2, False, "Checkout failed twice"),
    ("u04", "purchase", 2, 0.7, 0.0, True, "I bought it because shipping was free"),
    ("u05", "purchase", 2, 0.5, 0.0, True, "Free shipping made me buy"),
    ("u06", "purchase", 2, 0.6, 0.0, False, "Great deal on shipping"),
    ("u07", "discover", 3, -0.5, 0.6, False, "Could not find the size guide"),
    ("u08", "discover", 3, -0.7, 0.8, False, "Size guide is hidden"),
    ("u09", "discover", 4, -0.9, 0.9, False, "Ads kept showing the wrong product"),
    ("u10", "discover", 4, -0.5, 0.1, False, "Irrelevant ads everywhere"),
    ("u11", "discover", 4, -0.6, 0.6, False, "Ads were misleading"),
    ("u12", "discover", 5, 0.0, 0.0, False, "Browsed the catalogue"),
    ("u13", "discover", 5, 0.05, 0.0, False, "Looked at a few pages"),
    ("u14", "purchase", -1, -0.9, 0.9, False, "Something else went wrong"),
    ("u15", UNASSIGNED, 1, -0.9, 0.9, False, "Checkout failed twice again"),
    ("u16", UNASSIGNED, 1, -0.9, 0.9, False, "Checkout failed once more"),
    ("u17", "support", 6, -0.9, 0.9, False, "Nobody answered"),
], schema=UNIT_SCHEMA, orient="row").with_columns(small_talk=pl.lit(False))
TOPICS = pl.DataFrame({
    "topic_id": [1, 2, 3, 4, 5, 6],
    "label": ["Checkout failures", "Free shipping", "Size guide", "Misleading ads", "Browsing", "Unanswered calls"],
    "quotes": [["Payment page froze at checkout", "A quote said in no stage"], [], [], ["Irrelevant ads everywhere"], [],
               ["Nobody answered"]],
}, schema={"topic_id": pl.Int64, "label": pl.String, "quotes": pl.List(pl.String)})


@pytest.fixture(scope="module")
def insights() -> pl.DataFrame:
    return stage_insights(UNITS, TOPICS, MAP, CONFIG, quotes=2)


def test_stage_topic_scores_types_every_placed_stage_and_topic():
    scores = stage_topic_scores(UNITS, CONFIG)
    kinds = {(r["stage_id"], r["topic_id"]): r["kind"] for r in scores.iter_rows(named=True)}
    assert kinds == {("purchase", 1): "pain_point", ("purchase", 2): "motivation", ("discover", 3): "pain_point",
                     ("discover", 4): "pain_point", ("discover", 5): "neutral", ("support", 6): "neutral"}
    assert dict(scores.select("topic_id", "volume").iter_rows())[1] == 3  # the unassigned units of topic 1 are not counted


def test_rows_are_the_typed_stage_topics_in_map_order_pain_before_motivation_largest_first(insights):
    assert insights.select("stage_id", "topic_id", "insight_type").rows() == [
        ("discover", 4, "pain_point"), ("discover", 3, "pain_point"),
        ("purchase", 1, "pain_point"), ("purchase", 2, "motivation")]
    assert insights["title"].to_list() == ["Misleading ads", "Size guide", "Checkout failures", "Free shipping"]


def test_the_result_conforms_to_the_stage_insights_schema(insights):
    assert insights.schema == STAGE_INSIGHTS.schema
    assert STAGE_INSIGHTS.conform(insights).equals(insights)
    assert insights["impact"].null_count() == insights["trend"].null_count() == insights.height


def test_volume_share_and_scores_of_a_stage_topic(insights):
    discover = insights.filter(pl.col("stage_id") == "discover").rows_by_key("topic_id", named=True, unique=True)
    assert discover[4]["volume"] == 3 and discover[4]["share"] == pytest.approx(3 / 7)
    assert discover[3]["volume"] == 2 and discover[3]["share"] == pytest.approx(2 / 7)
    assert discover[4]["sentiment_mean"] == pytest.approx(-2 / 3)
    assert discover[4]["frustration_rate"] == pytest.approx(2 / 3)


def test_each_row_carries_the_owners_kpi_names_and_touchpoint_names_of_its_stage(insights):
    purchase = insights.filter(pl.col("stage_id") == "purchase").row(0, named=True)
    assert purchase["owners"] == ["Sales", "Operations"]
    assert purchase["kpis"] == ["Conversion", "Order value"]
    assert purchase["touchpoints"] == ["Website", "Store"]
    assert insights.filter(pl.col("stage_id") == "discover")["kpis"].to_list() == [["Click-through rate"]] * 2


def test_quotes_put_representative_quotes_first_then_the_most_typical_distinct_units(insights):
    quotes = dict(insights.select("topic_id", "quotes").iter_rows())
    assert quotes[1] == ["Payment page froze at checkout", "Checkout failed twice"]  # u03 repeats u01
    assert quotes[4] == ["Irrelevant ads everywhere", "Ads kept showing the wrong product"]  # then most negative
    assert quotes[3] == ["Size guide is hidden", "Could not find the size guide"]
    assert quotes[2] == ["I bought it because shipping was free", "Great deal on shipping"]  # most positive


def test_quotes_never_come_from_another_stage_or_exceed_the_count():
    quotes = dict(stage_insights(UNITS, TOPICS, MAP, CONFIG, quotes=5).select("topic_id", "quotes").iter_rows())
    assert quotes[1] == ["Payment page froze at checkout", "Checkout failed twice"]
    assert len(quotes[4]) == 3 and len(set(quotes[4])) == 3


def test_nothing_typed_gives_an_empty_table_with_the_schema():
    neutral = UNITS.filter(pl.col("topic_id").is_in([5, 6, -1]))
    result = stage_insights(neutral, TOPICS, MAP, CONFIG)
    assert result.is_empty() and result.schema == STAGE_INSIGHTS.schema


def test_share_is_of_all_units_assigned_to_the_stage(insights):
    purchase = insights.filter(pl.col("stage_id") == "purchase").rows_by_key("topic_id", named=True, unique=True)
    assert purchase[1]["share"] == pytest.approx(3 / 7)  # 7 units in purchase: u01-u06 and the outlier u14


def test_evidence_fills_impact_trend_and_fragmentation_and_ranks_pain_points_by_opportunity(insights):
    keys = insights.select("stage_id", "topic_id")
    effects = keys.with_columns(impact_metric=pl.lit("nps"), impact=-pl.int_range(pl.len()).cast(pl.Float64),
                                impact_low=pl.lit(-30.0), impact_high=pl.lit(-1.0), driver=pl.lit(-2.0),
                                opportunity=(pl.int_range(pl.len()) * 7 % 5).cast(pl.Float64))
    trends = pl.DataFrame({"topic_id": [1, 3, 4], "trend": [0.5, -0.2, 2.0]})
    fragmented = keys.with_columns(fragmented_share=pl.lit(0.25))
    out = with_evidence(insights, effects, trends, fragmented)
    assert out.schema == STAGE_INSIGHTS.schema and out.select("stage_id", "topic_id").equals(keys)
    pains = out.filter(pl.col("insight_type") == "pain_point").sort("priority")
    assert pains["priority"].to_list() == list(range(1, pains.height + 1))
    assert pains["opportunity"].is_sorted(descending=True)
    assert out.filter(pl.col("insight_type") == "motivation")["priority"].null_count() == out.filter(
        pl.col("insight_type") == "motivation").height
    assert out.filter(pl.col("topic_id") == 4)["trend"].item() == 2.0 and (out["fragmented_share"] == 0.25).all()
