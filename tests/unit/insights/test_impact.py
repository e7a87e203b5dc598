"""impact on hand-made respondents: NPS and CSAT arithmetic, bootstrap interval, evidence guard, key drivers,
determinism, opportunity ranking, empty input and the speed of the bootstrap."""

import time

import numpy as np
import polars as pl
import pytest

from voc.config import InsightsConfig
from voc.insights.impact import UNPROVEN_EFFECT, impact
from voc.schema import IMPACT, STAGE_INSIGHTS, UNITS

CONFIG = InsightsConfig(min_respondents=10, bootstrap=500, seed=7)


def _frame(table_schema: pl.Schema, columns: dict[str, list]) -> pl.DataFrame:
    """A frame of the table's columns: the given ones, the rest null."""
    height = len(next(iter(columns.values()))) if columns else 0
    given = pl.DataFrame({name: pl.Series(name, values, dtype=table_schema[name]) for name, values in columns.items()},
                         height=height)
    return given.with_columns(pl.lit(None, dtype).alias(name) for name, dtype in table_schema.items()
                              if name not in columns).select(list(table_schema))


def respondents(stage: str, answers: list[tuple[float, list[int]]], metric: str = "nps", prefix: str = "") -> pl.DataFrame:
    """Units of survey items in one stage: one (score, topics mentioned) per item, one unit per topic
    (topic -1 for an item that mentions none)."""
    rows = [(f"{prefix}{stage}-{metric}-{i:04d}", score, topic)
            for i, (score, topics) in enumerate(answers) for topic in (topics or [-1])]
    return _frame(UNITS.schema, {
        "unit_id": [f"{fid}-{topic}" for fid, _, topic in rows],
        "feedback_id": [fid for fid, _, _ in rows],
        "stage_id": [stage] * len(rows),
        "topic_id": [topic for _, _, topic in rows],
        "score": [score for _, score, _ in rows],
        "score_type": [metric] * len(rows),
    })


def insights(rows: list[tuple[str, int, str, int, float]]) -> pl.DataFrame:
    """STAGE_INSIGHTS rows from (stage_id, topic_id, insight_type, volume, frustration_rate)."""
    names = ("stage_id", "topic_id", "insight_type", "volume", "frustration_rate")
    return _frame(STAGE_INSIGHTS.schema, {name: [row[i] for row in rows] for i, name in enumerate(names)})


def row(result: pl.DataFrame, stage: str, topic: int) -> dict:
    return result.filter((pl.col("stage_id") == stage) & (pl.col("topic_id") == topic)).row(0, named=True)


# 20 NPS respondents: 5 detractors (3) mention topic 1; the others are 9 promoters (9-10), 3 passives (7-8) and
# 3 detractors (6). NPS = 45% - 40% = 5; without topic 1: 60% - 20% = 40; impact = 5 - 40 = -35.
OTHERS = [(10.0, [])] * 5 + [(9.0, [])] * 4 + [(7.0, []), (8.0, []), (8.0, [])] + [(6.0, [])] * 3
NPS_ANSWERS = [(3.0, [1])] * 5 + OTHERS


def test_nps_impact_of_a_pain_point_is_the_score_minus_the_score_without_its_respondents():
    units = pl.concat([respondents("pay", NPS_ANSWERS), respondents("pay", [(1.0, [1])] * 4, metric="csat")])
    result = impact(units, insights([("pay", 1, "pain_point", 5, 0.6)]), CONFIG)
    got = row(result, "pay", 1)
    assert (got["impact_metric"], got["respondents"], got["topic_respondents"], got["evidence"]) == ("nps", 20, 5, "ok")
    assert got["impact"] == pytest.approx(-35.0)
    assert got["driver"] == pytest.approx(3.0 - sum(score for score, _ in OTHERS) / 15)  # on the 0-10 scale


def test_csat_is_the_metric_where_it_has_more_respondents_and_impact_is_a_mean_difference():
    answers = [(2.0, [4])] * 6 + [(5.0, []), (5.0, []), (4.0, []), (4.0, []), (5.0, []), (5.0, [])]
    units = pl.concat([respondents("help", answers, metric="csat"), respondents("help", [(0.0, [4])] * 6)])
    got = row(impact(units, insights([("help", 4, "pain_point", 12, 0.5)]), CONFIG), "help", 4)
    assert (got["impact_metric"], got["respondents"], got["topic_respondents"]) == ("csat", 12, 6)
    assert got["impact"] == pytest.approx(40 / 12 - 28 / 6)
    assert got["driver"] == pytest.approx(2.0 - 28 / 6)


def test_the_interval_holds_the_estimate_and_narrows_with_more_respondents():
    table = insights([("pay", 1, "pain_point", 5, 0.6)])
    small = row(impact(respondents("pay", NPS_ANSWERS * 3), table, CONFIG), "pay", 1)
    large = row(impact(respondents("pay", NPS_ANSWERS * 30), table, CONFIG), "pay", 1)
    for got in (small, large):
        assert got["impact"] == pytest.approx(-35.0)
        assert got["impact_low"] < got["impact"] < got["impact_high"]
    assert large["impact_high"] - large["impact_low"] < (small["impact_high"] - small["impact_low"]) / 2


