"""Languages of a topic on hand-made lists: shares, which languages get keywords, (topic, language) classes, and the
topics table's languages and keywords_by_language columns."""

import numpy as np
import polars as pl
import pytest

from voc.schema import TOPIC_LINEAGE, TOPIC_REGISTRY, TOPICS
from voc.topics.fit import TopicFit
from voc.topics.languages import LanguageKeywords, keyword_languages, language_classes, language_shares
from voc.topics.registry import Matched
from voc.topics.table import topic_rows, with_topic_scores


def test_shares_are_largest_first_and_equal_counts_go_in_code_order():
    shares = language_shares(["it", "en", "it", "fr", "de", "it", "en", "fr"])
    assert [(s.language, s.units, s.share) for s in shares] == [
        ("it", 3, 3 / 8), ("en", 2, 2 / 8), ("fr", 2, 2 / 8), ("de", 1, 1 / 8)]


def test_keyword_languages_are_the_dominant_one_and_those_with_a_tenth_of_the_units():
    shares = language_shares(["en"] * 17 + ["it"] * 2 + ["de"])  # it: 10%, de: 5%
    assert keyword_languages(shares) == ["en", "it"]
    assert keyword_languages(shares, min_share=0.2) == ["en"]
    assert keyword_languages(language_shares(["en"] * 4 + ["it"] * 3 + ["de"] * 3 + ["fr"])) == ["en", "de", "it"]


def test_classes_split_each_topic_by_language_and_leave_outliers_out():
    classes, pairs = language_classes(np.array([1, 0, 1, -1, 0, 1]), ["it", "en", "en", "it", "en", "it"])
    assert pairs == [(0, "en"), (1, "en"), (1, "it")]
    assert classes.tolist() == [2, 0, 1, -1, 0, 2]
    with pytest.raises(ValueError, match="one language per document"):
        language_classes(np.array([0, 1]), ["en"])


def test_topic_rows_carry_languages_and_keywords_per_language_in_the_topics_schema():
    fit = TopicFit(
        assignments=np.array([0, 0, 0, 0, 0, 1, 1, -1]), keywords=[["consegna", "ritardo"], ["app"]],
        labels=["Consegna in ritardo", "App"], quotes=[["La consegna è in ritardo", "Late delivery again"], ["App <b>"]],
        centroids=np.eye(2, dtype=np.float32), languages=[language_shares(["it"] * 3 + ["en"] * 2), language_shares(["en"] * 2)],
        keywords_by_language=[[LanguageKeywords("it", 0.6, ["consegna", "ritardo"]), LanguageKeywords("en", 0.4, ["delivery"])],
                              [LanguageKeywords("en", 1.0, ["app"])]])
    matched = Matched(stable_ids=[7, 3], labels=fit.labels, events=TOPIC_LINEAGE.empty(), registry=TOPIC_REGISTRY.empty(),
                      lineage=[("born", None, None), ("continued", None, 0.9)])
    rows = topic_rows(fit, matched, {7: "r2", 3: "r1"}, units=8)
    assert rows.schema["languages"] == TOPICS.schema["languages"]
    assert rows.schema["keywords_by_language"] == TOPICS.schema["keywords_by_language"]
    first = rows.row(0, named=True)
    assert first["topic_id"] == 7 and first["keywords"] == ["consegna", "ritardo"]
    assert first["languages"] == [{"language": "it", "units": 3, "share": 0.6}, {"language": "en", "units": 2, "share": 0.4}]
    assert first["keywords_by_language"] == [{"language": "it", "share": 0.6, "keywords": ["consegna", "ritardo"]},
                                             {"language": "en", "share": 0.4, "keywords": ["delivery"]}]
    scored = pl.DataFrame({"topic_id": [7, 3], "kind": ["pain_point", "neutral"], "sentiment_mean": [-0.5, 0.1],
                           "frustration_rate": [0.4, 0.0], "stage_id": ["buy", "use"]})
    assert with_topic_scores(rows, scored)["languages"].to_list() == rows["languages"].to_list()
