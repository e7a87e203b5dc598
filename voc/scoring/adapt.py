"""`voc train --labels`: adapt a trained model to a company's own labelled messages.

The labels file has a text column and a `sentiment` (negative | neutral | positive) and/or a
`frustration` (1/0, yes/no, true/false) column; an empty cell means "not labelled". The gain is measured
by 5-fold cross-validation (stratified, seeded): every row is scored by the original model and by a model
adapted on the other four fifths. The model written is then adapted on all rows. A head a row has no
label for is held to the original model's output on that text, so adapting sentiment leaves frustration
as it was (and the reverse).
"""

from __future__ import annotations

import copy
import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from voc.errors import VocError
from voc.scoring.affect import AffectModel, load_affect
from voc.scoring.card import model_card
from voc.scoring.encoder import load_encoder
from voc.scoring.metrics import macro_f1, roc_auc
from voc.scoring.model_folder import CONFIG_FILE, is_affect_folder, read_config
from voc.scoring.train import Frozen, Tick, TrainSettings, fit, freeze, hardware, labels_array, outputs_of
from voc.scoring.trunk import Trunk

__all__ = ["ADAPT_SETTINGS", "adapt", "read_labels"]

_FOLDS = 5
ADAPT_SETTINGS = TrainSettings(epochs=10, batch_size=16, lr_layers=3e-5, lr_heads=5e-4)
_SENTIMENT = {"negative": 0, "neg": 0, "neutral": 1, "neu": 1, "positive": 2, "pos": 2}
_FRUSTRATION = {"1": 1, "0": 0, "1.0": 1, "0.0": 0, "yes": 1, "no": 0, "true": 1, "false": 0, "frustrated": 1, "not_frustrated": 0}


def read_labels(path: Path, text_column: str = "text") -> tuple[pl.DataFrame, list[str]]:
    """(text, sentiment, frustration) rows with at least one label, and one message per row that was skipped
    (rows are numbered from 1, after the header)."""
    if not path.is_file():
        raise VocError(f"labels file not found: {path}")
    try:
        frame = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise VocError(f"cannot read the labels file {path}: {exc}") from exc
    heads = [c for c in ("sentiment", "frustration") if c in frame.columns]
    if text_column not in frame.columns or not heads:
        raise VocError(f"{path}: needs a {text_column!r} column and a sentiment and/or frustration column; "
                       f"found {frame.columns}")
    skipped, rows = [], []
    for number, row in enumerate(frame.iter_rows(named=True), start=1):
        text = str(row[text_column] or "").strip()
        values = {h: str(row[h]).strip().lower() or None if row.get(h) is not None else None for h in ("sentiment", "frustration")}
        sentiment = _SENTIMENT.get(values["sentiment"]) if values["sentiment"] is not None else None
        frustration = _FRUSTRATION.get(values["frustration"]) if values["frustration"] is not None else None
        bad = [f"{h}={values[h]!r}" for h, v in (("sentiment", sentiment), ("frustration", frustration))
               if values[h] is not None and v is None]
        if not text or bad or (sentiment is None and frustration is None):
            reason = "empty text" if not text else f"unknown label {', '.join(bad)}" if bad else "no label"
            skipped.append(f"{path.name} row {number}: {reason}")
            continue
        rows.append({"text": text, "sentiment": sentiment, "frustration": frustration})
    labels = pl.DataFrame(rows, schema={"text": pl.String, "sentiment": pl.Int8, "frustration": pl.Int8})
    if labels.height < 10:
        examples = "; ".join(skipped[:3])
        raise VocError(f"{path}: only {labels.height} usable labelled rows; adaptation needs at least 10"
                       + (f" ({len(skipped)} skipped, e.g. {examples}); sentiment must be negative/neutral/positive, "
                          "frustration 1/0, yes/no or true/false" if skipped else ""))
    return labels, skipped