def test_too_few_respondents_give_null_estimates_and_an_opportunity_from_volume_and_frustration():
    units = respondents("pay", NPS_ANSWERS + [(9.0, [2])] * 4)  # topic 2: 4 respondents, under the minimum of 5
    table = insights([("pay", 1, "pain_point", 30, 0.6), ("pay", 2, "motivation", 10, 0.0)])
    strict = impact(units, table, InsightsConfig(min_respondents=30, bootstrap=100))  # 24 respondents < 30
    assert strict["evidence"].to_list() == ["too_few", "too_few"]
    estimates = strict.select("impact", "impact_low", "impact_high", "driver")
    assert estimates.null_count().row(0) == (2, 2, 2, 2)
    assert strict["opportunity"].to_list() == pytest.approx([0.75 * UNPROVEN_EFFECT * 1.1, 0.25 * UNPROVEN_EFFECT * 0.5])
    lenient = impact(units, table, CONFIG)
    assert lenient["evidence"].to_list() == ["ok", "too_few"]
    assert lenient["topic_respondents"].to_list() == [5, 4]
    assert row(lenient, "pay", 2)["impact"] is None
    crowded = impact(respondents("pay", [(3.0, [1])] * 17 + [(10.0, [])] * 3), table.head(1), CONFIG)
    assert crowded["evidence"].to_list() == ["too_few"]  # 3 respondents without the topic: too few to compare with


def test_driver_recovers_a_topic_that_lowers_the_score_by_three_points():
    rng = np.random.default_rng(0)
    hurts, helps = rng.random(600) < 0.3, rng.random(600) < 0.4
    scores = np.clip(np.rint(7.0 - 3.0 * hurts + 1.0 * helps + rng.normal(0.0, 1.0, 600)), 0, 10)
    answers = [(float(s), [t for t, on in ((1, h), (2, m)) if on]) for s, h, m in zip(scores, hurts, helps)]
    table = insights([("use", 1, "pain_point", 180, 0.5), ("use", 2, "motivation", 240, 0.0)])
    result = impact(respondents("use", answers), table, CONFIG)
    assert row(result, "use", 1)["driver"] == pytest.approx(-3.0, abs=0.3)
    assert row(result, "use", 2)["driver"] == pytest.approx(1.0, abs=0.3)
    assert row(result, "use", 1)["impact"] < 0 < row(result, "use", 2)["impact"]


def test_same_seed_same_result_whatever_the_order_of_the_units_and_another_seed_moves_the_interval():
    units = pl.concat([respondents("pay", NPS_ANSWERS * 2), respondents("ship", NPS_ANSWERS, prefix="b")])
    table = insights([("pay", 1, "pain_point", 5, 0.6), ("ship", 1, "pain_point", 5, 0.6)])
    first = impact(units, table, CONFIG)
    assert impact(units.sample(fraction=1.0, shuffle=True, seed=3), table, CONFIG).equals(first)
    other = impact(units, table, CONFIG.model_copy(update={"seed": 8}))
    assert other["impact"].to_list() == first["impact"].to_list()
    assert other["impact_low"].to_list() != first["impact_low"].to_list()


def test_opportunity_ranks_the_large_frustrating_pain_point_first():
    answers = ([(1.0, [1])] * 12 + [(6.0, [2])] * 5 + [(10.0, [3])] * 8 + [(9.0, [])] * 10 + [(7.0, [])] * 5)
    table = insights([("pay", 2, "pain_point", 8, 0.2), ("pay", 3, "motivation", 10, 0.0), ("pay", 1, "pain_point", 40, 0.9)])
    result = impact(respondents("pay", answers), table, CONFIG)
    assert result.select("stage_id", "topic_id").rows() == [("pay", 2), ("pay", 3), ("pay", 1)]  # the order of insights
    ranked = result.sort("opportunity", descending=True)
    assert ranked["topic_id"].to_list() == [1, 3, 2]
    assert (result["opportunity"] >= 0).all()


def test_empty_input_gives_an_empty_frame_and_insights_without_respondents_have_no_metric():
    assert impact(UNITS.empty(), STAGE_INSIGHTS.empty(), CONFIG).schema == IMPACT.schema
    alone = impact(UNITS.empty(), insights([("pay", 1, "pain_point", 5, None)]), CONFIG)
    assert alone.schema == IMPACT.schema
    assert alone.row(0, named=True) | {"opportunity": None} == {
        "stage_id": "pay", "topic_id": 1, "impact_metric": None, "respondents": 0, "topic_respondents": 0, "impact": None,
        "impact_low": None, "impact_high": None, "driver": None, "opportunity": None, "evidence": "too_few"}
    assert alone["opportunity"][0] == pytest.approx(UNPROVEN_EFFECT * 0.5)


def test_bootstrap_of_a_hundred_insights_over_five_thousand_respondents_takes_well_under_five_seconds():
    rng = np.random.default_rng(1)
    mentions = rng.random((5000, 100)) < 0.05
    scores = rng.integers(0, 11, 5000).astype(float)
    answers = [(float(s), np.flatnonzero(m).tolist()) for s, m in zip(scores, mentions)]
    table = insights([("pay", t, "pain_point", 50, 0.5) for t in range(100)])
    started = time.perf_counter()
    result = impact(respondents("pay", answers), table, InsightsConfig(bootstrap=1000))
    assert time.perf_counter() - started < 5.0
    assert result["evidence"].to_list() == ["ok"] * 100
