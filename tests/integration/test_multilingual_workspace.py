"""A mixed English/Italian workspace with `models.encoder: multilingual`: the sample's English and Italian NPS surveys,
where the same evening wifi complaint is planted in both languages (the English survey's last month only)."""

import json
import shutil

import numpy as np
import polars as pl
import pytest
import yaml

from conftest import SAMPLE, voc
from voc.config import load_workspace
from voc.scoring.scorer import Scorer

pytestmark = pytest.mark.slow

_SOURCES = ("nps_survey", "nps_italia")


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("mixed") / "ws"
    shutil.copytree(SAMPLE, workspace, ignore=shutil.ignore_patterns("out", "__pycache__", ".*"))
    config = yaml.safe_load((workspace / "voc.yaml").read_text())
    config["sources"] = [s for s in config["sources"] if s["name"] in _SOURCES]
    config["sources"][0]["path"] = "sources/surveys/nps_2026-10.csv"  # the English survey's last month (the planted wifi complaint)
    config["models"] = {"encoder": "multilingual"}
    config["topics"] = {"min_topic_size": 15}
    (workspace / "voc.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    ran = voc("-q", "run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return workspace / "out" / "latest"


def test_every_unit_has_a_language_and_italian_scores_come_from_the_measured_cross_lingual_model(mixed_run):
    units = pl.read_parquet(mixed_run / "units.parquet")
    assert units["language"].null_count() == 0
    italian = units.filter(pl.col("source") == "nps_italia")
    assert italian.height > 200 and (italian["language"] == "it").mean() > 0.9
    scoring = json.loads((mixed_run / "run.json").read_text())["scoring"]
    assert scoring["encoder"].startswith("use-multilingual-v3") and {"en", "it"} <= set(scoring["languages_measured"])
    complaints = italian.filter(pl.col("text").str.contains(r"(?i)wi-?fi.*\bser[ae]\b"))
    assert complaints.height >= 10 and complaints["sentiment"].mean() < 0


def test_the_same_complaint_in_italian_and_english_lands_in_one_topic_with_keywords_in_both_languages(mixed_run):
    units = pl.read_parquet(mixed_run / "units.parquet")
    italian = units.filter((pl.col("source") == "nps_italia") & pl.col("text").str.contains(r"(?i)wi-?fi.*\bser[ae]\b"))
    english = units.filter((pl.col("source") == "nps_survey") & pl.col("text").str.contains(r"(?i)wi-?fi.*\b(evening|night)"))
    top = [u.filter(pl.col("topic_id") >= 0).group_by("topic_id").len().sort(["len", "topic_id"], descending=[True, False])
           ["topic_id"][0] for u in (italian, english)]
    assert top[0] == top[1], top
    topic = pl.read_parquet(mixed_run / "topics.parquet").filter(pl.col("topic_id") == top[0]).row(0, named=True)
    assert {entry["language"] for entry in topic["keywords_by_language"]} == {"en", "it"}, topic["keywords_by_language"]


def test_an_italian_answer_of_several_sentences_is_scored_whole_by_the_cross_lingual_model(mixed_run):
    units = pl.read_parquet(mixed_run / "units.parquet").filter(pl.col("source") == "nps_italia")
    answers = (units.sort("message_index", "unit_index").group_by("feedback_id", maintain_order=True)
               .agg(pl.col("text").str.join(" ").alias("joined"), pl.len().alias("units"),
                    (pl.col("language") == "it").all().alias("italian"))
               .filter(pl.col("units") >= 2, pl.col("italian"), pl.col("joined").str.len_chars() <= 1000).head(20)
               .join(pl.read_parquet(mixed_run / "feedback.parquet").select("feedback_id", "sentiment"), on="feedback_id"))
    assert answers.height == 20
    workspace = mixed_run.parent.parent
    scorer = Scorer(load_workspace(workspace / "voc.yaml").config.models, workspace)
    joined = answers["joined"].to_list()
    italian = scorer.run(joined, vectors=False, scores=True, languages=["it"] * len(joined))[1]
    english = scorer.run(joined, vectors=False, scores=True)[1]
    np.testing.assert_allclose(answers["sentiment"].to_numpy(), italian[:, 2] - italian[:, 0], atol=1e-4)
    assert np.abs((italian - english)[:, :3]).max() > 0.01  # the English models would have said otherwise
