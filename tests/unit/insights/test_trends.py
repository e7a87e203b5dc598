"""Trends and spikes on hand-dated units: periods, per-topic series, trend, volume and sentiment spikes, lineage notes."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from scipy.stats import poisson

from voc.config import InsightsConfig
from voc.errors import VocError
from voc.insights.trends import periods, spikes, topic_series, topic_trends
from voc.schema import ALERTS, LINEAGE_EVENT, TOPIC_LINEAGE

CONFIG = InsightsConfig(period_days=7, baseline_periods=4, spike_z=3.0, spike_min_volume=5)
NEWEST = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
RUN = "20260302T020000Z"
TOPICS = pl.DataFrame({"topic_id": [1, 2, 3], "label": ["Late delivery", "Refunds", "App crashes"],
                       "stage_id": ["deliver", "support", None]})


def units(series: dict[int, list[int]], sentiment: dict[int, list[float]] | None = None,
          covered: int = 5, shift: timedelta = timedelta(0)) -> pl.DataFrame:
    """Units of each topic, `series[topic][k]` of them in period k (0 = latest), an hour apart from the start of
    the period's last day backwards; an outlier at the start of each of the first `covered` periods dates the data."""
    sentiment = sentiment or {}
    rows = [(-1, NEWEST - k * WEEK, 0.0) for k in range(covered)]
    for topic, counts in series.items():
        for k, count in enumerate(counts):
            mood = sentiment.get(topic, [0.0] * len(counts))[k]
            rows += [(topic, NEWEST - k * WEEK - timedelta(hours=1 + i), mood) for i in range(count)]
    frame = pl.DataFrame(rows, schema={"topic_id": pl.Int64, "created_at": pl.Datetime("us", "UTC"),
                                       "sentiment": pl.Float64}, orient="row")
    return frame.with_columns(pl.col("created_at") + shift)


def lineage(rows: list[tuple[str, int, str, int | None]]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema={"run_id": pl.String, "topic_id": pl.Int64, "event": pl.String,
                                       "related_topic_id": pl.Int64}, orient="row")
    return TOPIC_LINEAGE.conform(frame.with_columns(pl.col("event").cast(LINEAGE_EVENT),
                                                    similarity=pl.lit(0.8, pl.Float64)))


NO_LINEAGE = lineage([])


def test_periods_count_back_from_the_newest_unit_not_the_clock():
    end, edges = periods(units({1: [3, 3]}), CONFIG)
    assert end == NEWEST + timedelta(microseconds=1)
    assert edges == [end - WEEK * (k + 1) for k in range(5)]
    later_end, later_edges = periods(units({1: [3, 3]}, shift=timedelta(days=400)), CONFIG)
    assert later_end - end == timedelta(days=400)
    assert [b - a for a, b in zip(edges, later_edges, strict=True)] == [timedelta(days=400)] * 5


def test_periods_need_a_dated_unit():
    undated = pl.DataFrame({"created_at": [None]}, schema={"created_at": pl.Datetime("us", "UTC")})
    with pytest.raises(VocError, match="created_at"):
        periods(undated, CONFIG)


def test_series_zero_fills_quiet_periods_and_leaves_periods_without_data_unknown():
    series = topic_series(units({1: [4, 0, 2], 2: [1]}, sentiment={1: [-0.5, 0.0, 0.25]}, covered=4), CONFIG)
    one = series.filter(pl.col("topic_id") == 1)
    assert one["period"].to_list() == [0, 1, 2, 3, 4]
    assert one["units"].to_list() == [4, 0, 2, 0, None]  # period 4 is before the data begins
    assert one["sentiment_mean"].to_list() == [-0.5, None, 0.25, None, None]
    assert series.schema["units"] == pl.Int64
    assert series["topic_id"].unique().sort().to_list() == [1, 2]  # outliers are no topic


def test_trend_is_latest_over_mean_baseline_minus_one_and_null_without_baseline():
    trends = topic_trends(units({1: [20, 5, 4, 6, 5], 2: [8, 0, 0, 0, 0], 3: [2, 4, 4, 4, 4]}), CONFIG)
    assert trends.to_dict(as_series=False) == {"topic_id": [1, 2, 3], "trend": [3.0, None, -0.5]}


def test_trend_baseline_skips_periods_before_the_data_begins():
    trends = topic_trends(units({1: [9, 3, 3]}, covered=3), CONFIG)
    assert trends["trend"].to_list() == [2.0]  # 9 / mean(3, 3) - 1, not 9 / mean(3, 3, 0, 0) - 1


@pytest.mark.parametrize("counts", [[5, 5, 5, 5, 5], [7, 5, 6, 4, 6], [9, 3, 9, 1, 8]])
def test_flat_or_noisy_series_raise_no_alert(counts):
    assert spikes(units({1: counts}), TOPICS, NO_LINEAGE, RUN, CONFIG).is_empty()


