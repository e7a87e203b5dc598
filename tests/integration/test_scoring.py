"""The shipped sentiment and frustration model with the real packaged encoder: one pass, sane scores,
`voc score` as a user runs it, and `voc train` (retraining and adaptation) on small slices."""

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from voc.cli import main
from voc.config import ModelsConfig
from voc.scoring.model_folder import read_config, shipped_folder
from voc.scoring.scorer import Scorer

pytestmark = pytest.mark.slow
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the checkout")
TEXTS = [
    "I love it, the engineer was brilliant and so friendly. Thank you!",
    "This is the third time I've called and it's STILL not fixed. Absolutely unacceptable, I want to cancel.",
    "Can I change the date of my installation appointment?",
    "The router arrived on Tuesday.",
]


@pytest.fixture(scope="module")
def scorer():
    return Scorer(ModelsConfig(device="cpu"))


def test_one_pass_gives_the_encoders_own_vectors_and_both_scores(scorer):
    vectors, scores = scorer.run(TEXTS, vectors=True, scores=True)
    reference = scorer.encoder.encode(TEXTS)
    np.testing.assert_allclose((vectors * reference).sum(axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(scores[:, :3].sum(axis=1), 1.0, atol=1e-4)
    labels = scores[:, :3].argmax(axis=1)
    assert labels[0] == 2 and labels[1] == 0
    assert scores[1, 3] > 0.5 > scores[0, 3]
    assert scores[1, 3] > max(scores[2, 3], scores[3, 3])


def test_vectors_alone_are_the_encoders_own_and_those_of_the_scoring_pass_bit_for_bit(scorer):
    vectors, scores = scorer.run([*TEXTS, ""], vectors=True, scores=False)
    assert scores is None
    np.testing.assert_allclose((vectors * scorer.encoder.encode([*TEXTS, ""])).sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vectors, scorer.run([*TEXTS, ""], vectors=True, scores=True)[0])


def test_token_ids_are_the_transformers_tokenisers_cut_at_the_window(scorer):
    from voc.scoring.scorer import _trunk

    trunk = _trunk(scorer.encoder)
    texts = [*TEXTS, "", "naïve café 😀 " * 200]  # an empty text; one far beyond the 256-piece window
    expected = trunk.tokenizer(texts, truncation=True, max_length=trunk.max_tokens)["input_ids"]
    assert trunk.token_ids(texts) == expected
    assert len(expected[-1]) == trunk.max_tokens


def test_the_shipped_model_is_small_and_documented():
    folder = shipped_folder()
    assert (folder / "model.safetensors").stat().st_size < 50 * 2**20
    config = read_config(folder)
    for key in ("base_encoder", "split", "temperatures", "metrics", "rows", "trained_on", "trained_at", "settings"):
        assert key in config, key
    card = (folder / "README.md").read_text()
    for section in ("## Training data", "## Metrics on rows never trained on", "Calibration", "airline"):
        assert section in card, section


def test_voc_score_writes_the_inputs_columns_in_order_plus_the_scores(tmp_path, capsys):
    given = pl.DataFrame({"id": ["a", "b", "c"], "comment": [TEXTS[0], "", TEXTS[1]], "channel": ["x", "y", "z"]})
    given.write_csv(tmp_path / "in.csv")
    code = main(["score", "--input", str(tmp_path / "in.csv"), "--text-column", "comment", "--output", str(tmp_path / "out.csv")])
    assert code == 0
    out = pl.read_csv(tmp_path / "out.csv")
    assert out.columns == ["id", "comment", "channel", "sentiment", "sentiment_label", "frustration"]
    assert out["sentiment_label"].to_list() == ["positive", None, "negative"]
    assert "1 empty text" in capsys.readouterr().err


def test_voc_score_prints_json_lines_for_texts(capsys):
    assert main(["score", TEXTS[0], TEXTS[1]]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in rows] == TEXTS[:2]
    assert set(rows[0]) == {"text", "sentiment", "sentiment_label", "frustration"}
    assert rows[0]["sentiment"] > 0 > rows[1]["sentiment"]


@needs_shared
def test_voc_train_retrains_on_a_small_slice_and_the_result_is_usable(tmp_path):
    out = tmp_path / "affect"
    assert main(["-q", "train", "--data", str(SHARED), "--limit", "40", "--epochs", "1", "--output", str(out), "--device", "cpu"]) == 0
    config = read_config(out)
    assert config["rows"]["goemotions.train"] == 40 and "airline.sentiment" in config["metrics"]
    splits = pl.read_parquet(out / "splits.parquet")
    assert set(splits["split"]) == {"train", "val", "test"} and "airline" not in set(splits["dataset"])
    _, scores = Scorer(ModelsConfig(sentiment=str(out), frustration=str(out), device="cpu")).run(TEXTS, False, True)
    assert scores.shape == (4, 4)
    config["metrics"] = {}  # measured again: metrics and card rewritten, weights untouched
    (out / "voc_affect.json").write_text(json.dumps(config))
    weights = (out / "model.safetensors").read_bytes()
    assert main(["-q", "train", "--measure", str(out), "--data", str(SHARED), "--limit", "40", "--device", "cpu"]) == 0
    measured = read_config(out)
    assert "airline.sentiment" in measured["metrics"] and measured["validation"]["selection"] > 0
    assert (out / "model.safetensors").read_bytes() == weights
    assert "measured again" in (out / "README.md").read_text()


def test_measuring_a_folder_that_is_not_a_model_is_a_clear_error(tmp_path, capsys):
    assert main(["train", "--measure", str(tmp_path), "--device", "cpu"]) != 0
    assert "not a model folder written by `voc train`" in capsys.readouterr().err


@needs_shared
def test_adaptation_writes_a_model_with_before_and_after_metrics(tmp_path):
    reviews = pl.read_csv(SHARED / "womens-clothing-reviews/reviews.csv", infer_schema=False).drop_nulls("Review Text")
    labels = reviews.head(60).select(text=pl.col("Review Text"), sentiment=pl.col("Rating").replace_strict(
        {"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"}))
    labels.write_csv(tmp_path / "labels.csv")
    out = tmp_path / "adapted"
    assert main(["-q", "train", "--labels", str(tmp_path / "labels.csv"), "--epochs", "2", "--output", str(out),
                 "--device", "cpu"]) == 0
    config = read_config(out)
    assert config["labels_rows"] == 60 and config["adapted_from"] == str(shipped_folder())
    assert {"sentiment.before", "sentiment.after"} <= set(config["metrics"])
    assert "## Adaptation" in (out / "README.md").read_text()
    _, scores = Scorer(ModelsConfig(sentiment=str(out), frustration="default", device="cpu")).run(TEXTS, False, True)
    assert scores[1, 3] > 0.5  # frustration still from the shipped model
