"""Pain points and motivations from group scores, on groups of five hand-scored units."""

import polars as pl
import pytest

from voc.config import JourneyConfig
from voc.journey.typing import group_scores, insight_kind


def units(**groups: list[tuple]) -> pl.DataFrame:
    """(sentiment, frustration, motivation_cue[, small_talk]) per unit, by group name."""
    rows = [(name, *unit, *(() if len(unit) == 4 else (False,))) for name, members in groups.items() for unit in members]
    return pl.DataFrame(rows, schema={"group": pl.String, "sentiment": pl.Float64, "frustration": pl.Float64,
                                      "motivation_cue": pl.Boolean, "small_talk": pl.Boolean}, orient="row")


def kinds(frame: pl.DataFrame, **settings) -> dict[str, str]:
    scored = group_scores(frame, ["group"]).with_columns(kind=insight_kind(JourneyConfig(**settings)))
    return dict(scored.select("group", "kind").iter_rows())


def test_group_scores_counts_volume_mean_frustration_and_cues_of_non_negative_units():
    frame = units(a=[(-0.5, 0.9, True), (0.5, 0.5, True), (0.25, 0.49, False), (0.0, 0.0, False)],
                  b=[(-1.0, 0.0, True)])
    scores = group_scores(frame, ["group"])
    assert scores["group"].to_list() == ["a", "b"]
    a, b = scores.rows(named=True)
    assert a["volume"] == 4 and a["sentiment_mean"] == pytest.approx(0.0625)
    assert a["frustration_rate"] == 0.5  # 0.9 and 0.5 count, 0.49 does not
    assert a["cue_rate"] == pytest.approx(1 / 3)  # the cue of the negative unit is left out
    assert (b["volume"], b["cue_rate"]) == (1, 0.0)  # no non-negative unit: no division by zero
    assert a["small_talk_rate"] == 0.0
    assert scores.schema["volume"] == pl.Int64


def test_a_negative_group_is_a_pain_point_and_a_positive_one_a_motivation():
    frame = units(complaints=[(-0.3, 0.0, False)] * 5, praise=[(0.3, 0.0, False)] * 5, calm=[(0.0, 0.0, False)] * 5)
    assert kinds(frame) == {"complaints": "pain_point", "praise": "motivation", "calm": "neutral"}


def test_frustration_makes_a_pain_point_only_of_a_group_negative_on_average():
    frustrated = [(-0.05, 0.8, False)] * 2 + [(-0.05, 0.1, False)] * 3  # rate 0.4, mean just below 0
    level = [(0.0, 0.8, False)] * 2 + [(0.0, 0.1, False)] * 3  # rate 0.4, mean 0
    assert kinds(units(frustrated=frustrated, level=level)) == {"frustrated": "pain_point", "level": "neutral"}


def test_motivation_cues_make_a_motivation_only_of_a_group_not_negative_on_average():
    reasons = [(0.02, 0.0, True)] + [(0.02, 0.0, False)] * 4  # cue rate 0.2, mean 0.02
    grudging = [(-0.05, 0.0, True)] * 5
    assert kinds(units(reasons=reasons, grudging=grudging)) == {"reasons": "motivation", "grudging": "neutral"}


def test_a_group_under_min_volume_is_neutral_however_it_scores():
    frame = units(small=[(-0.9, 1.0, False)] * 4, enough=[(-0.9, 1.0, False)] * 5)
    assert kinds(frame) == {"small": "neutral", "enough": "pain_point"}
    assert kinds(frame, min_volume=4) == {"small": "pain_point", "enough": "pain_point"}


def test_pain_wins_over_motivation_when_both_apply():
    frame = units(mixed=[(0.25, 0.0, True)] * 5)  # mean 0.25, every unit a cue
    assert kinds(frame, pain_sentiment=0.25, motivation_sentiment=0.1) == {"mixed": "pain_point"}
    assert kinds(frame, pain_sentiment=0.0, motivation_sentiment=0.1) == {"mixed": "motivation"}


def test_a_group_mostly_of_small_talk_is_neutral_however_warm_or_cold():
    thanks = [(0.9, 0.0, False, True)] * 3 + [(0.6, 0.0, True, False)] * 2  # "Thanks!", "Kind regards, [NAME]"
    signatures = [(-0.5, 0.9, False, True)] * 3 + [(-0.5, 0.9, False, False)] * 2
    praise = [(0.9, 0.0, False, True)] * 2 + [(0.6, 0.0, False, False)] * 3
    assert kinds(units(thanks=thanks, signatures=signatures, praise=praise)) == {
        "thanks": "neutral", "signatures": "neutral", "praise": "motivation"}
    assert kinds(units(thanks=thanks), small_talk=0.7) == {"thanks": "motivation"}