def adapt(base_folder: Path, labels: pl.DataFrame, out: Path, labels_file: Path, settings: TrainSettings = ADAPT_SETTINGS,
          device: str = "cpu", tick: Tick | None = None) -> dict:
    """Adapt the model in `base_folder` to `labels`; write it to `out` with its card. Returns its metadata."""
    started = time.perf_counter()
    if not is_affect_folder(base_folder):
        raise VocError(f"{base_folder} is not a model folder written by `voc train` (no {CONFIG_FILE}); give --base "
                       "such a folder, or leave it out to adapt the shipped model")
    base_config = read_config(base_folder)
    trunk = Trunk(load_encoder("default", device))
    base = copy.deepcopy(load_affect(base_folder, trunk)).float()  # fp32 even when the trunk runs fp16 on a GPU
    texts = labels["text"].to_list()
    frozen = freeze(trunk, texts, base.split, settings.batch_size)
    teacher = outputs_of(base, frozen, len(texts), calibrated=True)
    sentiment, frustration = labels_array(labels, "sentiment"), labels_array(labels, "frustration")
    folds = _folds(sentiment, frustration, settings.seed)
    after = np.zeros_like(teacher)
    for fold in range(_FOLDS):  # every row is scored once by a model that did not see it
        trial = _fit_copy(base, frozen, sentiment, frustration, teacher, folds != fold, settings, tick)
        after[folds == fold] = outputs_of(trial, frozen, len(texts), calibrated=True)[folds == fold]
    metrics = {"before": _scores(teacher, sentiment, frustration), "after": _scores(after, sentiment, frustration)}
    model = _fit_copy(base, frozen, sentiment, frustration, teacher, np.ones(len(texts), bool), settings, tick)
    model.meta = {**{k: v for k, v in base_config.items()
                     if k in ("base_encoder", "split", "temperatures", "languages_measured")},  # measured on the base
                  "name": f"{base_config.get('name', 'voc-affect')}-adapted",
                  "adapted_from": str(base_folder), "labels_file": str(labels_file),
                  "labels_sha256": hashlib.sha256(labels_file.read_bytes()).hexdigest(),
                  "labels_rows": labels.height, "cross_validation_folds": _FOLDS,
                  "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
                  "trained_on": hardware(trunk),
                  "train_seconds": round(time.perf_counter() - started, 1), "settings": settings.__dict__,
                  "metrics": {f"{k}.{phase}": v for phase, m in metrics.items() for k, v in m.items()}}
    model.save(out, model_card(model.meta))
    return model.meta


def _fit_copy(base: AffectModel, frozen: Frozen, sentiment: np.ndarray, frustration: np.ndarray, teacher: np.ndarray,
              use: np.ndarray, settings: TrainSettings, tick: Tick | None) -> AffectModel:
    """A copy of `base` trained on the rows in `use` (the labels of the other rows are hidden)."""
    model = copy.deepcopy(base).float()
    model.meta = dict(base.meta)
    fit(model, frozen, np.where(use, sentiment, -1), np.where(use, frustration, -1), settings, teacher=teacher, tick=tick)
    return model


def _folds(sentiment: np.ndarray, frustration: np.ndarray, seed: int) -> np.ndarray:
    """Fold of each row, stratified on the label combination (shuffled, then dealt round-robin)."""
    rng = np.random.default_rng(seed)
    folds = np.zeros(len(sentiment), dtype=int)
    groups = sentiment * 3 + frustration
    offset = 0
    for group in np.unique(groups):
        members = rng.permutation(np.flatnonzero(groups == group))
        folds[members] = (np.arange(len(members)) + offset) % _FOLDS
        offset += len(members)
    return folds


def _scores(probabilities: np.ndarray, sentiment: np.ndarray, frustration: np.ndarray) -> dict:
    out = {}
    known = sentiment >= 0
    if known.any():
        out["sentiment"] = {"rows": int(known.sum()),
                            "macro_f1": round(macro_f1(sentiment[known], probabilities[known, :3].argmax(1)), 4)}
    known = frustration >= 0
    if known.any():
        out["frustration"] = {"rows": int(known.sum()), "roc_auc": round(roc_auc(frustration[known], probabilities[known, 3]), 4)}
    return out
