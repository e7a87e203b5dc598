"""`voc train`: the recipe that builds the shipped model from the public datasets, and its evaluation."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import torch

from voc.errors import VocError
from voc.scoring.affect import AffectModel, load_affect, predict
from voc.scoring.card import model_card
from voc.scoring.encoder import load_encoder
from voc.scoring.metrics import calibration_error, roc_auc, sentiment_report
from voc.scoring.model_folder import is_affect_folder, read_config
from voc.scoring.train import Tick, TrainSettings, fit, fit_temperature, freeze, hardware, labels_array, outputs_of
from voc.scoring.training_data import evaluation_sets, training_examples
from voc.scoring.trunk import Trunk

__all__ = ["evaluate_public", "public_sets", "remeasure", "score_probabilities", "score_sets", "train_shipped",
           "validation_metrics"]


def train_shipped(data_dir: Path, out: Path, settings: TrainSettings = TrainSettings(), device: str = "cpu",
                  limit: int | None = None, tick: Tick | None = None) -> dict:
    """Train on the train split of the permissive sets, calibrate on val, evaluate on test and the
    evaluation-only sets, and save the model with its card and split record in `out`.

    `limit` keeps at most that many rows per set and split (a quick run; the shipped model uses all)."""
    started = time.perf_counter()
    torch.manual_seed(settings.seed)
    examples = _limited(training_examples(data_dir, settings.seed), limit)
    trunk = Trunk(load_encoder("default", device))
    train = examples.filter(pl.col("split") == "train")
    val = examples.filter(pl.col("split") == "val")
    frozen_train = freeze(trunk, train["text"].to_list(), settings.split, settings.batch_size, tick)
    frozen_val = freeze(trunk, val["text"].to_list(), settings.split, settings.batch_size, tick)
    model = AffectModel.from_trunk(trunk, settings.split).float()  # fp32 training even when the trunk runs fp16
    history = fit(model, frozen_train, labels_array(train, "sentiment"), labels_array(train, "frustration"), settings,
                  tick=tick)
    val_logits = outputs_of(model, frozen_val, val.height, calibrated=False)
    temperatures = [fit_temperature(val_logits[:, :3], labels_array(val, "sentiment"), binary=False),
                    fit_temperature(val_logits[:, 3], labels_array(val, "frustration"), binary=True)]
    model.temperature.copy_(torch.tensor(temperatures))
    train_s = round(time.perf_counter() - started, 1)
    validation = validation_metrics(val, outputs_of(model, frozen_val, val.height, calibrated=True))
    metrics = evaluate_public(trunk, model, data_dir, examples, limit)
    model.meta.update({
        "name": "voc-affect-minilm",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trained_on": hardware(trunk),
        "train_seconds": train_s,
        "settings": settings.__dict__,
        "temperatures": [round(t, 4) for t in temperatures],
        "rows": row_counts(examples),
        "languages_measured": ["en"],
        "history": history,
        "validation": validation,
        "metrics": metrics,
    })
    model.save(out, model_card(model.meta))
    examples.select("dataset", "row_id", "split").write_parquet(out / "splits.parquet")
    return model.meta


def remeasure(folder: Path, data_dir: Path, device: str = "cpu", limit: int | None = None, tick: Tick | None = None,
              ) -> dict:
    """Measure a model folder written by `voc train` again, as `voc score` reads texts today: its validation and
    public-set metrics (the splits of its own seed; `limit` rows per set and split for a quick check), written
    into its config and card; the weights are untouched."""
    if not is_affect_folder(folder) or "split" not in read_config(folder):
        raise VocError(f"{folder} is not a model folder written by `voc train` (retrained or adapted English model)")
    trunk = Trunk(load_encoder("default", device))
    model = load_affect(folder, trunk)
    examples = _limited(training_examples(data_dir, model.meta.get("settings", {}).get("seed", TrainSettings.seed)), limit)
    val = examples.filter(pl.col("split") == "val")
    if tick:
        tick("measure", 0, 1)
    model.meta.update({
        "validation": validation_metrics(val, predict(trunk, model, val["text"].to_list())[0]),
        "metrics": evaluate_public(trunk, model, data_dir, examples, limit),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "measured_on": hardware(trunk),
    })
    model.write_card(folder, model_card(model.meta))
    if tick:
        tick("measure", 1, 1)
    return model.meta


def validation_metrics(val: pl.DataFrame, probabilities: np.ndarray) -> dict:
    """Metrics of each training set's validation rows (what settings are chosen by, never the test rows), and
    `selection`: the mean of their sentiment macro-F1s and frustration ROC-AUCs."""
    datasets = val["dataset"].to_numpy()
    metrics = score_probabilities({name: (val.filter(pl.col("dataset") == name), probabilities[datasets == name])
                                   for name in sorted(set(datasets))})
    scores = [m["macro_f1"] if "macro_f1" in m else m["roc_auc"] for m in metrics.values()]
    scores = [x for x in scores if np.isfinite(x)]
    return {**metrics, "selection": round(float(np.mean(scores)), 4) if scores else float("nan")}


def evaluate_public(trunk: Trunk, model: AffectModel, data_dir: Path, examples: pl.DataFrame,
                    limit: int | None = None) -> dict:
    """Metrics on rows the model never trained on: the test split of each training set and the
    evaluation-only sets (airline tweets, yelp sentences)."""
    return score_sets(lambda texts: predict(trunk, model, texts)[0], public_sets(data_dir, examples, limit))


def public_sets(data_dir: Path, examples: pl.DataFrame, limit: int | None = None) -> dict[str, pl.DataFrame]:
    """The sets metrics are reported on: the test split of each training set and the evaluation-only sets."""
    test = examples.filter(pl.col("split") == "test")
    sets = {name: test.filter(pl.col("dataset") == name) for name in ("reviews", "reviews_title", "uci", "banking77", "goemotions")}
    sets.update(evaluation_sets(data_dir))
    if limit is not None:
        sets = {name: frame.head(limit) for name, frame in sets.items()}
    return sets


def score_sets(probabilities_of: Callable[[list[str]], np.ndarray], sets: dict[str, pl.DataFrame]) -> dict:
    """`<set>.sentiment` (macro-F1, accuracy, ECE) and `<set>.frustration` (ROC-AUC, ECE) of each labelled set
    (columns text, sentiment, and optionally frustration), scored by `probabilities_of` ((n, 4) per text list)."""
    return score_probabilities({name: (frame, probabilities_of(frame["text"].to_list())) for name, frame in sets.items()})


def score_probabilities(sets: dict[str, tuple[pl.DataFrame, np.ndarray]]) -> dict:
    """The metrics of `score_sets` from each set's (frame, probabilities (n, 4))."""
    metrics: dict[str, dict] = {}
    for name, (frame, probabilities) in sets.items():
        labelled = frame["sentiment"].is_not_null().to_numpy()
        if labelled.any():
            metrics[f"{name}.sentiment"] = sentiment_report(frame["sentiment"].to_numpy()[labelled],
                                                            probabilities[labelled, :3])
        if "frustration" in frame.columns and frame["frustration"].is_not_null().any():
            known = frame["frustration"].is_not_null().to_numpy()
            truth = frame["frustration"].to_numpy()[known].astype(int)
            score = probabilities[known, 3]
            metrics[f"{name}.frustration"] = {
                "rows": int(known.sum()), "roc_auc": round(roc_auc(truth, score), 4),
                "ece": round(calibration_error(np.maximum(score, 1 - score), (score >= 0.5) == truth), 4),
                "positives": int(truth.sum()),
            }
    return metrics


def _limited(examples: pl.DataFrame, limit: int | None) -> pl.DataFrame:
    """At most `limit` rows per set and split (all without a limit)."""
    return examples if limit is None else examples.filter(pl.int_range(pl.len()).over("dataset", "split") < limit)


def row_counts(examples: pl.DataFrame) -> dict:
    counts = examples.group_by("dataset", "split").len().sort("dataset", "split")
    return {f"{d}.{s}": n for d, s, n in counts.iter_rows()}