@pytest.mark.parametrize(("counts", "z"), [
    ([20, 5, 4, 6, 5], 15 / 5 ** 0.5),  # baseline spread under the Poisson floor sqrt(5)
    ([50, 2, 20, 2, 20], 39 / (108 ** 0.5)),  # baseline spread sqrt(108) above the floor sqrt(11)
])
def test_volume_spike_with_its_z_change_and_poisson_p_value(counts, z):
    alerts = spikes(units({1: counts}), TOPICS, NO_LINEAGE, RUN, CONFIG)
    assert alerts.schema == ALERTS.schema
    [alert] = alerts.to_dicts()
    baseline = sum(counts[1:]) / 4
    assert (alert["topic_id"], alert["metric"], alert["label"], alert["stage_id"]) == (1, "volume", "Late delivery", "deliver")
    assert (alert["observed"], alert["baseline"]) == (counts[0], baseline)
    assert alert["change"] == pytest.approx(counts[0] / baseline - 1)
    assert alert["z"] == pytest.approx(z)
    assert alert["p_value"] == pytest.approx(poisson.sf(counts[0] - 1, baseline))
    assert alert["period_end"] == NEWEST + timedelta(microseconds=1)
    assert alert["period_start"] == alert["period_end"] - WEEK
    assert alert["note"] is None


def test_a_topic_under_spike_min_volume_does_not_spike():
    quiet = units({1: [4, 1, 0, 1, 0]})  # z = 3.5 on a baseline of 0.5 a period, but only 4 units
    assert spikes(quiet, TOPICS, NO_LINEAGE, RUN, CONFIG).is_empty()
    assert spikes(quiet, TOPICS, NO_LINEAGE, RUN, CONFIG.model_copy(update={"spike_min_volume": 4})).height == 1


def test_sentiment_drop_is_measured_against_the_floored_spread_of_period_means():
    mood = {1: [-0.2, 0.3, 0.32, 0.28, 0.3]}
    alerts = spikes(units({1: [6] * 5}, sentiment=mood), TOPICS, NO_LINEAGE, RUN, CONFIG)
    [alert] = alerts.to_dicts()
    assert alert["metric"] == "sentiment"
    assert alert["observed"] == pytest.approx(-0.2) and alert["baseline"] == pytest.approx(0.3)
    assert alert["change"] == pytest.approx(-0.5)
    assert alert["z"] == pytest.approx(0.5 / 0.05)  # the periods' own spread, 0.016, is under the floor
    assert alert["p_value"] is None


def test_sentiment_rise_or_small_drop_or_too_few_units_is_no_alert():
    steady = [0.3, 0.32, 0.28, 0.3]
    for latest, volume in [(0.9, 6), (0.2, 6), (-0.2, 4)]:
        quiet = units({1: [volume] + [6] * 4}, sentiment={1: [latest, *steady]})
        assert spikes(quiet, TOPICS, NO_LINEAGE, RUN, CONFIG).is_empty(), (latest, volume)


def test_sentiment_needs_two_baseline_periods_with_units():
    once = units({1: [6, 6, 0, 0, 0]}, sentiment={1: [-0.2, 0.3, 0.0, 0.0, 0.0]})  # no spread to measure against
    assert spikes(once, TOPICS, NO_LINEAGE, RUN, CONFIG).is_empty()


def test_a_new_topic_with_no_unit_in_the_dated_baseline_is_the_loudest_spike_with_no_change():
    born = lineage([(RUN, 2, "born", None)])
    alerts = spikes(units({1: [6, 5, 6, 5, 6], 2: [30, 0, 0, 0, 0]}), TOPICS, born, RUN, CONFIG)
    [alert] = alerts.to_dicts()
    assert (alert["topic_id"], alert["metric"], alert["observed"], alert["baseline"]) == (2, "volume", 30, 0)
    assert alert["z"] == 30 and alert["change"] is None and alert["p_value"] == 0
    assert alert["note"] == "born at the last refit"


def test_a_topic_is_not_new_when_the_baseline_periods_hold_no_data_at_all():
    assert spikes(units({2: [30, 0, 0, 0, 0]}, covered=1), TOPICS, NO_LINEAGE, RUN, CONFIG).is_empty()


def test_notes_tell_this_runs_lineage_and_alerts_sort_by_z():
    events = lineage([
        ("20260201T020000Z", 1, "born", None),
        ("20260201T020000Z", 8, "merged_into", 1),  # an earlier run: no note
        (RUN, 1, "split_from", 3),
        (RUN, 7, "merged_into", 1),
        (RUN, 9, "merged_into", 1),
        (RUN, 2, "born", None),
        (RUN, 4, "split_from", 2),
        (RUN, 3, "continued", None),  # no note
    ])
    data = units({1: [20, 5, 4, 6, 5], 2: [40, 5, 4, 6, 5], 3: [20, 5, 4, 6, 5]})
    alerts = spikes(data, TOPICS, events, RUN, CONFIG)
    assert alerts["topic_id"].to_list() == [2, 1, 3]
    assert alerts["note"].to_list() == [
        "born at the last refit; topic 4 split from it at the last refit",
        "split from topic 3 at the last refit; topics 7, 9 merged into it at the last refit",
        "topic 1 split from it at the last refit",
    ]


def test_no_dated_units_give_no_trends_and_no_alerts():
    empty = units({}).clear()
    assert topic_trends(empty, CONFIG).is_empty()
    assert spikes(empty, TOPICS, NO_LINEAGE, RUN, CONFIG).equals(ALERTS.empty())
