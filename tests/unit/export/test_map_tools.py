import jsonschema
import polars as pl
import pytest

from voc.config import JourneyConfig
from voc.errors import SchemaError
from voc.export.map_tools import journey_evidence
from voc.schema import JOURNEY_EVIDENCE, STAGE_INSIGHTS, TOPICS

import export_frames as given


def _evidence(journey=None, insights=None):
    topics = next(frame for table, frame in given.tables() if table is TOPICS)
    return journey_evidence(given.insights() if insights is None else insights, topics, given.journey_map(),
                            journey or JourneyConfig())


def test_one_row_per_insight_in_map_order_pains_needs_gains_largest_first():
    evidence = _evidence()
    assert evidence.height == given.insights().height
    assert evidence.select("evidence_id", "stage_order", "stage", "type").rows() == [
        ("join:1", 1, "Join & verify", "pain"),
        ("join:2", 1, "Join & verify", "need"),
        ("use:1", 2, "Everyday use", "pain"),
        ("use:3", 2, "Everyday use", "gain"),
    ]


def test_a_motivation_is_a_need_below_the_motivation_sentiment_line_and_a_gain_above():
    types = dict(_evidence(JourneyConfig(motivation_sentiment=0.04)).select("evidence_id", "type").iter_rows())
    assert types["join:2"] == "gain"  # sentiment 0.05 clears a 0.04 line
    types = dict(_evidence(JourneyConfig(motivation_sentiment=0.7)).select("evidence_id", "type").iter_rows())
    assert (types["join:2"], types["use:3"], types["join:1"]) == ("need", "need", "pain")


def test_cells_are_flat_quotes_split_keywords_described_numbers_rounded():
    row = _evidence().filter(pl.col("evidence_id") == "use:3").row(0, named=True)
    assert [row["quote_1"], row["quote_2"], row["quote_3"]] == ["Fast.", "Really fast.", "Quick!"]  # the first three
    assert row["description"] == "speed fee, price | plan, café"
    assert (row["evidence_count"], row["share"], row["sentiment"], row["frustration"]) == (12, 0.4, 0.6, 0.123)
    assert (row["owners"], row["kpis"], row["touchpoints"]) == ("Ops | Sales", "Activation rate", "App | Web")
    single = _evidence().filter(pl.col("evidence_id") == "use:1").row(0, named=True)
    assert single["quote_1"] == "Fees again." and single["quote_2"] is None and single["quote_3"] is None


def test_rows_are_valid_against_the_evidence_schema():
    schema = JOURNEY_EVIDENCE.json_schema()
    rows = _evidence().with_columns(pl.col("type").cast(pl.String)).to_dicts()
    for row in rows:
        jsonschema.validate(row, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**rows[0], "type": "pain_point"}, schema)


def test_no_insights_give_an_empty_evidence_table():
    assert _evidence(insights=STAGE_INSIGHTS.empty()).schema == JOURNEY_EVIDENCE.schema


def test_an_insight_of_a_stage_the_map_lacks_is_an_error_not_a_dropped_row():
    stray = given.insights().with_columns(stage_id=pl.lit("moving_home"))
    with pytest.raises(SchemaError, match=r"stage_id \['moving_home'\] not in the journey map"):
        _evidence(insights=stray)
